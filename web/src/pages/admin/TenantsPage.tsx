import { useState, type FormEvent } from 'react'
import { api, errorMessage } from '../../api/client'
import type { Tenant } from '../../api/types'
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
  StatusBadge,
  TextField,
} from '../../components/ui'
import { displayValue, formatDate } from '../../lib/format'
import { useAction, usePaged } from '../../lib/hooks'
import { hasErrors, MIN_PASSWORD_LENGTH, SLUG_RE, validate, type FieldErrors } from '../../lib/validation'

export function slugify(name: string): string {
  return name
    .toLowerCase()
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 63)
}

export function TenantsPage() {
  const tenants = usePaged<Tenant>((cursor, signal) => api.list<Tenant>('/admin/tenants', { limit: 50, cursor }, signal), [])
  const status = useAction()
  const [pending, setPending] = useState<{ tenant: Tenant; action: 'suspend' | 'activate' } | null>(null)
  const [reason, setReason] = useState('')

  const applyStatus = async (e: FormEvent) => {
    e.preventDefault()
    if (!pending) return
    const { tenant, action } = pending
    // Wrapped so that an empty 204 answer still counts as success (run() yields undefined on error).
    const result = await status.run(async () => ({
      updated: await api.post<Tenant | undefined>(`/admin/tenants/${encodeURIComponent(tenant.id)}/${action}`, {
        reason: reason.trim(),
      }),
    }))
    if (!result) return
    const { updated } = result
    const next: Tenant =
      updated && typeof updated === 'object' && 'id' in updated
        ? updated
        : { ...tenant, status: action === 'suspend' ? 'suspended' : 'active' }
    tenants.setItems((items) => items.map((t) => (t.id === tenant.id ? next : t)))
    setPending(null)
    setReason('')
  }

  return (
    <div className="page">
      <PageHeader title="Tenants">Customer workspaces. Suspending one stops its sending and locks its users out.</PageHeader>
      {status.error ? <Notice kind="error">{errorMessage(status.error)}</Notice> : null}
      {pending ? (
        <form className="card form confirm-box" onSubmit={(e) => void applyStatus(e)} aria-label={`${pending.action} tenant`}>
          <p>
            {pending.action === 'suspend' ? 'Suspend' : 'Reactivate'} <strong>{pending.tenant.name}</strong>?
            {pending.action === 'suspend' ? ' Its users get locked out and nothing more is sent.' : ''}
          </p>
          <TextField label="Reason (recorded in the audit log)" name="reason" value={reason} onChange={(e) => setReason(e.target.value)} autoFocus />
          <div className="form-actions">
            <Button type="submit" variant={pending.action === 'suspend' ? 'danger' : 'primary'} busy={status.pending}>
              {pending.action === 'suspend' ? 'Suspend tenant' : 'Activate tenant'}
            </Button>
            <Button variant="ghost" onClick={() => setPending(null)}>
              Back
            </Button>
          </div>
        </form>
      ) : null}
      <div className="split split-wide">
        <div>
          {tenants.loading ? (
            <Loading />
          ) : tenants.error && !tenants.items.length ? (
            <ErrorState error={tenants.error} what="tenants" onRetry={tenants.reload} />
          ) : tenants.items.length === 0 ? (
            <Empty>No tenants yet. Create the first one.</Empty>
          ) : (
            <>
              <DataTable
                caption="Tenants"
                rows={tenants.items}
                rowKey={(t) => t.id}
                columns={[
                  { header: 'Name', cell: (t) => t.name },
                  { header: 'Slug', cell: (t) => <code>{t.slug}</code> },
                  { header: 'Plan', cell: (t) => displayValue(t.plan) },
                  { header: 'Status', cell: (t) => <StatusBadge status={t.status} /> },
                  { header: 'Created', cell: (t) => formatDate(t.created_at) },
                  {
                    header: 'Actions',
                    cell: (t) =>
                      t.status === 'suspended' ? (
                        <Button small onClick={() => setPending({ tenant: t, action: 'activate' })} aria-label={`Activate ${t.name}`}>
                          Activate
                        </Button>
                      ) : (
                        <Button small variant="danger" onClick={() => setPending({ tenant: t, action: 'suspend' })} aria-label={`Suspend ${t.name}`}>
                          Suspend
                        </Button>
                      ),
                  },
                ]}
              />
              <LoadMore hasMore={tenants.hasMore} loading={tenants.loadingMore} onClick={tenants.loadMore} />
            </>
          )}
        </div>
        <NewTenant onCreated={(t) => tenants.setItems((items) => [t, ...items])} />
      </div>
    </div>
  )
}

