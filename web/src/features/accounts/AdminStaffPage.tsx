import { pagePath, type StaffListResponse, type StaffMember, type StaffMe } from '@amtsraum/shared';
import { useEffect, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { toApiError } from '../../lib/api';
import { problemMessage, useSay, type Message } from '../../lib/message';
import { Link, useParams } from '../../lib/router';
import { useLocalize } from '../../lib/useLocalize';
import { useReloadWhenShown } from '../../lib/useReloadWhenShown';
import { useLanguageName } from '../../ui/LanguageOptions';
import { isRefused, useRefusal } from '../../ui/LostRight';
import { PageHeading } from '../../ui/PageHeading';
import { NotFoundOr } from '../directory';
import { inviteStaff, resendInvitation, setStaffActive, updateStaff, useStaffList } from './api';
import { AccountGate, AdminLoad } from './parts';
import { StaffForm } from './StaffForm';

/** `/admin/:tenant/staff`: the municipality's staff, invitations, roles, deactivation. */
export function AdminStaffPage() {
  const { tenant = '' } = useParams();
  return <AccountGate>{(me) => <StaffAdministration tenant={tenant} me={me} />}</AccountGate>;
}

function StaffAdministration({ tenant, me }: { tenant: string; me: StaffMe }) {
  const { t } = useTranslation('accounts');
  const state = useStaffList(tenant);
  // Another admin's changes (an invitation, a deactivation) show once this tab is shown again.
  useReloadWhenShown(state.reload);
  return (
    <NotFoundOr refused={isRefused(state)}>
      <PageHeading title={t('staff.title')}>{t('staff.heading')}</PageHeading>
      <p>
        <Link to={pagePath('adminTenant', { tenant })}>{t('staff.back')}</Link>
      </p>
      <AdminLoad state={state}>
        {(data) => <StaffLists tenant={tenant} me={me} data={data} reload={state.reload} />}
      </AdminLoad>
    </NotFoundOr>
  );
}

function StaffLists({
  tenant,
  me,
  data,
  reload,
}: {
  tenant: string;
  me: StaffMe;
  data: StaffListResponse;
  reload: () => void;
}) {
  const { t } = useTranslation('accounts');
  const [invitedNote, setInvitedNote] = useState<string | null>(null);
  const [inviteKey, setInviteKey] = useState(0);
  // The button pressed is gone after an action (a fresh invite form, "reactivate" in place of
  // "deactivate"): the focus goes to the notice that says what happened, not to the page's start.
  const noticeRef = useRef<HTMLDivElement>(null);
  const [noticeShown, setNoticeShown] = useState(0);
  useEffect(() => {
    if (noticeShown > 0) noticeRef.current?.focus();
  }, [noticeShown]);
  const notify = (note: string) => {
    setInvitedNote(note);
    setNoticeShown((n) => n + 1);
  };
  return (
    <>
      <div
        ref={noticeRef}
        tabIndex={-1}
        role="status"
        className={invitedNote ? 'panel notice' : 'visually-hidden'}
        data-testid="staff-notice"
      >
        {invitedNote}
      </div>
      <h2>{t('staff.listHeading')}</h2>
      <ul className="card-list staff-list">
        {data.staff.map((member) => (
          <StaffCard
            key={member.id}
            tenant={tenant}
            member={member}
            self={member.id === me.staff.id}
            departments={data.departments}
            onChanged={(note) => {
              notify(note);
              reload();
            }}
          />
        ))}
      </ul>
      <h2>{t('staff.inviteHeading')}</h2>
      <p>{t('staff.inviteIntro')}</p>
      <StaffForm
        key={inviteKey}
        departments={data.departments}
        label={t('staff.inviteHeading')}
        submitLabel={t('staff.form.invite')}
        onSubmit={async (values) => {
          const { staff } = await inviteStaff(tenant, values);
          setInviteKey((n) => n + 1);
          notify(t('staff.invited', { email: staff.email }));
          reload();
        }}
      />
    </>
  );
}

function StaffCard({
  tenant,
  member,
  self,
  departments,
  onChanged,
}: {
  tenant: string;
  member: StaffMember;
  self: boolean;
  departments: StaffListResponse['departments'];
  onChanged: (note: string) => void;
}) {
  const { t } = useTranslation('accounts');
  const say = useSay();
  const localize = useLocalize();
  const languageName = useLanguageName();
  const [editing, setEditing] = useState(false);
  const [busy, setBusy] = useState(false);
  const [failure, setFailure] = useState<Message | null>(null);
  // A refusal for a lost right is shown anew (and focused) at each refused action.
  const refusal = useRefusal();
  const departmentName = (id: string) => {
    const department = departments.find((d) => d.id === id);
    return department ? localize(department.name).text : id;
  };

  const act = async (run: () => Promise<unknown>, note: string) => {
    if (busy) return;
    setBusy(true);
    setFailure(null);
    try {
      await run();
      onChanged(note);
    } catch (error) {
      const apiError = toApiError(error);
      setFailure(refusal.refused(apiError) ? null : problemMessage(apiError));
    } finally {
      setBusy(false);
    }
  };

  return (
    <li className="card" data-testid={`staff-member-${member.email}`}>
      <h3 className="card__title">
        {member.name}
        {self && ` (${t('staff.you')})`}
      </h3>
      <p>{member.email}</p>
      <p>
        <span className={`status status--${member.status}`} data-testid="staff-status">
          {t(`staff.status.${member.status}`)}
        </span>
        {member.isTenantAdmin && ` · ${t('staff.tenantAdmin')}`}
        {member.status !== 'deactivated' &&
          !member.secondFactor &&
          member.isTenantAdmin &&
          ` · ${t('staff.noSecondFactor')}`}
      </p>
      {member.roles.length > 0 && (
        <ul>
          {member.roles.map((role) => (
            <li key={role.departmentId}>
              {departmentName(role.departmentId)}: {t(`staff.role.${role.role}`)}
            </li>
          ))}
        </ul>
      )}
      {member.languages.length > 0 && (
        <p>
          {t('staff.languages')}: {member.languages.map(languageName).join(', ')}
        </p>
      )}
      {refusal.notice}
      {failure && (
        <p className="field__error" role="alert">
          {say(failure)}
        </p>
      )}
      {editing ? (
        <StaffForm
          departments={departments}
          initial={member}
          self={self}
          label={t('staff.editLabel', { name: member.name })}
          submitLabel={t('staff.form.save')}
          onCancel={() => {
            setEditing(false);
          }}
          onSubmit={async (values) => {
            await updateStaff(tenant, member.id, {
              name: values.name,
              languages: values.languages,
              roles: values.roles,
              ...(self ? {} : { isTenantAdmin: values.isTenantAdmin }),
            });
            setEditing(false);
            onChanged(t('staff.saved', { name: values.name }));
          }}
        />
      ) : (
        <div className="button-row">
          <button
            type="button"
            className="button"
            aria-label={t('staff.editLabel', { name: member.name })}
            onClick={() => {
              setEditing(true);
            }}
          >
            {t('staff.edit')}
          </button>
          {member.status === 'invited' && (
            <button
              type="button"
              className="button"
              aria-disabled={busy || undefined}
              onClick={() =>
                void act(() => resendInvitation(tenant, member.id), t('staff.resent', { email: member.email }))
              }
            >
              {t('staff.resend')}
            </button>
          )}
          {!self &&
            (member.status === 'deactivated' ? (
              <button
                type="button"
                className="button"
                aria-disabled={busy || undefined}
                onClick={() =>
                  void act(() => setStaffActive(tenant, member.id, true), t('staff.reactivated', { name: member.name }))
                }
              >
                {t('staff.reactivate')}
              </button>
            ) : (
              <button
                type="button"
                className="button button--danger"
                aria-label={t('staff.deactivateLabel', { name: member.name })}
                aria-disabled={busy || undefined}
                onClick={() => {
                  if (!window.confirm(t('staff.deactivateConfirm', { name: member.name }))) return;
                  void act(
                    () => setStaffActive(tenant, member.id, false),
                    t('staff.deactivated', { name: member.name }),
                  );
                }}
              >
                {t('staff.deactivate')}
              </button>
            ))}
        </div>
      )}
    </li>
  );
}
