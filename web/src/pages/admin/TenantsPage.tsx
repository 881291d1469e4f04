import { useState, type FormEvent } from 'react'
import { Link, useParams } from 'react-router-dom'
import { api, ApiError, errorMessage } from '../../api/client'
import type { Plan, Tenant, TenantCreated, TenantDetail } from '../../api/schema.gen'
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
  ProgressBar,
  Section,
  SelectField,
  StatusBadge,
  TextField,
} from '../../components/ui'
import { formatBytes, formatDate, formatDay, formatNumber } from '../../lib/format'
import { useAction, usePaged, useResource } from '../../lib/hooks'
import { formatMoney, InvoicePreviewSection } from '../../components/billing'
import { LIMIT_SPECS, limitInput, overridePatch, overridesOf, parseLimit, type LimitSpec } from './limits'
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

type StatusAction = 'suspend' | 'activate'

/** POST /admin/tenants/{id}/suspend|activate with an optional reason; the server answers the tenant. */
async function changeStatus(tenant: Tenant, action: StatusAction, reason: string): Promise<Tenant> {
  const body = reason.trim() ? { reason: reason.trim() } : {}
  const updated = await api.post<Tenant | undefined>(`/admin/tenants/${encodeURIComponent(tenant.id)}/${action}`, body)
  return updated && typeof updated === 'object' && 'id' in updated
    ? updated
    : { ...tenant, status: action === 'suspend' ? 'suspended' : 'active', status_reason: reason.trim() || null }
}

/** The inline "suspend / reactivate, with a reason" form. */
function StatusForm({
  tenant,
  action,
  onDone,
  onCancel,
}: {
  tenant: Tenant
  action: StatusAction
  onDone: (t: Tenant) => void
  onCancel: () => void
}) {
  const [reason, setReason] = useState('')
  const run = useAction()
  const onSubmit = async (e: FormEvent) => {
    e.preventDefault()
    const t = await run.run(() => changeStatus(tenant, action, reason))
    if (t) onDone(t)
  }
  const suspend = action === 'suspend'
  return (
    <form className="card form confirm-box" onSubmit={(e) => void onSubmit(e)} aria-label={`${suspend ? 'Suspend' : 'Activate'} ${tenant.name}`}>
      <FormError error={run.error} />
      <p>
        {suspend ? 'Suspend' : 'Reactivate'} <strong>{tenant.name}</strong>?
        {suspend ? ' Its users are locked out and nothing more is sent from it.' : ' Its users can sign in and send again.'}
      </p>
      <TextField
        label="Reason (recorded in the audit log)"
        name="reason"
        value={reason}
        maxLength={1000}
        onChange={(e) => setReason(e.target.value)}
        autoFocus
      />
      <div className="form-actions">
        <Button type="submit" variant={suspend ? 'danger' : 'primary'} busy={run.pending}>
          {suspend ? 'Suspend tenant' : 'Activate tenant'}
        </Button>
        <Button variant="ghost" onClick={onCancel}>
          Back
        </Button>
      </div>
    </form>
  )
}

function StatusCell({ tenant }: { tenant: Tenant }) {
  return (
    <span title={tenant.status_reason ?? undefined}>
      <StatusBadge status={tenant.status} />
      {tenant.status === 'suspended' && tenant.status_reason ? <span className="muted small"> {tenant.status_reason}</span> : null}
    </span>
  )
}

