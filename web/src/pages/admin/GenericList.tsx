import { api } from '../../api/client'
import { DataTable, Empty, ErrorState, LoadMore, Loading, StatusBadge, type Column } from '../../components/ui'
import { displayValue, humanize } from '../../lib/format'
import { usePaged } from '../../lib/hooks'

type Row = Record<string, unknown>

/** Columns from the first rows' keys (minus bulky ones), ids last. */
export function inferColumns(rows: Row[], prefer: string[] = [], max = 7): Column<Row>[] {
  const keys: string[] = []
  for (const r of rows.slice(0, 20)) for (const k of Object.keys(r)) if (!keys.includes(k)) keys.push(k)
  const skip = new Set(['id', 'tenant_id', 'messages', 'lines', 'items', 'body', 'metadata', 'details'])
  const ordered = [
    ...prefer.filter((k) => keys.includes(k)),
    ...keys.filter((k) => !prefer.includes(k) && !skip.has(k) && rows.every((r) => typeof r[k] !== 'object' || r[k] === null || isNamed(r[k]))),
  ].slice(0, max)
  return ordered.map((k) => ({
    header: humanize(k),
    cell: (r: Row) => (k === 'status' && typeof r[k] === 'string' ? <StatusBadge status={r[k] as string} /> : displayValue(r[k])),
  }))
}

function isNamed(v: unknown): boolean {
  return !!v && typeof v === 'object' && !Array.isArray(v) && ['name', 'email', 'slug'].some((k) => k in (v as Row))
}

/** A simple cursor-paginated list page body for admin resources whose shape is still settling. */
export function GenericList({
  path,
  what,
  prefer,
  empty,
  columns,
}: {
  path: string
  what: string
  prefer?: string[]
  empty: string
  columns?: Column<Row>[]
}) {
  const list = usePaged<Row>((cursor, signal) => api.list<Row>(path, { limit: 50, cursor }, signal), [path])
  if (list.loading) return <Loading />
  if (list.error && !list.items.length) return <ErrorState error={list.error} what={what} onRetry={list.reload} />
  if (!list.items.length) return <Empty>{empty}</Empty>
  return (
    <>
      <DataTable
        caption={what}
        rows={list.items}
        rowKey={(r, i) => String(r.id ?? i)}
        columns={columns ?? inferColumns(list.items, prefer)}
      />
      <LoadMore hasMore={list.hasMore} loading={list.loadingMore} onClick={list.loadMore} />
    </>
  )
}
