import { useEffect, type RefObject } from 'react';

/**
 * Brings the bar `panel` stands in (its parent) into view whenever `shown` changes: on a phone a
 * panel opened in the call's bar came in below the screen's edge, and the button that opened it,
 * which has the focus, with it. Once more two frames later: the call refits its stage to the taller
 * bar (useStageFit), and on a phone the bar then stops floating and follows the page.
 */
export function useRevealWithBar(panel: RefObject<HTMLElement | null>, shown: unknown): void {
  useEffect(() => {
    const reveal = () => panel.current?.parentElement?.scrollIntoView({ block: 'nearest' });
    reveal();
    let frame = requestAnimationFrame(() => {
      frame = requestAnimationFrame(reveal);
    });
    return () => {
      cancelAnimationFrame(frame);
    };
  }, [panel, shown]);
}
