import { useState, type FormEvent } from 'react'
import { api, ApiError, errorMessage } from '../api/client'
import type { ApiKey, ApiKeyCreated, User } from '../api/schema.gen'
import { ROLE_LABELS, useAuth } from '../auth/AuthContext'
import { ConfirmButton } from '../components/ConfirmButton'
import {
  Button,
  DataTable,
  Empty,
  ErrorState,
  FormError,
  LoadMore,
  Loading,
  Notice,
  PageHeader,
  Section,
  SelectField,
  StatusBadge,
  TextField,
} from '../components/ui'
import { copyText } from '../lib/clipboard'
import { formatDate } from '../lib/format'
import { useAction, usePaged } from '../lib/hooks'
import { hasErrors, MIN_PASSWORD_LENGTH, validate, type FieldErrors } from '../lib/validation'
import {
  ApprovalSection,
  BillingSection,
  SenderIdentitiesSection,
  SendingDomainsSection,
  WebhooksSection,
  WorkspaceAuditSection,
} from './WorkspaceSettings'

const TENANT_ROLES = [
  { value: 'tenant_member', label: ROLE_LABELS.tenant_member },
  { value: 'tenant_admin', label: ROLE_LABELS.tenant_admin },
]

export function SettingsPage() {
  return (
    <div className="page">
      <PageHeader title="Settings">Users, API keys, webhooks, sending domains, sender identities, approval, invoices and the audit log of this workspace.</PageHeader>
      <UsersSection />
      <ApiKeysSection />
      <WebhooksSection />
      <SendingDomainsSection />
      <SenderIdentitiesSection />
      <ApprovalSection />
      <BillingSection />
      <WorkspaceAuditSection />
    </div>
  )
}

