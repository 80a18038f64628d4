/**
 * Who names the document. Several components can want the title at once: a page's heading, and
 * a loading placeholder for one of its parts, mounting and unmounting in any order. Each holds a
 * claim; the newest claim that names the page wins, and a placeholder's claim counts only while
 * nothing names the page. Without this, whichever effect ran last kept the title, and a page
 * could stay "Wird geladen …" after its heading had shown (WCAG 2.4.2).
 */
export interface TitleClaim {
  title: string;
  /** Stands in while the page loads (the loading state); any page title outranks it. */
  placeholder: boolean;
}

export class PageTitles {
  private readonly claims: TitleClaim[] = [];

  constructor(private readonly show: (title: string) => void) {}

  /** Adds a claim and returns its release (an effect's cleanup). */
  claim(title: string, placeholder: boolean): () => void {
    const claim: TitleClaim = { title, placeholder };
    this.claims.push(claim);
    this.apply();
    return () => {
      const index = this.claims.indexOf(claim);
      if (index >= 0) this.claims.splice(index, 1);
      this.apply();
    };
  }

  private apply(): void {
    const winner = this.claims.findLast((claim) => !claim.placeholder) ?? this.claims.at(-1);
    // With no claim left (between pages), the last title stays until the next page claims one.
    if (winner) this.show(winner.title);
  }
}
