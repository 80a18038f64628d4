import { useEffect, useRef, type ReactNode } from 'react';
import { usePageFocus } from '../lib/page-focus';
import { usePageTitle } from '../lib/usePageTitle';

interface PageHeadingProps {
  /** The page's part of the document title. */
  title: string;
  /** Heading content if it differs from the title. */
  children?: ReactNode;
}

/**
 * The one h1 of a page. It sets the document title and, after a client-side navigation, takes
 * focus and announces the title, so screen-reader users learn that the page changed.
 */
export function PageHeading({ title, children }: PageHeadingProps) {
  const ref = useRef<HTMLHeadingElement>(null);
  const { claimFocus, announce } = usePageFocus();
  usePageTitle(title); // before the focus effect, so the announcement reads the new title

  useEffect(() => {
    if (!claimFocus()) return;
    ref.current?.focus();
    announce(document.title);
  }, [claimFocus, announce]);

  return (
    <h1 ref={ref} tabIndex={-1} className="page-heading">
      {children ?? title}
    </h1>
  );
}