function NewTenant({ onCreated }: { onCreated: (t: Tenant) => void }) {
  const [form, setForm] = useState({ name: '', slug: '', admin_email: '', admin_password: '' })
  const [slugTouched, setSlugTouched] = useState(false)
  const [errors, setErrors] = useState<FieldErrors>({})
  const [created, setCreated] = useState<string | null>(null)
  const create = useAction()

  const onSubmit = async (e: FormEvent) => {
    e.preventDefault()
    const v = validate(form, {
      name: { label: 'Name', required: true, singleLine: true, maxLength: 200 },
      slug: { label: 'Slug', required: true, pattern: SLUG_RE, patternMessage: 'Slug: lowercase letters, digits and dashes (max 63).' },
      admin_email: { label: 'Admin email', required: true, email: true },
      admin_password: { label: 'Admin password', required: true, minLength: MIN_PASSWORD_LENGTH, maxLength: 1024 },
    })
    setErrors(v)
    setCreated(null)
    if (hasErrors(v)) return
    const t = await create.run(() =>
      api.post<Tenant>('/admin/tenants', {
        name: form.name.trim(),
        slug: form.slug.trim(),
        admin_email: form.admin_email.trim(),
        admin_password: form.admin_password,
      }),
    )
    if (t) {
      setCreated(`${t.name ?? form.name} (${t.slug ?? form.slug})`)
      setForm({ name: '', slug: '', admin_email: '', admin_password: '' })
      setSlugTouched(false)
      onCreated(t)
    }
  }

  return (
    <Section title="New tenant">
      <form className="form" onSubmit={(e) => void onSubmit(e)} noValidate>
        <FormError error={create.error} shownFields={['name', 'slug', 'admin_email', 'admin_password']} />
        {created ? <Notice kind="success">Tenant {created} created.</Notice> : null}
        <TextField
          label="Name"
          name="name"
          required
          value={form.name}
          onChange={(e) => {
            const name = e.target.value
            setForm((f) => ({ ...f, name, slug: slugTouched ? f.slug : slugify(name) }))
          }}
          error={errors.name}
        />
        <TextField
          label="Slug"
          name="slug"
          required
          value={form.slug}
          onChange={(e) => {
            setSlugTouched(true)
            setForm((f) => ({ ...f, slug: e.target.value }))
          }}
          error={errors.slug}
          hint="Users type this as their workspace when signing in."
        />
        <TextField
          label="Admin email"
          name="admin_email"
          type="email"
          required
          autoComplete="off"
          value={form.admin_email}
          onChange={(e) => setForm((f) => ({ ...f, admin_email: e.target.value }))}
          error={errors.admin_email}
        />
        <TextField
          label="Admin password"
          name="admin_password"
          type="password"
          required
          autoComplete="new-password"
          value={form.admin_password}
          onChange={(e) => setForm((f) => ({ ...f, admin_password: e.target.value }))}
          error={errors.admin_password}
          hint={`At least ${MIN_PASSWORD_LENGTH} characters.`}
        />
        <Button type="submit" variant="primary" busy={create.pending}>
          Create tenant
        </Button>
      </form>
    </Section>
  )
}
