import { useState } from 'react'
import { api } from '../../api/client'
import type { DispatchRequest as DispatchInput, RecipientPage } from '../../api/schema.gen'
import { Button, DataTable, Empty, ErrorState, Loading, TextField } from '../../components/ui'
import { formatNumber } from '../../lib/format'
import { useDebounced, useResource } from '../../lib/hooks'

/** Rows per page: a sample to look through, not an export. */
export const RECIPIENT_PAGE_SIZE = 10

/**
 * The recipients a draft resolves to, a page at a time (POST /dispatches/preview/recipients):
 * searchable by vendor, contact, role or address, or only those lacking `missingField`.
 */
export function RecipientBrowser({
  recipients,
  missingField,
  label,
}: {
  recipients: DispatchInput['recipients']
  missingField?: string
  label: string
}) {
  const [q, setQ] = useState('')
  const search = useDebounced(q.trim(), 250)
  // Cursors of the pages seen so far: [null] is the first page; Previous pops, Next pushes. Another
  // selection, search or field starts again at the first page.
  const recipientsKey = JSON.stringify(recipients)
  const pagingKey = `${recipientsKey}|${search}|${missingField ?? ''}`
  const [paging, setPaging] = useState<{ key: string; cursors: (string | null)[] }>({ key: pagingKey, cursors: [null] })
  const cursors = paging.key === pagingKey ? paging.cursors : [null]
  const setCursors = (next: (string | null)[]) => setPaging({ key: pagingKey, cursors: next })
  const cursor = cursors[cursors.length - 1]
  const page = useResource(
    (signal) =>
      api.post<RecipientPage>(
        '/dispatches/preview/recipients',
        { recipients, ...(search ? { q: search } : {}), ...(missingField ? { missing_field: missingField } : {}) },
        { query: { limit: RECIPIENT_PAGE_SIZE, cursor }, signal },
      ),
    [recipientsKey, search, missingField, cursor],
  )
  const items = page.data?.items ?? []
  const first = (cursors.length - 1) * RECIPIENT_PAGE_SIZE
  return (
    <div className="recipient-browser" role="region" aria-label={label}>
      {missingField ? null : (
        <TextField
          label="Search recipients"
          type="search"
          value={q}
          onChange={(e) => setQ(e.target.value)}
          placeholder="Vendor, contact, role or address"
          fieldClassName="field-inline"
        />
      )}
      {page.loading && !page.data ? (
        <Loading />
      ) : page.error ? (
        <ErrorState error={page.error} what="recipients" onRetry={page.reload} />
      ) : items.length === 0 ? (
        <Empty>{search ? 'No recipient matches.' : 'No recipients.'}</Empty>
      ) : (
        <>
          <DataTable
            caption={label}
            stacked
            rows={items}
            rowKey={(r) => r.contact_id}
            columns={[
              { header: 'Vendor', cell: (r) => (r.vendor_code ? `${r.vendor_name} (${r.vendor_code})` : r.vendor_name) },
              { header: 'Contact', cell: (r) => r.contact_name || '—' },
              { header: 'Role', cell: (r) => r.role || '—' },
              { header: 'Address', cell: (r) => (r.suppressed ? `${r.email} (suppressed, not mailed)` : r.email) },
            ]}
          />
          <div className="pager">
            <span className="muted small" aria-live="polite">
              {formatNumber(first + 1)}–{formatNumber(first + items.length)} of {formatNumber(page.data?.total ?? 0)}
            </span>
            <Button small disabled={cursors.length <= 1} onClick={() => setCursors(cursors.slice(0, -1))}>
              Previous
            </Button>
            <Button
              small
              disabled={!page.data?.next_cursor}
              onClick={() => page.data?.next_cursor && setCursors([...cursors, page.data.next_cursor])}
            >
              Next
            </Button>
          </div>
        </>
      )}
    </div>
  )
}

/**
 * The preview's warning about recipients without a merge value: how many lack each field, and
 * for each a page-through list of those recipients (vendor, contact, address).
 */
export function MissingValues({
  missing,
  recipients,
}: {
  missing: { field: string; count: number }[]
  recipients: DispatchInput['recipients']
}) {
  const [open, setOpen] = useState<string | null>(null)
  const rows = missing.filter((m) => m && typeof m.field === 'string' && typeof m.count === 'number' && m.count > 0)
  if (!rows.length) return null
  return (
    <div className="notice notice-warning" role="status">
      <p>
        Some recipients lack merge values. Sending is refused until each has one, or the field has a default
        (e.g. <code>{'{{vendor.custom.region | default: "n/a"}}'}</code>).
      </p>
      <ul aria-label="Missing merge values">
        {rows.map((m) => {
          const name = m.field.replace(/^\{\{\s*|\s*\}\}$/g, '')
          return (
            <li key={m.field}>
              <code>{`{{${name}}}`}</code>: {formatNumber(m.count)} {m.count === 1 ? 'recipient lacks' : 'recipients lack'} a
              value{' '}
              <Button small variant="ghost" aria-expanded={open === name} onClick={() => setOpen(open === name ? null : name)}>
                {open === name ? 'Hide' : 'Show who'}
              </Button>
              {open === name ? (
                <RecipientBrowser recipients={recipients} missingField={name} label={`Recipients without ${name}`} />
              ) : null}
            </li>
          )
        })}
      </ul>
    </div>
  )
}
