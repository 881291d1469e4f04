import { api } from '../../api/client'
import type { AuditEntry, Plan } from '../../api/types'
import { ErrorState, Loading, PageHeader, Section, Stat } from '../../components/ui'
import { displayValue, formatDate, humanize } from '../../lib/format'
import { useResource } from '../../lib/hooks'
import { GenericList } from './GenericList'

export function OverviewPage() {
  const overview = useResource((signal) => api.get<Record<string, unknown>>('/admin/overview', undefined, signal), [])
  const data = overview.data && typeof overview.data === 'object' ? overview.data : {}
  const scalars = Object.entries(data).filter(([, v]) => v === null || typeof v !== 'object')
  const groups = Object.entries(data).filter(([, v]) => v && typeof v === 'object' && !Array.isArray(v)) as [
    string,
    Record<string, unknown>,
  ][]
  return (
    <div className="page">
      <PageHeader title="Overview">The platform at a glance.</PageHeader>
      {overview.loading ? (
        <Loading />
      ) : overview.error ? (
        <ErrorState error={overview.error} what="the overview" onRetry={overview.reload} />
      ) : (
        <>
          {scalars.length ? (
            <div className="stats card">
              {scalars.map(([k, v]) => (
                <Stat key={k} label={humanize(k)} value={displayValue(v)} />
              ))}
            </div>
          ) : null}
          {groups.map(([k, g]) => (
            <Section key={k} title={humanize(k)}>
              <div className="stats">
                {Object.entries(g).map(([gk, gv]) => (
                  <Stat key={gk} label={humanize(gk)} value={displayValue(gv)} />
                ))}
              </div>
            </Section>
          ))}
          {!scalars.length && !groups.length ? <p className="muted">No figures yet.</p> : null}
        </>
      )}
    </div>
  )
}

export function PlansPage() {
  return (
    <div className="page">
      <PageHeader title="Plans">Quotas and prices offered to tenants.</PageHeader>
      <GenericList
        path="/admin/plans"
        what="plans"
        empty="No plans defined."
        columns={[
          { header: 'Name', cell: (r) => displayValue(plan(r).name) },
          { header: 'Price', cell: (r) => formatPrice(plan(r).price_cents, plan(r).currency) },
          { header: 'Emails per period', cell: (r) => displayValue(plan(r).limits?.emails_per_period) },
          { header: 'Recipients per dispatch', cell: (r) => displayValue(plan(r).limits?.recipients_per_dispatch) },
          { header: 'Vendors', cell: (r) => displayValue(plan(r).limits?.vendors) },
          { header: 'Users', cell: (r) => displayValue(plan(r).limits?.users) },
          { header: 'Rate / s', cell: (r) => displayValue(plan(r).limits?.send_rate_per_second) },
          { header: 'Status', cell: (r) => (plan(r).retired ? 'retired' : 'offered') },
        ]}
      />
    </div>
  )
}

export function InvoicesPage() {
  return (
    <div className="page">
      <PageHeader title="Invoices">Billing across tenants.</PageHeader>
      <GenericList
        path="/admin/invoices"
        what="invoices"
        empty="No invoices yet."
        prefer={['number', 'tenant', 'period_start', 'period_end', 'total_cents', 'amount_cents', 'currency', 'status', 'issued_at', 'due_at']}
      />
    </div>
  )
}

const audit = (r: Record<string, unknown>) => r as unknown as AuditEntry
const plan = (r: Record<string, unknown>) => r as unknown as Partial<Plan>

function formatPrice(cents: number | undefined, currency: string | undefined): string {
  if (typeof cents !== 'number') return '—'
  try {
    return new Intl.NumberFormat('en-US', { style: 'currency', currency: currency || 'USD' }).format(cents / 100)
  } catch {
    return `${(cents / 100).toFixed(2)} ${currency ?? ''}`.trim()
  }
}

export function AuditPage() {
  return (
    <div className="page">
      <PageHeader title="Audit log">Who did what, when, from where.</PageHeader>
      <GenericList
        path="/admin/audit"
        what="audit entries"
        empty="The audit log is empty."
        columns={[
          { header: 'Time', cell: (r) => formatDate(audit(r).at ?? audit(r).created_at) },
          { header: 'Actor', cell: (r) => displayValue(audit(r).actor) },
          { header: 'Tenant', cell: (r) => displayValue(audit(r).tenant ?? audit(r).tenant_id) },
          { header: 'Action', cell: (r) => <code>{String(audit(r).action ?? '—')}</code> },
          { header: 'Target', cell: (r) => displayValue(audit(r).target) },
          { header: 'Address', cell: (r) => displayValue(audit(r).ip ?? audit(r).client_address) },
          { header: 'Request id', cell: (r) => <code className="small">{String(audit(r).request_id ?? '—')}</code> },
        ]}
      />
    </div>
  )
}
