import { api } from '../api/client'
import type { AuditEntry } from '../api/schema.gen'
import { saveBlob } from '../lib/download'
import { displayValue, formatDate } from '../lib/format'
import { useAction, usePaged } from '../lib/hooks'
import { Button, FormError, PagedTable, type Column } from './ui'

/**
 * The audit log of the platform (/admin/audit, with a tenant column) or of one workspace
 * (/audit), newest first, with a CSV export of the same entries.
 */
export function AuditTable({ path, withTenant = false }: { path: '/admin/audit' | '/audit'; withTenant?: boolean }) {
  const entries = usePaged<AuditEntry>((cursor, signal) => api.list<AuditEntry>(path, { limit: 50, cursor }, signal), [path])
  const exportCsv = useAction()
  const onExport = () =>
    void exportCsv.run(async () => {
      const { blob, filename } = await api.download(path, { format: 'csv' })
      saveBlob(blob, filename ?? 'audit.csv')
    })
  const columns: Column<AuditEntry>[] = [
    { header: 'Time', cell: (a) => formatDate(a.created_at) },
    { header: 'Actor', cell: (a) => displayValue(a.actor ?? a.actor_type) },
    ...(withTenant ? [{ header: 'Tenant', cell: (a: AuditEntry) => displayValue(a.tenant ?? a.tenant_id) }] : []),
    { header: 'Action', cell: (a) => <code>{a.action}</code> },
    { header: 'Target', cell: (a) => displayValue(a.target ?? a.target_type) },
    { header: 'Address', cell: (a) => displayValue(a.ip) },
    { header: 'Request id', cell: (a) => <code className="small">{a.request_id ?? '—'}</code> },
  ]
  return (
    <>
      <div className="filters">
        <Button small onClick={onExport} busy={exportCsv.pending}>
          Export CSV
        </Button>
      </div>
      <FormError error={exportCsv.error} />
      <PagedTable list={entries} what="audit entries" empty="The audit log is empty." caption="Audit entries" rowKey={(a) => a.id} columns={columns} />
    </>
  )
}
