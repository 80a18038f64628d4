import type { LocalizedText } from '@amtsraum/shared';
import { useLocalize } from '../lib/useLocalize';

/** Documents to bring, each in the reader's language where the office wrote one (with its `lang`). */
export function DocumentList({
  documents,
  className,
  testId,
}: {
  documents: LocalizedText[];
  className?: string;
  testId?: string;
}) {
  const localize = useLocalize();
  return (
    <ul className={className} data-testid={testId}>
      {documents.map((document, index) => {
        const item = localize(document);
        return (
          <li key={index} lang={item.lang}>
            {item.text}
          </li>
        );
      })}
    </ul>
  );
}
