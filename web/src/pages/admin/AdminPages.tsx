import { useState, type FormEvent } from 'react'
import { Link } from 'react-router-dom'
import { api } from '../../api/client'
import type { Plan, PlatformOverview, WorkerStatus } from '../../api/types'
import {
  Button,
  DataTable,
  ErrorState,
  FormError,
  Loading,
  Notice,
  PagedTable,
  PageHeader,
  Section,
  Stat,
  StatusBadge,
  TextField,
} from '../../components/ui'
import { displayValue, formatDate, formatNumber } from '../../lib/format'
import { useAction, usePaged, useResource } from '../../lib/hooks'
import { hasErrors, validate, type FieldErrors } from '../../lib/validation'
import { AuditTable } from '../../components/AuditTable'
import { formatMoney, InvoiceTable } from '../../components/billing'

function seconds(n: number | null | undefined): string {
  if (n === null || n === undefined) return '—'
  if (n < 120) return `${Math.round(n)} s`
  if (n < 7200) return `${Math.round(n / 60)} min`
  return `${Math.round(n / 3600)} h`
}

function WorkersSection({ workers }: { workers: WorkerStatus[] | undefined }) {
  if (!workers) return null
  return (
    <Section title="Workers">
      {workers.length ? (
        <DataTable
          caption="Workers"
          rows={workers}
          rowKey={(w) => w.worker_id}
          columns={[
            { header: 'Host', cell: (w) => w.hostname },
            { header: 'Process', className: 'num', cell: (w) => w.pid },
            { header: 'Running since', cell: (w) => formatDate(w.started_at) },
            { header: 'Last seen', cell: (w) => formatDate(w.seen_at) },
            {
              header: 'Relay',
              cell: (w) => (w.relay_problem ? <span className="field-error">{w.relay_problem}</span> : <StatusBadge status="healthy" />),
            },
          ]}
        />
      ) : (
        <Notice kind="warning">No worker reported in the last minute: queued messages are not being sent.</Notice>
      )}
    </Section>
  )
}

export function OverviewPage() {
  const overview = useResource((signal) => api.get<PlatformOverview>('/admin/overview', undefined, signal), [])
  const o = overview.data
  return (
    <div className="page">
      <PageHeader title="Overview">The platform at a glance.</PageHeader>
      {overview.loading ? (
        <Loading />
      ) : overview.error || !o ? (
        <ErrorState error={overview.error} what="the overview" onRetry={overview.reload} />
      ) : (
        <>
          <div className="stats card" aria-label="Platform figures">
            <Stat label="Active tenants" value={formatNumber(o.tenants?.active)} hint={<Link to="/admin/tenants">Tenants</Link>} />
            <Stat label="Suspended tenants" value={formatNumber(o.tenants?.suspended)} />
            <Stat label="Emails sent this period" value={formatNumber(o.emails_sent_period)} />
            <Stat label="Open tickets" value={formatNumber(o.tickets_open)} hint={<Link to="/admin/tickets">Ticket queue</Link>} />
            <Stat label="Unpaid invoices" value={formatNumber(o.invoices_unpaid)} hint={<Link to="/admin/invoices">Invoices</Link>} />
          </div>
          <Section title="Delivery queue">
            <div className="stats">
              <Stat label="Queued" value={formatNumber(o.queue?.depth)} />
              <Stat label="Oldest queued" value={seconds(o.queue?.oldest_queued_seconds)} />
              <Stat label="Deferred" value={formatNumber(o.queue?.deferred)} />
              <Stat label="Failed (24 h)" value={formatNumber(o.queue?.failed_24h)} />
            </div>
          </Section>
          <WorkersSection workers={o.workers} />
        </>
      )}
    </div>
  )
}

export function PlansPage() {
  const plans = usePaged<Plan>((cursor, signal) => api.list<Plan>('/admin/plans', { include_retired: 'true', limit: 100, cursor }, signal), [])
  return (
    <div className="page">
      <PageHeader title="Plans">Quotas and prices offered to tenants.</PageHeader>
      <div className="split">
        <div>
          <PagedTable
            list={plans}
            what="plans"
            empty="No plans defined."
            caption="Plans"
            rowKey={(p) => p.id}
            columns={[
              { header: 'Name', cell: (p) => p.name },
              { header: 'Price', className: 'num', cell: (p) => formatMoney(p.price_cents, p.currency) },
              { header: 'Emails per period', className: 'num', cell: (p) => displayValue(p.limits?.emails_per_period) },
              { header: 'Recipients per dispatch', className: 'num', cell: (p) => displayValue(p.limits?.recipients_per_dispatch) },
              { header: 'Vendors', className: 'num', cell: (p) => displayValue(p.limits?.vendors) },
              { header: 'Users', className: 'num', cell: (p) => displayValue(p.limits?.users) },
              { header: 'Overage / 1000', className: 'num', cell: (p) => formatMoney(p.overage_cents_per_1000, p.currency) },
              { header: 'Status', cell: (p) => (p.retired ? 'retired' : 'offered') },
            ]}
          />
        </div>
        <NewPlan onCreated={(p) => plans.setItems((items) => [...items, p])} />
      </div>
    </div>
  )
}

