import { useState } from 'preact/hooks';
import type { ApiError } from '../../api.js';
import { ShownOnce } from '../../components/copy-button.js';
import { Field } from '../../components/field.js';
import { ErrorNotice, Loading } from '../../components/notice.js';
import { useI18n } from '../../i18n/i18n.js';
import { useSession, useUser } from '../../session.js';
import type { User, UserRole } from '../../types.js';
import { useResource } from '../../use-resource.js';
import { roleKey } from '../labels.js';

const ROLES: UserRole[] = ['member', 'child', 'admin'];

export function UsersPage() {
  const { t } = useI18n();
  return (
    <section class="stack">
      <h1 tabIndex={-1}>{t('admin.users')}</h1>
      <Invites />
      <UserList />
    </section>
  );
}

function Invites() {
  const { t, formatDate } = useI18n();
  const { api } = useSession();
  const invites = useResource<{ invites: Array<{ id: number; role: UserRole; createdAt: number; expiresAt: number }> }>('/api/admin/invites');
  const [role, setRole] = useState<UserRole>('member');
  const [link, setLink] = useState<string | null>(null);
  const [error, setError] = useState<ApiError | null>(null);
  const create = async (e: Event) => {
    e.preventDefault();
    try {
      const made = await api.post<{ url: string }>('/api/admin/invites', { role });
      setLink(made.url);
      setError(null);
      invites.reload();
    } catch (err) {
      setError(err as ApiError);
    }
  };
  const revoke = async (id: number) => {
    try {
      await api.delete(`/api/admin/invites/${id}`);
      invites.reload();
    } catch (err) {
      setError(err as ApiError);
    }
  };
  return (
    <section class="card stack" aria-labelledby="inv-h">
      <h2 id="inv-h">{t('admin.invites')}</h2>
      <form onSubmit={(e) => void create(e)} class="row end">
        <Field id="invite-role" label={t('admin.role')}>
          <select id="invite-role" value={role} onChange={(e) => setRole(e.currentTarget.value as UserRole)}>
            {ROLES.map((r) => (
              <option key={r} value={r}>
                {t(roleKey(r))}
              </option>
            ))}
          </select>
        </Field>
        <button type="submit" class="primary">
          {t('admin.createInvite')}
        </button>
      </form>
      {link && <ShownOnce label={t('admin.inviteLink')} value={link} />}
      <ErrorNotice error={error} />
      {invites.data && invites.data.invites.length > 0 && (
        <table>
          <caption class="sr-only">{t('admin.pendingInvites')}</caption>
          <thead>
            <tr>
              <th scope="col">{t('admin.role')}</th>
              <th scope="col">{t('admin.expires')}</th>
              <th scope="col">
                <span class="sr-only">{t('common.actions')}</span>
              </th>
            </tr>
          </thead>
          <tbody>
            {invites.data.invites.map((i) => (
              <tr key={i.id}>
                <td>{t(roleKey(i.role))}</td>
                <td>{formatDate(i.expiresAt)}</td>
                <td>
                  <button type="button" class="small" onClick={() => void revoke(i.id)}>
                    {t('admin.revoke')}
                  </button>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}

function UserList() {
  const { t } = useI18n();
  const { api } = useSession();
  const me = useUser();
  const users = useResource<{ users: User[] }>('/api/admin/users');
  const [error, setError] = useState<ApiError | null>(null);
  const [resetLink, setResetLink] = useState<{ name: string; url: string } | null>(null);
  const patch = async (u: User, change: Partial<Pick<User, 'role' | 'disabled'>>) => {
    try {
      const updated = await api.patch<User>(`/api/admin/users/${u.id}`, change);
      users.set((d) => ({ users: d.users.map((x) => (x.id === u.id ? updated : x)) }));
      setError(null);
    } catch (err) {
      setError(err as ApiError);
      users.reload();
    }
  };
  const reset = async (u: User) => {
    try {
      const made = await api.post<{ url: string }>(`/api/admin/users/${u.id}/reset-link`);
      setResetLink({ name: u.displayName, url: made.url });
    } catch (err) {
      setError(err as ApiError);
    }
  };
  return (
    <section class="card stack" aria-labelledby="users-h">
      <h2 id="users-h">{t('admin.people')}</h2>
      <ErrorNotice error={error ?? users.error} />
      {resetLink && <ShownOnce label={t('admin.resetLinkFor', { name: resetLink.name })} value={resetLink.url} />}
      {!users.data && <Loading />}
      <ul class="plain stack">
        {users.data?.users.map((u) => (
          <li key={u.id} class="row spread user-row">
            <span>
              <strong>{u.displayName}</strong> <span class="muted">@{u.username}</span>
              {u.disabled && <span class="badge badge-failed">{t('admin.disabled')}</span>}
            </span>
            <span class="row">
              <label class="sr-only" for={`role-${u.id}`}>
                {t('admin.roleOf', { name: u.displayName })}
              </label>
              <select id={`role-${u.id}`} value={u.role} disabled={u.id === me.id} onChange={(e) => void patch(u, { role: e.currentTarget.value as UserRole })}>
                {ROLES.map((r) => (
                  <option key={r} value={r}>
                    {t(roleKey(r))}
                  </option>
                ))}
              </select>
              {u.id !== me.id && (
                <button type="button" class="small" onClick={() => void patch(u, { disabled: !u.disabled })}>
                  {u.disabled ? t('admin.enable') : t('admin.disable')}
                </button>
              )}
              <button type="button" class="small" onClick={() => void reset(u)} aria-label={t('admin.resetLinkFor', { name: u.displayName })}>
                {t('admin.resetLink')}
              </button>
            </span>
          </li>
        ))}
      </ul>
    </section>
  );
}
