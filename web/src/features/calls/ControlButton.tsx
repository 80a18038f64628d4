import type { RefObject } from 'react';
import { Icon, type IconName } from './icons';

/** A button of the call's bar: icon and word, pressed or not, or opening a panel. */
export function ControlButton({
  ref,
  icon,
  label,
  pressed,
  expanded,
  controls,
  danger = false,
  onClick,
}: {
  ref?: RefObject<HTMLButtonElement | null>;
  icon: IconName;
  label: string;
  pressed?: boolean;
  expanded?: boolean;
  controls?: string;
  danger?: boolean;
  onClick: () => void;
}) {
  return (
    <button
      ref={ref}
      type="button"
      className={`control${pressed === false ? ' control--off' : ''}${danger ? ' control--danger' : ''}`}
      aria-pressed={pressed}
      aria-expanded={expanded}
      aria-controls={expanded ? controls : undefined}
      onClick={onClick}
    >
      <Icon name={icon} />
      <span className="control__label">{label}</span>
    </button>
  );
}