const PLAN_FIELDS = {
  name: { label: 'Name', required: true, singleLine: true, maxLength: 100 },
  price: { label: 'Monthly price', required: true, pattern: /^\d+(\.\d{1,2})?$/, patternMessage: 'Monthly price is an amount such as 49 or 49.90.' },
  currency: { label: 'Currency', required: true, pattern: /^[A-Z]{3}$/, patternMessage: 'Currency is a three-letter code such as EUR.' },
  emails: { label: 'Emails per period', required: true, pattern: /^\d+$/, patternMessage: 'Emails per period is a whole number.' },
  recipients: { label: 'Recipients per dispatch', required: true, pattern: /^\d+$/, patternMessage: 'Recipients per dispatch is a whole number.' },
  vendors: { label: 'Vendors', required: true, pattern: /^\d+$/, patternMessage: 'Vendors is a whole number.' },
  users: { label: 'Users', required: true, pattern: /^\d+$/, patternMessage: 'Users is a whole number.' },
  attachmentMb: { label: 'Attachment size (MB)', required: true, pattern: /^\d+$/, patternMessage: 'Attachment size is a whole number of MB.' },
  rate: { label: 'Send rate per second', required: true, pattern: /^\d+(\.\d+)?$/, patternMessage: 'Send rate is a number; 0 means no limit.' },
  overage: { label: 'Overage per 1000 emails', pattern: /^\d+(\.\d{1,2})?$/, patternMessage: 'Overage is an amount such as 1.50.' },
}
type PlanDraft = Record<keyof typeof PLAN_FIELDS, string>

function NewPlan({ onCreated }: { onCreated: (p: Plan) => void }) {
  const empty: PlanDraft = {
    name: '',
    price: '',
    currency: 'EUR',
    emails: '',
    recipients: '',
    vendors: '',
    users: '',
    attachmentMb: '10',
    rate: '0',
    overage: '',
  }
  const [draft, setDraft] = useState<PlanDraft>(empty)
  const [errors, setErrors] = useState<FieldErrors>({})
  const [created, setCreated] = useState<Plan | null>(null)
  const create = useAction()
  const cents = (v: string) => Math.round(Number(v) * 100)
  const onSubmit = async (e: FormEvent) => {
    e.preventDefault()
    const v = validate(draft, PLAN_FIELDS)
    setErrors(v)
    setCreated(null)
    if (hasErrors(v)) return
    const p = await create.run(() =>
      api.post<Plan>('/admin/plans', {
        name: draft.name.trim(),
        price_cents: cents(draft.price),
        currency: draft.currency,
        overage_cents_per_1000: draft.overage ? cents(draft.overage) : null,
        limits: {
          emails_per_period: Number(draft.emails),
          recipients_per_dispatch: Number(draft.recipients),
          vendors: Number(draft.vendors),
          users: Number(draft.users),
          attachment_bytes: Number(draft.attachmentMb) * 1024 * 1024,
          send_rate_per_second: Number(draft.rate),
        },
      }),
    )
    if (p) {
      setCreated(p)
      setDraft(empty)
      onCreated(p)
    }
  }
  const field = (k: keyof PlanDraft, extra: { inputMode?: 'numeric' | 'decimal' } = {}) => (
    <TextField
      label={PLAN_FIELDS[k].label}
      name={k}
      required={'required' in PLAN_FIELDS[k]}
      value={draft[k]}
      onChange={(e) => setDraft((d) => ({ ...d, [k]: e.target.value }))}
      error={errors[k]}
      {...extra}
    />
  )
  return (
    <Section title="New plan">
      <form className="form" onSubmit={(e) => void onSubmit(e)} noValidate aria-label="New plan">
        <FormError error={create.error} />
        {created ? <Notice kind="success">Plan {created.name} created.</Notice> : null}
        {field('name')}
        {field('price', { inputMode: 'decimal' })}
        {field('currency')}
        {field('emails', { inputMode: 'numeric' })}
        {field('recipients', { inputMode: 'numeric' })}
        {field('vendors', { inputMode: 'numeric' })}
        {field('users', { inputMode: 'numeric' })}
        {field('attachmentMb', { inputMode: 'numeric' })}
        {field('rate', { inputMode: 'decimal' })}
        {field('overage', { inputMode: 'decimal' })}
        <Button type="submit" variant="primary" busy={create.pending}>
          Create plan
        </Button>
      </form>
    </Section>
  )
}

export function InvoicesPage() {
  return (
    <div className="page">
      <PageHeader title="Invoices">Billing across tenants. Each tenant's running period shows as a preview on its page.</PageHeader>
      <InvoiceTable path="/admin/invoices" caption="Invoices" empty="No invoices yet. Invoices are drawn up when a billing period closes." />
    </div>
  )
}

export function AuditPage() {
  return (
    <div className="page">
      <PageHeader title="Audit log">Who did what, when, from where.</PageHeader>
      <AuditTable path="/admin/audit" withTenant />
    </div>
  )
}
