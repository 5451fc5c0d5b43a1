/**
 * A site's members: who has which role, invitations by e-mail (sent by Auth through the ingest
 * Worker, accepted when the invited address signs in), role changes and removal. The database
 * decides what the signed-in member may do; the screen offers only that and shows its refusals.
 */
import { useState, type FormEvent } from 'react';
import { roleRank } from '../components/Account/AccountNav.js';
import { EmailReports } from '../components/Account/EmailReports.js';
import { UserText } from '../components/Text/UserText.js';
import { useLoad } from '../hooks/useLoad.js';
import type { AccountApi, Member, Role } from '../lib/account-api.js';
import type { ApiResult } from '../lib/api.js';

interface Props {
  account: AccountApi;
  site: string;
  /** The signed-in member's role on the site. */
  role: string;
  /** After leaving the site: the caller reloads the site list. */
  onLeft: () => void;
}

const ROLES: Role[] = ['owner', 'admin', 'viewer'];

/** Mirrors the database's rules (05_members.sql), which decide anyway. */
function canManage(myRole: string, member: Member): boolean {
  if (member.is_you) return false;
  if (myRole === 'owner') return true;
  return myRole === 'admin' && member.role !== 'owner';
}

export function MembersPage({ account, site, role, onLeft }: Props) {
  const members = useLoad(`members:${site}`, () => account.members(site));
  const admin = roleRank(role) >= roleRank('admin');
  const invitations = useLoad(`invitations:${site}:${admin}`, () =>
    admin ? account.invitations(site) : Promise.resolve({ data: [], error: null }),
  );
  const you = members.data?.find((m) => m.is_you);
  const [email, setEmail] = useState('');
  const [inviteRole, setInviteRole] = useState<Role>('viewer');
  const [message, setMessage] = useState<{ text: string; error: boolean } | null>(null);

  const after = async (work: Promise<ApiResult<unknown>>, done: string): Promise<boolean> => {
    const res = await work;
    setMessage(res.error ? { text: res.error.message, error: true } : { text: done, error: false });
    members.reload();
    invitations.reload();
    return !res.error;
  };

  const invite = (e: FormEvent): void => {
    e.preventDefault();
    const address = email.trim();
    void after(account.invite(site, address, inviteRole), `Invitation sent to ${address}.`).then(
      (ok) => ok && setEmail(''),
    );
  };

  return (
    <section className="members" aria-label="Members">
      <h1>Members</h1>
      {message && (
        <p
          className={message.error ? 'error' : 'notice'}
          role="status"
          data-testid="members-message"
        >
          <UserText text={message.text} max={300} />
        </p>
      )}
      {members.error && <p className="error">{members.error.message}</p>}
      <table className="list" data-testid="member-list">
        <thead>
          <tr>
            <th>E-mail</th>
            <th>Role</th>
            <th aria-label="Actions" />
          </tr>
        </thead>
        <tbody>
          {(members.data ?? []).map((m) => (
            <tr key={m.user_id} data-email={m.email}>
              <td>
                <UserText text={m.email} /> {m.is_you && <span className="muted">(you)</span>}
              </td>
              <td>
                {canManage(role, m) ? (
                  <select
                    aria-label={`Role of ${m.email}`}
                    value={m.role}
                    onChange={(e) =>
                      void after(
                        account.setRole(site, m.user_id, e.target.value as Role),
                        'Role changed.',
                      )
                    }
                  >
                    {ROLES.filter((r) => role === 'owner' || r !== 'owner').map((r) => (
                      <option key={r} value={r}>
                        {r}
                      </option>
                    ))}
                  </select>
                ) : (
                  m.role
                )}
              </td>
              <td>
                {canManage(role, m) && (
                  <button
                    type="button"
                    className="danger"
                    onClick={() =>
                      void after(account.removeMember(site, m.user_id), `${m.email} was removed.`)
                    }
                  >
                    Remove
                  </button>
                )}
                {m.is_you && (
                  <button
                    type="button"
                    className="link"
                    onClick={() =>
                      void after(account.removeMember(site, m.user_id), 'You left the site.').then(
                        (ok) => ok && onLeft(),
                      )
                    }
                  >
                    Leave
                  </button>
                )}
              </td>
            </tr>
          ))}
        </tbody>
      </table>

      {you && <EmailReports key={site} account={account} site={site} user={you.user_id} />}

      {admin && (
        <>
          <h2>Invite someone</h2>
          <form className="inline-form" onSubmit={invite} data-testid="invite-form">
            <label htmlFor="invite-email">E-mail</label>
            <input
              id="invite-email"
              type="email"
              required
              value={email}
              onChange={(e) => setEmail(e.target.value)}
            />
            <label htmlFor="invite-role">Role</label>
            <select
              id="invite-role"
              value={inviteRole}
              onChange={(e) => setInviteRole(e.target.value as Role)}
            >
              {ROLES.filter((r) => role === 'owner' || r !== 'owner').map((r) => (
                <option key={r} value={r}>
                  {r}
                </option>
              ))}
            </select>
            <button type="submit">Send invitation</button>
          </form>
          <p className="muted">
            They get an e-mail from Auth; the invitation is accepted when they sign in with that
            address.
          </p>
          {(invitations.data ?? []).length > 0 && (
            <>
              <h2>Waiting for</h2>
              <ul className="list" data-testid="invitation-list">
                {(invitations.data ?? []).map((i) => (
                  <li key={i.id}>
                    <UserText text={i.email} /> as {i.role}{' '}
                    <button
                      type="button"
                      className="link"
                      onClick={() =>
                        void after(account.revokeInvitation(i.id), 'Invitation withdrawn.')
                      }
                    >
                      Withdraw
                    </button>
                  </li>
                ))}
              </ul>
            </>
          )}
        </>
      )}
    </section>
  );
}
