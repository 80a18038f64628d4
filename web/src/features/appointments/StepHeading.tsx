import type { Ref } from 'react';
import { useTranslation } from 'react-i18next';

interface StepHeadingProps {
  level: 2 | 3;
  /** 1-based; omitted for the confirmation, which is no step of its own. */
  step?: number;
  total?: number;
  title: string;
  id?: string;
  ref?: Ref<HTMLHeadingElement>;
}

/** A step's heading, which takes focus when the step opens, with "Schritt 2 von 3" in its name. */
export function StepHeading({ level, step, total, title, id, ref }: StepHeadingProps) {
  const { t } = useTranslation('appointments');
  const Heading = level === 2 ? 'h2' : 'h3';
  return (
    <Heading ref={ref} id={id} tabIndex={-1} className="step-heading" data-testid="step-heading">
      {step !== undefined && total !== undefined && (
        <span className="step-heading__count">
          {t('steps.count', { step, total })}
          <span className="step-heading__colon">: </span>
        </span>
      )}
      <span className="step-heading__title">{title}</span>
    </Heading>
  );
}
