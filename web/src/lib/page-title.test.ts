import { describe, expect, it } from 'vitest';
import { pageTitles } from './page-title';

// A page's heading and a loading placeholder for one of its parts mount and unmount in any order;
// the title must name the page once its heading shows (WCAG 2.4.2).

function titles() {
  const shown: string[] = [];
  return { claim: pageTitles((title) => shown.push(title)), current: () => shown.at(-1) };
}

describe('pageTitles', () => {
  it('keeps the page title when a placeholder mounts after the heading', () => {
    const { claim, current } = titles();
    claim('Mitarbeitende', false);
    const release = claim('Wird geladen …', true);
    expect(current()).toBe('Mitarbeitende');
    release();
    expect(current()).toBe('Mitarbeitende');
  });

  it('shows the placeholder until a page title comes, then the page title', () => {
    const { claim, current } = titles();
    const release = claim('Wird geladen …', true);
    expect(current()).toBe('Wird geladen …');
    claim('Verwaltung', false);
    expect(current()).toBe('Verwaltung');
    release();
    expect(current()).toBe('Verwaltung');
  });

  it('goes back to the placeholder when the page title goes while it still loads', () => {
    const { claim, current } = titles();
    claim('Wird geladen …', true);
    const release = claim('Startseite', false);
    release();
    expect(current()).toBe('Wird geladen …');
  });

  it('lets the newest page title win, and the earlier one back when it goes', () => {
    const { claim, current } = titles();
    claim('Verwaltung', false);
    const release = claim('Nicht gefunden', false);
    expect(current()).toBe('Nicht gefunden');
    release();
    expect(current()).toBe('Verwaltung');
  });
});