function UsersSection() {
  const { me } = useAuth()
  const users = usePaged<User>((cursor, signal) => api.list<User>('/users', { limit: 50, cursor }, signal), [])
  const [form, setForm] = useState({ email: '', name: '', role: 'tenant_member', password: '' })
  const [errors, setErrors] = useState<FieldErrors>({})
  const create = useAction()
  const change = useAction()
  const [created, setCreated] = useState<string | null>(null)
  const [changed, setChanged] = useState<string | null>(null)
  const serverErrors: FieldErrors = {}
  if (create.error instanceof ApiError) for (const f of create.error.fieldErrors) serverErrors[f.field] ??= f.message

  const onSubmit = async (e: FormEvent) => {
    e.preventDefault()
    const v = validate(form, {
      email: { label: 'Email', required: true, email: true },
      name: { label: 'Name', required: true, singleLine: true, maxLength: 200 },
      password: { label: 'Password', required: true, minLength: MIN_PASSWORD_LENGTH, maxLength: 256 },
    })
    setErrors(v)
    setCreated(null)
    setChanged(null)
    if (hasErrors(v)) return
    const u = await create.run(() =>
      api.post<User>('/users', { email: form.email.trim(), name: form.name.trim(), role: form.role, password: form.password }),
    )
    if (u) {
      setForm({ email: '', name: '', role: 'tenant_member', password: '' })
      setCreated(u.email ?? form.email)
      users.setItems((items) => [...items.filter((x) => x.id !== u.id), u])
    }
  }
  const set = (k: keyof typeof form) => (e: { target: { value: string } }) => setForm((f) => ({ ...f, [k]: e.target.value }))

  const patch = (u: User, changes: Partial<Pick<User, 'role' | 'status'>>, what: string) =>
    void change.run(async () => {
      setChanged(null)
      setCreated(null)
      const updated = await api.patch<User>(`/users/${encodeURIComponent(u.id)}`, changes)
      users.setItems((items) => items.map((x) => (x.id === u.id ? { ...x, ...changes, ...updated } : x)))
      setChanged(`${u.email}: ${what}.`)
    })
  const remove = (u: User) =>
    void change.run(async () => {
      setChanged(null)
      setCreated(null)
      await api.del(`/users/${encodeURIComponent(u.id)}`)
      users.setItems((items) => items.filter((x) => x.id !== u.id))
      setChanged(`${u.email} deleted.`)
    })

  return (
    <Section title="Users">
      {change.error ? <Notice kind="error">{errorMessage(change.error)}</Notice> : null}
      {changed ? <Notice kind="success">{changed}</Notice> : null}
      {users.loading ? (
        <Loading />
      ) : users.error && !users.items.length ? (
        <ErrorState error={users.error} what="users" onRetry={users.reload} />
      ) : users.items.length === 0 ? (
        <Empty>No users.</Empty>
      ) : (
        <>
          <DataTable
            caption="Users"
            rows={users.items}
            rowKey={(u) => u.id}
            columns={[
              { header: 'Name', cell: (u) => (u.id === me?.user.id ? `${u.name || '—'} (you)` : u.name || '—') },
              { header: 'Email', cell: (u) => u.email },
              {
                header: 'Role',
                cell: (u) =>
                  u.id === me?.user.id ? (
                    ROLE_LABELS[u.role] ?? u.role
                  ) : (
                    <>
                      <label className="sr-only" htmlFor={`role-${u.id}`}>
                        Role of {u.email}
                      </label>
                      <select
                        id={`role-${u.id}`}
                        value={u.role}
                        disabled={change.pending}
                        onChange={(e) => patch(u, { role: e.target.value as User['role'] }, `role changed to ${ROLE_LABELS[e.target.value as User['role']] ?? e.target.value}`)}
                      >
                        {TENANT_ROLES.map((r) => (
                          <option key={r.value} value={r.value}>
                            {r.label}
                          </option>
                        ))}
                      </select>
                    </>
                  ),
              },
              { header: 'Status', cell: (u) => <StatusBadge status={u.status ?? 'active'} /> },
              { header: 'Last login', cell: (u) => formatDate(u.last_login_at) },
              {
                header: 'Actions',
                cell: (u) =>
                  u.id === me?.user.id ? (
                    <span className="muted small">—</span>
                  ) : (
                    <div className="row-actions">
                      {u.status === 'disabled' ? (
                        <Button small disabled={change.pending} onClick={() => patch(u, { status: 'active' }, 'enabled')} aria-label={`Enable ${u.email}`}>
                          Enable
                        </Button>
                      ) : (
                        <Button small disabled={change.pending} onClick={() => patch(u, { status: 'disabled' }, 'disabled')} aria-label={`Disable ${u.email}`}>
                          Disable
                        </Button>
                      )}
                      <ConfirmButton
                        small
                        variant="danger"
                        label="Delete"
                        ariaLabel={`Delete ${u.email}`}
                        question={`Delete ${u.email}? This cannot be undone.`}
                        confirmLabel="Delete user"
                        onConfirm={() => remove(u)}
                        disabled={change.pending}
                      />
                    </div>
                  ),
              },
            ]}
          />
          <LoadMore hasMore={users.hasMore} loading={users.loadingMore} onClick={users.loadMore} />
        </>
      )}
      <form className="form inline-form" onSubmit={(e) => void onSubmit(e)} noValidate aria-label="Add user">
        <h3 className="h-small">Add a user</h3>
        <FormError error={create.error} shownFields={['email', 'name', 'password', 'role']} />
        {created ? <Notice kind="success">User {created} added.</Notice> : null}
        <div className="form-grid">
          <TextField label="Email" name="email" type="email" required autoComplete="off" value={form.email} onChange={set('email')} error={errors.email ?? serverErrors.email} />
          <TextField label="Name" name="name" required value={form.name} onChange={set('name')} error={errors.name ?? serverErrors.name} />
          <SelectField label="Role" name="role" value={form.role} onChange={set('role')} options={TENANT_ROLES} error={serverErrors.role} />
          <TextField
            label="Initial password"
            name="new-password"
            type="password"
            required
            autoComplete="new-password"
            value={form.password}
            onChange={set('password')}
            error={errors.password ?? serverErrors.password}
            hint={`At least ${MIN_PASSWORD_LENGTH} characters.`}
          />
        </div>
        <Button type="submit" variant="primary" busy={create.pending}>
          Add user
        </Button>
      </form>
    </Section>
  )
}

