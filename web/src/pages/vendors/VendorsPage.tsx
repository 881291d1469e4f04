import { useState } from 'react'
import { Link } from 'react-router-dom'
import { api, errorMessage } from '../../api/client'
import type { Vendor, VendorList } from '../../api/schema.gen'
import { ConfirmButton } from '../../components/ConfirmButton'
import {
  Button,
  CheckboxField,
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
import { useAction, useDebounced, usePaged, useResource } from '../../lib/hooks'
import { addToList, bulkMessage, deleteVendor, forEachId, removeFromList, type BulkResult } from './vendorActions'

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
  const [selected, setSelected] = useState<Set<string>>(new Set())
  const toggle = (id: string, on: boolean) =>
    setSelected((s) => {
      const next = new Set(s)
      if (on) next.add(id)
      else next.delete(id)
      return next
    })
  const allShown = vendors.items.length > 0 && vendors.items.every((v) => selected.has(v.id))

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

      <BulkBar
        ids={[...selected]}
        onDone={(deleted) => {
          if (deleted.length) vendors.setItems((items) => items.filter((v) => !deleted.includes(v.id)))
          setSelected(new Set())
        }}
      />
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
              {
                header: 'Select',
                className: 'col-select',
                cell: (v) => (
                  <input
                    type="checkbox"
                    aria-label={`Select ${v.name}`}
                    checked={selected.has(v.id)}
                    onChange={(e) => toggle(v.id, e.target.checked)}
                  />
                ),
              },
              { header: 'Name', cell: (v) => <Link to={`/vendors/${v.id}`}>{v.name}</Link> },
              { header: 'Code', cell: (v) => v.code || '—' },
              { header: 'Category', cell: (v) => v.category || '—' },
              { header: 'Tags', cell: (v) => (v.tags?.length ? v.tags.join(', ') : '—') },
              {
                header: 'Contacts',
                className: 'num',
                cell: (v) => v.contact_count,
              },
              { header: 'Status', cell: (v) => <StatusBadge status={v.status} /> },
            ]}
          />
          <CheckboxField
            label="Select all shown"
            checked={allShown}
            onChange={(e) => setSelected(e.target.checked ? new Set(vendors.items.map((v) => v.id)) : new Set())}
          />
          {vendors.error ? <ErrorState error={vendors.error} what="more vendors" /> : null}
          <LoadMore hasMore={vendors.hasMore} loading={vendors.loadingMore} onClick={vendors.loadMore} />
        </>
      )}
    </div>
  )
}

/** Actions on the selected vendors: add to or remove from a list, delete. */
function BulkBar({ ids, onDone }: { ids: string[]; onDone: (deletedIds: string[]) => void }) {
  const lists = useResource((signal) => api.list<VendorList>('/lists', { limit: 200 }, signal), [])
  const [listId, setListId] = useState('')
  const [busy, setBusy] = useState(false)
  const [outcome, setOutcome] = useState<{ text: string; ok: boolean } | null>(null)
  const listName = lists.data?.items.find((l) => l.id === listId)?.name ?? ''

  const run = async (work: () => Promise<BulkResult>, verb: string, deletes = false) => {
    setBusy(true)
    const r = await work()
    setBusy(false)
    setOutcome({ text: bulkMessage(r, verb), ok: r.failed.length === 0 })
    const failed = new Set(r.failed.map((f) => f.id))
    onDone(deletes ? ids.filter((id) => !failed.has(id)) : [])
  }

  if (!ids.length && !outcome) return null
  return (
    <div className="bulk-bar" role="group" aria-label="Selected vendors">
      <span className="muted">{ids.length} selected</span>
      <SelectField
        label="List"
        name="bulk_list"
        value={listId}
        onChange={(e) => setListId(e.target.value)}
        fieldClassName="field-inline"
        options={[{ value: '', label: 'Choose a list' }, ...(lists.data?.items ?? []).map((l) => ({ value: l.id, label: l.name }))]}
      />
      <Button small disabled={!ids.length || !listId || busy} onClick={() => void run(() => addToList(listId, ids), `added to “${listName}”`)}>
        Add to list
      </Button>
      <Button
        small
        disabled={!ids.length || !listId || busy}
        onClick={() => void run(() => removeFromList(listId, ids), `removed from “${listName}”`)}
      >
        Remove from list
      </Button>
      <ConfirmButton
        small
        variant="danger"
        label="Delete selected"
        question={`Delete ${ids.length} ${ids.length === 1 ? 'vendor' : 'vendors'}? Sent history is kept.`}
        confirmLabel="Yes, delete"
        disabled={!ids.length || busy}
        busy={busy}
        onConfirm={() => void run(() => forEachId(ids, deleteVendor), 'deleted', true)}
      />
      {outcome ? <Notice kind={outcome.ok ? 'success' : 'error'}>{outcome.text}</Notice> : null}
    </div>
  )
}
