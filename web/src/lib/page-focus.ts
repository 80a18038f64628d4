import { createContext, useContext } from 'react';

export interface PageFocus {
  /** True once after a route change: the caller should take focus (the page's h1). */
  claimFocus: () => boolean;
  /** Makes the next heading to mount take focus, as after a route change. */
  requestFocus: () => void;
  /** Reads `text` out to screen readers through the layout's polite live region. */
  announce: (text: string) => void;
}

export const PageFocusContext = createContext<PageFocus>({
  claimFocus: () => false,
  requestFocus: () => {},
  announce: () => {},
});

export const usePageFocus = (): PageFocus => useContext(PageFocusContext);
