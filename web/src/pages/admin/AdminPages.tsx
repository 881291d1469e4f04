import { useState, type FormEvent } from 'react'
import { Link } from 'react-router-dom'
import { api, ApiError, fieldLabel } from '../../api/client'
import type { CloseResult, PlatformOverview, WorkerStatus } from '../../api/schema.gen'
import {
  Button,
  DataTable,
  ErrorState,
  FormError,
  Loading,
  Notice,
  PageHeader,
  Section,
  Stat,
  StatusBadge,
  TextField,
} from '../../components/ui'
import { formatDate, formatNumber } from '../../lib/format'
import { useAction, useResource } from '../../lib/hooks'
import { AuditTable } from '../../components/AuditTable'
import { InvoiceTable } from '../../components/billing'

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

/** YYYY-MM of the month `offset` months from the running one, in UTC (billing periods are UTC months). */
export function utcMonth(now: Date, offset = 0): string {
  const d = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth() + offset, 1))
  return d.toISOString().slice(0, 7)
}

/**
 * "Close period now": what `dispatchhub admin close-period` does, behind the same explanation the
 * command's help gives and answered with the line it prints.
 */
function ClosePeriod({ onClosed }: { onClosed: () => void }) {
  // The clock is read once, when the form mounts: a render stays a pure function of state.
  const [now] = useState(() => new Date())
  const [open, setOpen] = useState(false)
  const [period, setPeriod] = useState(() => utcMonth(now, -1))
  const [error, setError] = useState('')
  const [result, setResult] = useState<CloseResult | null>(null)
  const close = useAction()
  const running = utcMonth(now)
  const valid = /^\d{4}-(0[1-9]|1[0-2])$/.test(period)

  const onSubmit = async (e: FormEvent) => {
    e.preventDefault()
    setResult(null)
    if (!valid) return setError('Period is a month such as 2026-05.')
    if (period > running) return setError('That month has not begun yet.')
    setError('')
    const r = await close.run(() => api.post<CloseResult>('/admin/billing/close-period', { period }))
    if (r) {
      setResult(r)
      setOpen(false)
      onClosed()
    }
  }

  return (
    <>
      {result ? (
        <Notice kind="success">
          <span data-testid="close-summary">{result.summary}</span>. New invoices are drafts: issue them from their page.
        </Notice>
      ) : null}
      {open ? (
        <form className="card form confirm-box" onSubmit={(e) => void onSubmit(e)} noValidate aria-label="Close billing period">
          <FormError error={close.error} shownFields={['period']} />
          <p>
            Invoice every tenant for a finished billing period. Safe to repeat: a tenant already invoiced for the period gets no
            second invoice.
          </p>
          <TextField
            label="Period (month, UTC)"
            name="period"
            type="month"
            required
            value={period}
            onChange={(e) => setPeriod(e.target.value)}
            error={error || fieldError(close.error, 'period')}
            hint="The last finished month unless you choose another."
          />
          {period === running ? (
            <Notice kind="warning">
              {period} is still running: its invoices charge what was sent so far, and later sends of this month are not invoiced
              unless you void those invoices and close the month again.
            </Notice>
          ) : null}
          <div className="form-actions">
            <Button type="submit" variant="primary" busy={close.pending}>
              Close period {valid ? period : ''}
            </Button>
            <Button variant="ghost" onClick={() => setOpen(false)}>
              Back
            </Button>
          </div>
        </form>
      ) : null}
      {!open ? (
        <div className="form-actions">
          <Button
            onClick={() => {
              setOpen(true)
              setResult(null)
              close.clearError()
            }}
          >
            Close period now
          </Button>
        </div>
      ) : null}
    </>
  )
}

function fieldError(error: unknown, field: string): string | undefined {
  if (!(error instanceof ApiError)) return undefined
  const message = error.fieldErrors.find((f) => f.field === field)?.message
  return message ? `${fieldLabel(field)} ${message}` : undefined
}

export function InvoicesPage() {
  const [generation, setGeneration] = useState(0)
  return (
    <div className="page">
      <PageHeader title="Invoices">Billing across tenants. Each tenant's running period shows as a preview on its page.</PageHeader>
      <ClosePeriod onClosed={() => setGeneration((g) => g + 1)} />
      <InvoiceTable
        key={generation}
        path="/admin/invoices"
        caption="Invoices"
        empty="No invoices yet. Invoices are drawn up when a billing period closes: the server closes the last finished month on its own, or now with “Close period now”."
      />
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
