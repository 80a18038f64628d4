import type { ReactNode } from 'react';
import { usePageFocus } from '../lib/page-focus';

interface RetryButtonProps {
  onClick: () => void;
  className?: string;
  children: ReactNode;
}

/**
 * A button that replaces its page (try again, rejoin): it disappears with the page, so the
 * next page's heading takes focus.
 */
export function RetryButton({ onClick, className = 'button', children }: RetryButtonProps) {
  const { requestFocus } = usePageFocus();
  return (
    <button
      type="button"
      className={className}
      onClick={() => {
        requestFocus();
        onClick();
      }}
    >
      {children}
    </button>
  );
}