export function TenantsPage() {
  const tenants = usePaged<Tenant>((cursor, signal) => api.list<Tenant>('/admin/tenants', { limit: 50, cursor }, signal), [])
  const [pending, setPending] = useState<{ tenant: Tenant; action: StatusAction } | null>(null)
  const replace = (t: Tenant) => tenants.setItems((items) => items.map((x) => (x.id === t.id ? t : x)))

  return (
    <div className="page">
      <PageHeader title="Tenants">Customer workspaces. Suspending one stops its sending and locks its users out.</PageHeader>
      {pending ? (
        <StatusForm
          key={`${pending.tenant.id}-${pending.action}`}
          tenant={pending.tenant}
          action={pending.action}
          onDone={(t) => {
            replace(t)
            setPending(null)
          }}
          onCancel={() => setPending(null)}
        />
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
                  { header: 'Name', cell: (t) => <Link to={`/admin/tenants/${encodeURIComponent(t.id)}`}>{t.name}</Link> },
                  { header: 'Slug', cell: (t) => <code>{t.slug}</code> },
                  { header: 'Plan', cell: (t) => t.plan_name || '—' },
                  { header: 'Status', cell: (t) => <StatusCell tenant={t} /> },
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
        <NewTenant onCreated={(t) => tenants.setItems((items) => [t, ...items.filter((x) => x.id !== t.id)])} />
      </div>
    </div>
  )
}

const EMPTY_TENANT = { name: '', slug: '', admin_name: '', admin_email: '', admin_password: '', plan_id: '' }

export function validateNewTenant(form: typeof EMPTY_TENANT): FieldErrors {
  return validate(form, {
    name: { label: 'Name', required: true, singleLine: true, maxLength: 200 },
    slug: { label: 'Slug', required: true, pattern: SLUG_RE, patternMessage: 'Slug: lowercase letters, digits and dashes (max 63).' },
    admin_name: { label: 'Admin name', singleLine: true, maxLength: 200 },
    admin_email: { label: 'Admin email', required: true, email: true },
    admin_password: { label: 'Admin password', required: true, minLength: MIN_PASSWORD_LENGTH, maxLength: 256 },
  })
}

/** The plans a new tenant may start on (retired ones take no one new), the default first. */
export function offeredPlans(plans: Plan[]): Plan[] {
  return plans.filter((p) => p && typeof p.id === 'string' && !p.retired).sort((a, b) => Number(!!b.is_default) - Number(!!a.is_default))
}

function planLabel(p: Plan): string {
  const price = typeof p.price_cents === 'number' ? ` · ${formatMoney(p.price_cents, p.currency)} a month` : ''
  return `${p.name}${price}${p.is_default ? ' (default)' : ''}`
}

function NewTenant({ onCreated }: { onCreated: (t: Tenant) => void }) {
  const plans = useResource((signal) => api.list<Plan>('/admin/plans', { include_retired: 'false', limit: 100 }, signal), [])
  const offered = offeredPlans(plans.data?.items ?? [])
  const [form, setForm] = useState(EMPTY_TENANT)
  const [slugTouched, setSlugTouched] = useState(false)
  const [errors, setErrors] = useState<FieldErrors>({})
  const [created, setCreated] = useState<TenantCreated | null>(null)
  const create = useAction()
  const serverErrors = fieldErrorsOf(create.error)
  const errorOf = (field: string) => errors[field] ?? serverErrors[field]

  const onSubmit = async (e: FormEvent) => {
    e.preventDefault()
    const v = validateNewTenant(form)
    setErrors(v)
    setCreated(null)
    if (hasErrors(v)) return
    const planId = form.plan_id || offered[0]?.id
    const t = await create.run(() =>
      api.post<TenantCreated>('/admin/tenants', {
        name: form.name.trim(),
        slug: form.slug.trim(),
        ...(form.admin_name.trim() ? { admin_name: form.admin_name.trim() } : {}),
        admin_email: form.admin_email.trim(),
        admin_password: form.admin_password,
        ...(planId ? { plan_id: planId } : {}),
      }),
    )
    if (t) {
      setCreated(t)
      setForm(EMPTY_TENANT)
      setSlugTouched(false)
      const { admin: _admin, ...tenant } = t
      onCreated(tenant)
    }
  }

  return (
    <Section title="New tenant">
      <form className="form" onSubmit={(e) => void onSubmit(e)} noValidate aria-label="New tenant">
        <FormError error={create.error} shownFields={['name', 'slug', 'plan_id', 'admin_name', 'admin_email', 'admin_password']} />
        {created ? (
          <Notice kind="success">
            Tenant <Link to={`/admin/tenants/${encodeURIComponent(created.id)}`}>{created.name}</Link> created (workspace{' '}
            <code>{created.slug}</code>
            {created.plan_name ? `, plan ${created.plan_name}` : ''}
            {created.admin?.email ? `, admin ${created.admin.email}${created.admin.name ? ` (${created.admin.name})` : ''}` : ''}).
          </Notice>
        ) : null}
        <TextField
          label="Name"
          name="name"
          required
          value={form.name}
          onChange={(e) => {
            const name = e.target.value
            setForm((f) => ({ ...f, name, slug: slugTouched ? f.slug : slugify(name) }))
          }}
          error={errorOf('name')}
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
          error={errorOf('slug')}
          hint="Users type this as their workspace when signing in."
        />
        {offered.length ? (
          <SelectField
            label="Plan"
            name="plan_id"
            value={form.plan_id || offered[0].id}
            onChange={(e) => setForm((f) => ({ ...f, plan_id: e.target.value }))}
            options={offered.map((p) => ({ value: p.id, label: planLabel(p) }))}
            error={errorOf('plan_id')}
            hint="Retired plans are not offered. The plan can be changed later on the tenant's page."
          />
        ) : plans.loading ? null : (
          <p className="muted small">The tenant starts on the default plan{plans.error ? ' (plans could not be loaded)' : ''}.</p>
        )}
        <TextField
          label="Admin name"
          name="admin_name"
          autoComplete="off"
          value={form.admin_name}
          onChange={(e) => setForm((f) => ({ ...f, admin_name: e.target.value }))}
          error={errorOf('admin_name')}
          hint="The first tenant admin's display name."
        />
        <TextField
          label="Admin email"
          name="admin_email"
          type="email"
          required
          autoComplete="off"
          value={form.admin_email}
          onChange={(e) => setForm((f) => ({ ...f, admin_email: e.target.value }))}
          error={errorOf('admin_email')}
        />
        <TextField
          label="Admin password"
          name="admin_password"
          type="password"
          required
          autoComplete="new-password"
          value={form.admin_password}
          onChange={(e) => setForm((f) => ({ ...f, admin_password: e.target.value }))}
          error={errorOf('admin_password')}
          hint={`At least ${MIN_PASSWORD_LENGTH} characters.`}
        />
        <Button type="submit" variant="primary" busy={create.pending}>
          Create tenant
        </Button>
      </form>
    </Section>
  )
}

function fieldErrorsOf(error: unknown): FieldErrors {
  const out: FieldErrors = {}
  if (error instanceof ApiError) for (const f of error.fieldErrors) out[f.field] ??= f.message
  return out
}

function limitText(spec: LimitSpec, n: number | null | undefined): string {
  if (n === null || n === undefined) return '—'
  if (spec.unit === 'mb') return formatBytes(n)
  if (spec.unit === 'rate' && n === 0) return 'no limit'
  return formatNumber(n)
}

/**
 * One row's override: shown, set or changed inline (checked as the server checks it), cleared so
 * the plan's limit applies again. Each save sends only this limit (the API merges overrides).
 */
function OverrideCell({ tenant, spec, onSaved }: { tenant: Tenant; spec: LimitSpec; onSaved: (t: Tenant) => void }) {
  const current = overridesOf(tenant.limit_overrides)[spec.key]
  const [editing, setEditing] = useState(false)
  const [text, setText] = useState('')
  const [error, setError] = useState('')
  const save = useAction()
  const send = async (value: number | null) => {
    const t = await save.run(() => api.patch<Tenant>(`/admin/tenants/${encodeURIComponent(tenant.id)}`, overridePatch(spec.key, value)))
    if (t) {
      setEditing(false)
      onSaved(t)
    }
  }
  const onSubmit = (e: FormEvent) => {
    e.preventDefault()
    const parsed = parseLimit(spec, text)
    if ('error' in parsed) return setError(parsed.error)
    setError('')
    void send(parsed.value)
  }
  if (editing) {
    const refused = fieldErrorsOf(save.error)[`limit_overrides.${spec.key}`]
    const serverError = refused ? `${spec.label} ${refused}` : undefined
    const label = spec.unit === 'mb' ? `${spec.label} override (MB)` : `${spec.label} override`
    return (
      <form className="inline-form override-form" onSubmit={onSubmit} noValidate aria-label={`Override ${spec.label}`}>
        <TextField
          label={label}
          name={spec.key}
          value={text}
          inputMode={spec.unit === 'count' ? 'numeric' : 'decimal'}
          onChange={(e) => setText(e.target.value)}
          error={error || serverError}
          autoFocus
        />
        <FormError error={save.error} shownFields={[`limit_overrides.${spec.key}`]} />
        <div className="form-actions">
          <Button type="submit" small variant="primary" busy={save.pending}>
            Save
          </Button>
          <Button small variant="ghost" onClick={() => setEditing(false)}>
            Cancel
          </Button>
        </div>
      </form>
    )
  }
  return (
    <span className="override-cell">
      <span data-testid={`override-${spec.key}`}>{limitText(spec, current)}</span>{' '}
      <Button
        small
        onClick={() => {
          setText(limitInput(spec, current))
          setError('')
          save.clearError()
          setEditing(true)
        }}
        aria-label={`${current === undefined ? 'Set' : 'Change'} override for ${spec.label}`}
      >
        {current === undefined ? 'Set' : 'Change'}
      </Button>
      {current !== undefined ? (
        <Button small variant="ghost" busy={save.pending} onClick={() => void send(null)} aria-label={`Clear override for ${spec.label}`}>
          Clear
        </Button>
      ) : null}
      <FormError error={editing ? null : save.error} />
    </span>
  )
}

export function TenantDetailPage() {
  const { id = '' } = useParams()
  const tenant = useResource((signal) => api.get<TenantDetail>(`/admin/tenants/${encodeURIComponent(id)}`, undefined, signal), [id])
  // Every plan, retired ones too: a tenant on a retired plan still shows its limits.
  const plans = useResource((signal) => api.list<Plan>('/admin/plans', { limit: 100 }, signal), [])
  const [pending, setPending] = useState<StatusAction | null>(null)
  const [planId, setPlanId] = useState('')
  const changePlan = useAction()
  const [planChanged, setPlanChanged] = useState(false)

  const t = tenant.data
  if (tenant.loading) return <Loading />
  if (tenant.error || !t) {
    return (
      <div className="page">
        <PageHeader title="Tenant" />
        <ErrorState error={tenant.error} what="the tenant" onRetry={tenant.reload} />
        <p>
          <Link to="/admin/tenants">Back to tenants</Link>
        </p>
      </div>
    )
  }
  const planList = (plans.data?.items ?? []).filter((p) => p && typeof p.id === 'string')
  const plan = planList.find((p) => p.id === t.plan_id)
  const choosable = planList.filter((p) => !p.retired || p.id === t.plan_id)

  const onChangePlan = async (e: FormEvent) => {
    e.preventDefault()
    setPlanChanged(false)
    if (!planId || planId === t.plan_id) return
    const updated = await changePlan.run(() => api.patch<Tenant>(`/admin/tenants/${encodeURIComponent(t.id)}`, { plan_id: planId }))
    if (updated) {
      tenant.setData({ ...t, ...updated })
      setPlanChanged(true)
    }
  }

  return (
    <div className="page">
      <PageHeader
        title={t.name}
        actions={
          t.status === 'suspended' ? (
            <Button onClick={() => setPending('activate')}>Activate</Button>
          ) : (
            <Button variant="danger" onClick={() => setPending('suspend')}>
              Suspend
            </Button>
          )
        }
      >
        <Link to="/admin/tenants">Tenants</Link> / <code>{t.slug}</code>
      </PageHeader>
      {pending ? (
        <StatusForm
          key={pending}
          tenant={t}
          action={pending}
          onDone={(u) => {
            tenant.setData({ ...t, ...u })
            setPending(null)
          }}
          onCancel={() => setPending(null)}
        />
      ) : null}
      <div className="grid-2">
        <Section title="Workspace">
          <dl className="kv" aria-label="Tenant details">
            <div className="kv-row">
              <dt>Status</dt>
              <dd data-testid="tenant-status">
                <StatusBadge status={t.status} />
              </dd>
            </div>
            {t.status_reason ? (
              <div className="kv-row">
                <dt>{t.status === 'suspended' ? 'Suspension reason' : 'Last status note'}</dt>
                <dd>{t.status_reason}</dd>
              </div>
            ) : null}
            <div className="kv-row">
              <dt>Workspace slug</dt>
              <dd>
                <code>{t.slug}</code>
              </dd>
            </div>
            <div className="kv-row">
              <dt>Plan</dt>
              <dd data-testid="tenant-plan">{t.plan_name || plan?.name || '—'}</dd>
            </div>
            {t.usage ? (
              <div className="kv-row">
                <dt>Emails this period</dt>
                <dd>
                  {formatNumber(t.usage.period_sent)} sent, {formatNumber(t.usage.period_reserved)} reserved
                </dd>
              </div>
            ) : null}
            {typeof t.users_count === 'number' ? (
              <div className="kv-row">
                <dt>Users / vendors</dt>
                <dd>
                  {formatNumber(t.users_count)} / {formatNumber(t.vendors_count)}
                </dd>
              </div>
            ) : null}
            <div className="kv-row">
              <dt>Created</dt>
              <dd>{formatDate(t.created_at)}</dd>
            </div>
            <div className="kv-row">
              <dt>Updated</dt>
              <dd>{formatDate(t.updated_at)}</dd>
            </div>
          </dl>
        </Section>
        <Section title="Plan and limits">
          <table className="table-compact limits-table">
            <caption className="sr-only">Limits of {t.name}</caption>
            <thead>
              <tr>
                <th scope="col">Limit</th>
                <th scope="col">Plan {t.plan_name ?? ''}</th>
                <th scope="col">Override</th>
              </tr>
            </thead>
            <tbody>
              {LIMIT_SPECS.map((l) => (
                <tr key={l.key}>
                  <th scope="row">{l.label}</th>
                  <td>{plan ? limitText(l, plan.limits?.[l.key]) : '—'}</td>
                  <td>
                    <OverrideCell tenant={t} spec={l} onSaved={(u) => tenant.setData({ ...t, ...u })} />
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
          <p className="muted small">An override wins over the plan's limit for this tenant only and applies at once.</p>
          {choosable.length ? (
            <form className="form inline-form" onSubmit={(e) => void onChangePlan(e)} aria-label="Change plan">
              <FormError error={changePlan.error} />
              {planChanged ? <Notice kind="success">Plan changed to {t.plan_name}.</Notice> : null}
              <SelectField
                label="Change plan"
                name="plan_id"
                value={planId || t.plan_id || ''}
                onChange={(e) => setPlanId(e.target.value)}
                options={choosable.map((p) => ({ value: p.id, label: p.name }))}
              />
              <Button type="submit" busy={changePlan.pending} disabled={!planId || planId === t.plan_id}>
                Change plan
              </Button>
            </form>
          ) : plans.error ? (
            <p className="muted">Plans could not be loaded: {errorMessage(plans.error)}</p>
          ) : null}
        </Section>
      </div>
      {t.usage_history.length ? (
        <Section title="Usage by period">
          <DataTable
            caption={`Emails sent by ${t.name} per billing period`}
            rows={t.usage_history}
            rowKey={(p) => p.period_start}
            columns={[
              { header: 'Period', cell: (p) => `${formatDay(p.period_start)} – ${formatDay(p.period_end)}` },
              { header: 'Sent', className: 'num', cell: (p) => formatNumber(p.sent) },
              {
                header: plan?.limits?.emails_per_period ? `Of the plan's ${formatNumber(plan.limits.emails_per_period)}` : 'Share',
                cell: (p) => (
                  <ProgressBar
                    value={p.sent}
                    max={plan?.limits?.emails_per_period ?? Math.max(...t.usage_history.map((x) => x.sent), 1)}
                    label={`Emails sent from ${formatDay(p.period_start)}`}
                  />
                ),
              },
            ]}
          />
        </Section>
      ) : null}
      <InvoicePreviewSection key={`${t.id}-${t.plan_id ?? ''}`} tenantId={t.id} />
    </div>
  )
}
