// The accounts, for admins: newest first, filtered by role, a page at a time; each account's role
// can be changed (audited; it signs the account out). Your own role cannot be changed: the API
// refuses it (409), and the reason is shown on the row.
import { useId, useState } from 'preact/hooks';
import { FilterSelect, LoadMore, Loading, ProblemAlert, TableHead } from '../components/ui.tsx';
import { api, type ApiError } from '../lib/api.ts';
import { dateTime, label } from '../lib/format.ts';
import { asApiError, usePages, useTitle } from '../lib/hooks.ts';
import { useSession } from '../lib/session.ts';
import type { Account, AccountPage, Role } from '../lib/types.ts';

export const allRoles: readonly Role[] = ['student', 'grader', 'senior', 'admin'];

function AccountRow({ initial, me }: { initial: Account; me: boolean }) {
  const id = useId();
  const [account, setAccount] = useState(initial);
  const [role, setRole] = useState<Role>(initial.role);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<ApiError | null>(null);
  const [saved, setSaved] = useState(false);

  const save = async () => {
    setBusy(true);
    setError(null);
    setSaved(false);
    try {
      const changed = await api<Account>(`/admin/users/${account.id}`, { method: 'PATCH', json: { role } });
      setAccount(changed);
      setRole(changed.role);
      setSaved(true);
    } catch (e) {
      setError(asApiError(e));
      setRole(account.role);
    } finally {
      setBusy(false);
    }
  };

  return (
    <tr data-testid="account" data-email={account.email}>
      <td>
        {account.name}
        {me && <span class="muted"> (you)</span>}
      </td>
      <td class="wrap">{account.email}</td>
      <td>
        <div class="role-edit">
          <label for={`${id}-role`} class="sr-only">
            Role of {account.name}
          </label>
          <select id={`${id}-role`} value={role} onChange={(e) => (setRole(e.currentTarget.value as Role), setSaved(false), setError(null))}>
            {allRoles.map((r) => (
              <option key={r} value={r}>
                {label(r)}
              </option>
            ))}
          </select>
          <button type="button" class="small" disabled={busy || role === account.role} onClick={() => void save()}>
            {busy ? 'Saving…' : 'Change role'}
            <span class="sr-only"> of {account.name}</span>
          </button>
        </div>
        {saved && (
          <p class="ok small" role="status">
            Now {label(account.role).toLowerCase()}. They sign in again to use it.
          </p>
        )}
        <ProblemAlert error={error} />
      </td>
      <td>
        <time dateTime={account.createdAt}>{dateTime(account.createdAt)}</time>
      </td>
    </tr>
  );
}

export function UsersPage() {
  useTitle('Users');
  const { user } = useSession();
  const [role, setRole] = useState('');
  const list = (cursor?: string) => api<AccountPage>(`/admin/users?${new URLSearchParams({ limit: '50', ...(role && { role }), ...(cursor && { cursor }) })}`);
  const { first, items, next, loadMore, moreError } = usePages(list, [role]);

  return (
    <section>
      <div class="title-row">
        <h1>Users</h1>
        <button type="button" class="secondary" onClick={() => void first.reload()}>
          Refresh
        </button>
      </div>
      <p class="muted">
        Graders mark; senior graders also adjudicate, decide appeals and override results. A role change signs the account out, and is kept in the audit
        trail.
      </p>
      <div class="filters">
        <FilterSelect text="Role" value={role} options={allRoles} onChange={setRole} />
      </div>
      <ProblemAlert error={first.error} />
      {!first.data ? (
        !first.error && <Loading what="the accounts" />
      ) : items.length === 0 ? (
        <p>No accounts match.</p>
      ) : (
        <div class="table-wrap">
          <table>
            <TableHead columns={['Name', 'Email', 'Role', 'Created']} />
            <tbody>
              {items.map((a) => (
                <AccountRow key={`${a.id}-${a.role}`} initial={a} me={a.id === user.id} />
              ))}
            </tbody>
          </table>
        </div>
      )}
      <LoadMore next={next} onMore={loadMore} error={moreError} />
    </section>
  );
}
