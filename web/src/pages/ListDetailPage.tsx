// One vendor list: its members, removing them, adding vendors found by search, deleting the list.
import { useState } from 'react'
import { Link, useNavigate, useParams } from 'react-router-dom'
import { api, errorMessage } from '../api/client'
import type { Vendor, VendorList } from '../api/schema.gen'
import { ConfirmButton } from '../components/ConfirmButton'
import { Button, DataTable, Empty, ErrorState, LoadMore, Loading, Notice, PageHeader, Section, StatusBadge, TextField } from '../components/ui'
import { formatNumber } from '../lib/format'
import { useAction, useDebounced, usePaged, useResource } from '../lib/hooks'
import { addToList, deleteList, removeFromList } from './vendors/vendorActions'

export function ListDetailPage() {
  const { id = '' } = useParams()
  const navigate = useNavigate()
  const list = useResource((signal) => api.get<VendorList>(`/lists/${encodeURIComponent(id)}`, undefined, signal), [id])
  const members = usePaged<Vendor>((cursor, signal) => api.list<Vendor>('/vendors', { list: id, limit: 50, cursor }, signal), [id])
  const remove = useAction()
  const [problem, setProblem] = useState<string | null>(null)

  if (list.loading) return <Loading />
  if (list.error || !list.data)
    return (
      <div className="page">
        <PageHeader title="List" actions={<Link to="/lists">All lists</Link>} />
        <ErrorState error={list.error ?? new Error('Empty answer')} what="this list" onRetry={list.reload} />
      </div>
    )
  const l = list.data
  const memberIds = new Set(members.items.map((v) => v.id))
  const setCount = (delta: number) => list.setData({ ...l, member_count: Math.max(0, (l.member_count ?? members.items.length) + delta) })

  const dropMember = async (v: Vendor) => {
    const r = await removeFromList(l.id, [v.id])
    setProblem(r.failed[0]?.message ?? null)
    if (!r.failed.length) {
      members.setItems((items) => items.filter((x) => x.id !== v.id))
      setCount(-1)
    }
  }
  const addMember = async (v: Vendor) => {
    const r = await addToList(l.id, [v.id])
    setProblem(r.failed[0]?.message ?? null)
    if (!r.failed.length) {
      members.setItems((items) => [v, ...items.filter((x) => x.id !== v.id)])
      setCount(1)
    }
  }

  return (
    <div className="page">
      <PageHeader
        title={l.name}
        actions={
          <>
            <Link to="/lists">All lists</Link>
            <ConfirmButton
              variant="danger"
              label="Delete list"
              question={`Delete the list “${l.name}”? Its vendors stay.`}
              confirmLabel="Yes, delete"
              busy={remove.pending}
              onConfirm={() =>
                void remove
                  .run(async () => {
                    await deleteList(l.id)
                    return true
                  })
                  .then((ok) => {
                    if (ok) navigate('/lists', { replace: true })
                  })
              }
            />
          </>
        }
      >
        {l.description ? `${l.description} · ` : ''}
        {typeof l.member_count === 'number' ? `${formatNumber(l.member_count)} ${l.member_count === 1 ? 'member' : 'members'}` : null}
      </PageHeader>
      {remove.error ? <Notice kind="error">Delete failed: {errorMessage(remove.error)}</Notice> : null}
      {problem ? <Notice kind="error">{problem}</Notice> : null}
      <div className="split">
        <Section title="Members">
          {members.loading ? (
            <Loading />
          ) : members.error && !members.items.length ? (
            <ErrorState error={members.error} what="members" onRetry={members.reload} />
          ) : members.items.length === 0 ? (
            <Empty>No members yet. Add vendors with the search.</Empty>
          ) : (
            <>
              <DataTable
                caption="Members"
                rows={members.items}
                rowKey={(v) => v.id}
                columns={[
                  { header: 'Name', cell: (v) => <Link to={`/vendors/${v.id}`}>{v.name}</Link> },
                  { header: 'Code', cell: (v) => v.code || '—' },
                  { header: 'Status', cell: (v) => <StatusBadge status={v.status} /> },
                  {
                    header: 'Actions',
                    cell: (v) => (
                      <Button small variant="ghost" aria-label={`Remove ${v.name} from the list`} onClick={() => void dropMember(v)}>
                        Remove
                      </Button>
                    ),
                  },
                ]}
              />
              <LoadMore hasMore={members.hasMore} loading={members.loadingMore} onClick={members.loadMore} />
            </>
          )}
        </Section>
        <Section title="Add members">
          <VendorSearch isMember={(v) => memberIds.has(v.id)} onAdd={(v) => void addMember(v)} />
        </Section>
      </div>
    </div>
  )
}

function VendorSearch({ isMember, onAdd }: { isMember: (v: Vendor) => boolean; onAdd: (v: Vendor) => void }) {
  const [q, setQ] = useState('')
  const query = useDebounced(q.trim(), 250)
  const found = useResource(
    (signal) => (query ? api.list<Vendor>('/vendors', { q: query, limit: 20 }, signal) : Promise.resolve({ items: [], next_cursor: null })),
    [query],
  )
  return (
    <div>
      <TextField label="Find vendor" type="search" value={q} onChange={(e) => setQ(e.target.value)} placeholder="Name, code, contact email…" />
      {!query ? null : found.loading ? (
        <Loading />
      ) : found.error ? (
        <ErrorState error={found.error} what="vendors" />
      ) : found.data?.items.length ? (
        <ul className="plain-list picker-results" aria-label="Search results">
          {found.data.items.map((v) => (
            <li key={v.id}>
              <span>
                {v.name} {v.code ? <span className="muted small">{v.code}</span> : null}
              </span>
              <Button small disabled={isMember(v)} onClick={() => onAdd(v)} aria-label={`Add ${v.name}`}>
                {isMember(v) ? 'Member' : 'Add'}
              </Button>
            </li>
          ))}
        </ul>
      ) : (
        <Empty>No vendor matches.</Empty>
      )}
    </div>
  )
}
