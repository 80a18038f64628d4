import { InvitePanel, LobbyNotice } from '../invites';
import { VisitFacts } from './VisitFacts';

// Loaded with the clerk's call only (see clerk-call-tools.tsx): the invite tools stay out of
// every other page's first download (issue 14).

export function ClerkLobbyNotice({ departmentId, visitId }: { departmentId: string; visitId: string }) {
  return (
    <>
      <VisitFacts departmentId={departmentId} visitId={visitId} />
      <LobbyNotice departmentId={departmentId} visitId={visitId} />
    </>
  );
}

export function ClerkInvitePanel({
  departmentId,
  visitId,
  interpreterLanguage,
  timeZone,
}: {
  departmentId: string;
  visitId: string;
  interpreterLanguage: string | null;
  timeZone: string;
}) {
  return (
    <InvitePanel
      departmentId={departmentId}
      target={{ visitId }}
      interpreterLanguage={interpreterLanguage}
      timeZone={timeZone}
    />
  );
}
