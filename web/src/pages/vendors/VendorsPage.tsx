import { useState } from 'react'
import { Link } from 'react-router-dom'
import { api, errorMessage } from '../../api/client'
import type { Vendor } from '../../api/types'
import {
  Button,
  DataTable,
  Empty,
  ErrorState,
  LoadMore,
  Loading,
  Notice,
  PageHeader,
  SelectField,
  StatusBadge,
  TextField,
} from '../../components/ui'
import { saveBlob } from '../../lib/download'
import { useAction, useDebounced, usePaged } from '../../lib/hooks'

export const VENDOR_STATUSES = [
  { value: 'active', label: 'Active' },
  { value: 'inactive', label: 'Inactive' },
] as const

export function VendorsPage() {
  const [q, setQ] = useState('')
  const [status, setStatus] = useState('')
  const query = useDebounced(q.trim(), 300)
  const vendors = usePaged<Vendor>(
    (cursor, signal) => api.list<Vendor>('/vendors', { q: query, status, limit: 50, cursor }, signal),
    [query, status],
  )
  const exporting = useAction()

  const onExport = () =>
    void exporting.run(async () => {
      const { blob, filename } = await api.download('/vendors/export', { q: query, status })
      saveBlob(blob, filename ?? `vendors-${new Date().toISOString().slice(0, 10)}.csv`)
    })

  return (
    <div className="page">
      <PageHeader
        title="Vendors"
        actions={
          <>
            <Button onClick={onExport} busy={exporting.pending}>
              {exporting.pending ? 'Exporting…' : 'Export CSV'}
            </Button>
            <Link className="btn btn-secondary" to="/vendors/import">
              Import CSV
            </Link>
            <Link className="btn btn-primary" to="/vendors/new">
              New vendor
            </Link>
          </>
        }
      />
      {exporting.error ? <Notice kind="error">Export failed: {errorMessage(exporting.error)}</Notice> : null}
      <form className="filters" role="search" onSubmit={(e) => e.preventDefault()}>
        <TextField
          label="Search"
          type="search"
          name="q"
          placeholder="Name, code, contact email…"
          value={q}
          onChange={(e) => setQ(e.target.value)}
        />
        <SelectField
          label="Status"
          name="status"
          value={status}
          onChange={(e) => setStatus(e.target.value)}
          options={[{ value: '', label: 'All statuses' }, ...VENDOR_STATUSES]}
        />
      </form>

      {vendors.loading ? (
        <Loading />
      ) : vendors.error && vendors.items.length === 0 ? (
        <ErrorState error={vendors.error} what="vendors" onRetry={vendors.reload} />
      ) : vendors.items.length === 0 ? (
        <Empty>
          {query || status ? 'No vendors match these filters.' : 'No vendors yet. Create one or import a CSV file.'}
        </Empty>
      ) : (
        <>
          <DataTable
            caption="Vendors"
            rows={vendors.items}
            rowKey={(v) => v.id}
            columns={[
              { header: 'Name', cell: (v) => <Link to={`/vendors/${v.id}`}>{v.name}</Link> },
              { header: 'Code', cell: (v) => v.code || '—' },
              { header: 'Category', cell: (v) => v.category || '—' },
              { header: 'Tags', cell: (v) => (v.tags?.length ? v.tags.join(', ') : '—') },
              {
                header: 'Contacts',
                className: 'num',
                cell: (v) => v.contact_count ?? v.contacts?.length ?? '—',
              },
              { header: 'Status', cell: (v) => <StatusBadge status={v.status} /> },
            ]}
          />
          {vendors.error ? <ErrorState error={vendors.error} what="more vendors" /> : null}
          <LoadMore hasMore={vendors.hasMore} loading={vendors.loadingMore} onClick={vendors.loadMore} />
        </>
      )}
    </div>
  )
}
