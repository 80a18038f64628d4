/**
 * Who names the document. Several components can want the title at once: a page's heading, and
 * a loading placeholder for one of its parts, mounting and unmounting in any order. Each holds a
 * claim; the newest claim that names the page wins, and a placeholder's claim counts only while
 * nothing names the page. Without this, whichever effect ran last kept the title, and a page
 * could stay "Wird geladen …" after its heading had shown (WCAG 2.4.2).
 *
 * Returns `claim(title, placeholder)`, which shows the winner through `show` and returns the
 * claim's release (an effect's cleanup). Functions, not a class: this is on the door page's
 * budget, and minified closures are shorter than property names.
 */
export function pageTitles(show: (title: string) => void) {
  const claims: { title: string; placeholder: boolean }[] = [];
  const apply = () => {
    const winner = claims.findLast((claim) => !claim.placeholder) ?? claims.at(-1);
    // With no claim left (between pages), the last title stays until the next page claims one.
    if (winner) show(winner.title);
  };
  return (title: string, placeholder: boolean): (() => void) => {
    const claim = { title, placeholder };
    claims.push(claim);
    apply();
    return () => {
      const index = claims.indexOf(claim);
      if (index >= 0) claims.splice(index, 1);
      apply();
    };
  };
}