function ApiKeysSection() {
  const keys = usePaged<ApiKey>((cursor, signal) => api.list<ApiKey>('/api-keys', { limit: 50, cursor }, signal), [])
  const [name, setName] = useState('')
  const [role, setRole] = useState('tenant_member')
  const [errors, setErrors] = useState<FieldErrors>({})
  const [secret, setSecret] = useState<{ name: string; value: string } | null>(null)
  const [copied, setCopied] = useState<boolean | null>(null)
  const create = useAction()
  const revoke = useAction()

  const onSubmit = async (e: FormEvent) => {
    e.preventDefault()
    const v = validate({ name }, { name: { label: 'Name', required: true, singleLine: true, maxLength: 100 } })
    setErrors(v)
    if (hasErrors(v)) return
    const k = await create.run(() => api.post<ApiKeyCreated>('/api-keys', { name: name.trim(), role }))
    if (k) {
      setName('')
      setCopied(null)
      setSecret({ name: k.name, value: k.key })
      const { key: _key, ...row } = k
      keys.setItems((items) => [row, ...items.filter((x) => x.id !== row.id)])
    }
  }

  const onRevoke = (k: ApiKey) =>
    void revoke.run(async () => {
      await api.del(`/api-keys/${encodeURIComponent(k.id)}`)
      // The list keeps revoked keys (for the record); mark this one.
      keys.setItems((items) => items.map((x) => (x.id === k.id ? { ...x, revoked_at: new Date().toISOString() } : x)))
    })

  const copy = async () => {
    if (!secret) return
    setCopied(await copyText(secret.value))
  }

  return (
    <Section title="API keys">
      <p className="muted">Machine clients (ERP, scripts) use these as <code>Authorization: Bearer dh_…</code>.</p>
      {secret ? (
        <div className="notice notice-success secret" role="status">
          <p className="notice-title">API key “{secret.name}” created. Copy it now: it will not be shown again.</p>
          <div className="secret-row">
            <label htmlFor="new-api-key" className="sr-only">
              New API key
            </label>
            <input id="new-api-key" className="mono" readOnly value={secret.value} onFocus={(e) => e.target.select()} />
            <Button small onClick={() => void copy()}>
              {copied ? 'Copied' : 'Copy'}
            </Button>
            <Button small variant="ghost" onClick={() => setSecret(null)}>
              Done
            </Button>
          </div>
          {copied === false ? <p className="small">Copying is not allowed here: select the key and copy it by hand.</p> : null}
        </div>
      ) : null}
      {revoke.error ? <Notice kind="error">Could not revoke: {errorMessage(revoke.error)}</Notice> : null}
      {keys.loading ? (
        <Loading />
      ) : keys.error && !keys.items.length ? (
        <ErrorState error={keys.error} what="API keys" onRetry={keys.reload} />
      ) : keys.items.length === 0 ? (
        <Empty>No API keys.</Empty>
      ) : (
        <>
          <DataTable
            caption="API keys"
            rows={keys.items}
            rowKey={(k) => k.id}
            columns={[
              { header: 'Name', cell: (k) => k.name },
              { header: 'Key', cell: (k) => (k.prefix ? <code>{k.prefix}…</code> : '—') },
              { header: 'Role', cell: (k) => (k.role ? (ROLE_LABELS[k.role as keyof typeof ROLE_LABELS] ?? k.role) : '—') },
              { header: 'Created', cell: (k) => formatDate(k.created_at) },
              { header: 'Last used', cell: (k) => formatDate(k.last_used_at) },
              {
                header: 'Actions',
                cell: (k) =>
                  k.revoked_at ? (
                    <StatusBadge status="revoked" />
                  ) : (
                    <ConfirmButton
                      small
                      variant="danger"
                      label="Revoke"
                      ariaLabel={`Revoke ${k.name}`}
                      question={`Revoke ${k.name}? Clients using it stop working.`}
                      confirmLabel="Revoke"
                      onConfirm={() => onRevoke(k)}
                      disabled={revoke.pending}
                    />
                  ),
              },
            ]}
          />
          <LoadMore hasMore={keys.hasMore} loading={keys.loadingMore} onClick={keys.loadMore} />
        </>
      )}
      <form className="form inline-form" onSubmit={(e) => void onSubmit(e)} noValidate aria-label="Create API key">
        <h3 className="h-small">Create an API key</h3>
        <FormError error={create.error} />
        <div className="form-grid">
          <TextField label="Key name" name="key-name" required value={name} onChange={(e) => setName(e.target.value)} error={errors.name} hint="e.g. SAP production" />
          <SelectField label="Key role" name="key-role" value={role} onChange={(e) => setRole(e.target.value)} options={TENANT_ROLES} />
        </div>
        <Button type="submit" variant="primary" busy={create.pending}>
          Create API key
        </Button>
      </form>
    </Section>
  )
}
