import type { QueueEntry } from '@amtsraum/shared';
import { useTranslation } from 'react-i18next';
import { useLoad } from '../../lib/useLoad';
import { useLocalize } from '../../lib/useLocalize';
import { useLanguageName } from '../../ui/LanguageOptions';
import { loadConsole } from './api';
import { useVisitName } from './OnsiteDesk';

/**
 * What the person in the call came for, above the clerk's call: their concern or service, their
 * language, the interpreter they asked for. The console's queue showed it only while they waited;
 * a clerk who let in "the next person" (often straight into the call) had to ask again.
 */
export function VisitFacts({ departmentId, visitId }: { departmentId: string; visitId: string }) {
  const load = useLoad(`visit-facts:${departmentId}:${visitId}`, () => loadConsole(departmentId));
  const entry = load.status === 'success' ? load.data.active.find((visit) => visit.id === visitId) : undefined;
  return entry ? <VisitFactsLine entry={entry} /> : null;
}

/** The same in the console, for the person the clerk is with (the queue's row went with them). */
export function VisitFactsLine({ entry }: { entry: QueueEntry }) {
  const { t } = useTranslation('console');
  const localize = useLocalize();
  const languageName = useLanguageName();
  const visitName = useVisitName();
  const service = entry.service ? localize(entry.service.name) : null;
  return (
    <p className="visit-facts" data-testid="visit-facts">
      <strong>
        <bdi>{visitName(entry)}</bdi>
      </strong>
      {': '}
      {service ? <span lang={service.lang}>{service.text}</span> : <bdi>{entry.concern}</bdi>}
      {' · '}
      <span lang={entry.language}>{languageName(entry.language)}</span>
      {entry.interpreterLanguage && (
        <>
          {' · '}
          {t('callFacts.interpreter')}{' '}
          <span lang={entry.interpreterLanguage}>{languageName(entry.interpreterLanguage)}</span>
        </>
      )}
    </p>
  );
}
