// Every tenant's sending domains (super admin): which are verified, pending or failing, when they
// were last checked and why a lookup could not be made. Read only: tenants manage their domains.
import { useState } from 'react'
import { Link } from 'react-router-dom'
import { api } from '../../api/client'
import type { Domain as SendingDomain, Tenant } from '../../api/schema.gen'
import type { Page } from '../../api/client'
import { DataTable, Empty, ErrorState, Loading, PageHeader, Section, SelectField, StatusBadge } from '../../components/ui'
import { formatDate } from '../../lib/format'
import { useResource } from '../../lib/hooks'
import { platformSigningText } from '../domains/domainRecords'

const FILTERS = [
  { value: '', label: 'All statuses' },
  { value: 'failing', label: 'Failing' },
  { value: 'pending', label: 'Pending' },
  { value: 'verified', label: 'Verified' },
]

/** Tenant names by id, for the table (the domains answer carries only tenant_id). */
async function tenantNames(signal: AbortSignal): Promise<Map<string, Tenant>> {
  const names = new Map<string, Tenant>()
  let cursor: string | null = null
  // A platform has tens or hundreds of tenants: a few pages at most.
  for (let i = 0; i < 20; i++) {
    const page: Page<Tenant> = await api.list<Tenant>('/admin/tenants', { limit: 200, cursor }, signal)
    for (const t of page.items) names.set(t.id, t)
    cursor = page.next_cursor
    if (!cursor) break
  }
  return names
}

export function AdminDomainsPage() {
  const domains = useResource((signal) => api.list<SendingDomain>('/admin/domains', {}, signal), [])
  // Names are a convenience: without them the table shows the tenant id.
  const tenants = useResource((signal) => tenantNames(signal).catch(() => new Map<string, Tenant>()), [])
  const [status, setStatus] = useState('')
  const items = domains.data?.items ?? []
  const shown = status ? items.filter((d) => d.status === status) : items
  const count = (s: string) => items.filter((d) => d.status === s).length

  return (
    <div className="page">
      <PageHeader title="Sending domains">
        Every tenant’s sending domains. A failing domain holds its tenant’s dispatches until its DNS records match again.
      </PageHeader>
      <Section
        title="Domains"
        actions={
          <SelectField
            label="Status"
            value={status}
            onChange={(e) => setStatus(e.target.value)}
            options={FILTERS}
            fieldClassName="field-inline"
          />
        }
      >
        {domains.loading ? (
          <Loading />
        ) : domains.error ? (
          <ErrorState error={domains.error} what="the sending domains" onRetry={domains.reload} />
        ) : (
          <>
            <p className="muted">
              {items.length} domains: {count('verified')} verified, {count('pending')} pending, {count('failing')} failing.{' '}
              {items[0] ? platformSigningText(items[0].dkim.signed_by) : null}
            </p>
            {shown.length === 0 ? (
              <Empty>{status ? `No ${status} domains.` : 'No tenant has added a sending domain yet.'}</Empty>
            ) : (
              <DataTable
                caption="Sending domains of all tenants"
                rows={shown}
                rowKey={(d) => d.id}
                columns={[
                  {
                    header: 'Tenant',
                    cell: (d) => {
                      const t = d.tenant_id ? tenants.data?.get(d.tenant_id) : undefined
                      return d.tenant_id ? (
                        <Link to={`/admin/tenants/${encodeURIComponent(d.tenant_id)}`}>{t ? t.name : d.tenant_id}</Link>
                      ) : (
                        '—'
                      )
                    },
                  },
                  { header: 'Domain', cell: (d) => <span className="break-all">{d.domain}</span> },
                  { header: 'Status', cell: (d) => <StatusBadge status={d.status} /> },
                  { header: 'Last checked', cell: (d) => (d.checked_at ? formatDate(d.checked_at) : 'Not checked yet') },
                  { header: 'Verified', cell: (d) => formatDate(d.verified_at) },
                  { header: 'Latest check', cell: (d) => (d.check_error ? <span className="small">{d.check_error}</span> : '—') },
                ]}
              />
            )}
          </>
        )}
      </Section>
    </div>
  )
}
