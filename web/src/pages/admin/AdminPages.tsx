import { api } from '../../api/client'
import type { AuditEntry } from '../../api/types'
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
        prefer={['name', 'emails_per_period', 'monthly_email_limit', 'max_recipients_per_dispatch', 'max_vendors', 'max_users', 'send_rate_per_minute', 'price_cents', 'currency']}
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
