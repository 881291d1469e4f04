import { useState } from 'react'
import { Link, useNavigate, useParams } from 'react-router-dom'
import { api, errorMessage } from '../../api/client'
import type { ThreadEntry, VendorDetail, VendorList } from '../../api/schema.gen'
import { ConfirmButton } from '../../components/ConfirmButton'
import { Button, DataTable, Empty, ErrorState, Loading, Notice, PagedTable, PageHeader, Section, SelectField, StatusBadge } from '../../components/ui'
import { formatDate } from '../../lib/format'
import { useAction, usePaged, useResource } from '../../lib/hooks'
import { withRenderedSubjects } from './sentSubjects'
import { addToList, deleteVendor, removeFromList } from './vendorActions'

export function VendorDetailPage() {
  const { id = '' } = useParams()
  const navigate = useNavigate()
  const remove = useAction()
  const vendor = useResource((signal) => api.get<VendorDetail>(`/vendors/${encodeURIComponent(id)}`, undefined, signal), [id])
  const thread = usePaged<ThreadEntry>(
    async (cursor, signal) =>
      withRenderedSubjects(
        id,
        await api.list<ThreadEntry>(`/vendors/${encodeURIComponent(id)}/messages`, { limit: 50, cursor }, signal),
        signal,
      ),
    [id],
  )

  if (vendor.loading) return <Loading />
  if (vendor.error || !vendor.data)
    return (
      <div className="page">
        <PageHeader title="Vendor" actions={<Link to="/vendors">All vendors</Link>} />
        <ErrorState error={vendor.error ?? new Error('Empty answer')} what="this vendor" onRetry={vendor.reload} />
      </div>
    )

  const v = vendor.data
  const contacts = Array.isArray(v.contacts) ? v.contacts : []
  const custom = Object.entries(v.custom_fields ?? {})
  return (
    <div className="page">
      <PageHeader
        title={v.name}
        actions={
          <>
            <Link to="/vendors">All vendors</Link>
            <Link className="btn btn-secondary" to={`/vendors/${v.id}/edit`}>
              Edit vendor
            </Link>
            <ConfirmButton
              variant="danger"
              label="Delete vendor"
              question={`Delete ${v.name}? It leaves every list; mail already sent stays in the Sent history.`}
              confirmLabel="Yes, delete"
              busy={remove.pending}
              onConfirm={() =>
                void remove
                  .run(async () => {
                    await deleteVendor(v.id)
                    return true
                  })
                  .then((ok) => {
                    if (ok) navigate('/vendors', { replace: true, state: { deleted: v.name } })
                  })
              }
            />
          </>
        }
      >
        {remove.error ? <Notice kind="error">Delete failed: {errorMessage(remove.error)}</Notice> : null}
        <StatusBadge status={v.status} /> {v.code ? <span className="muted">Code {v.code}</span> : null}
      </PageHeader>

      <div className="grid-2">
        <Section title="Details">
          <dl className="kv">
            <dt>Category</dt>
            <dd>{v.category || '—'}</dd>
            <dt>Tags</dt>
            <dd>{v.tags?.length ? v.tags.join(', ') : '—'}</dd>
            <dt>Lists</dt>
            <dd>
              <VendorListsEditor vendorId={v.id} lists={v.lists ?? []} onChange={(lists) => vendor.setData({ ...v, lists })} />
            </dd>
            <dt>Created</dt>
            <dd>{formatDate(v.created_at)}</dd>
            <dt>Updated</dt>
            <dd>{formatDate(v.updated_at)}</dd>
          </dl>
          {v.notes ? <p className="pre-wrap">{v.notes}</p> : null}
        </Section>
        <Section title="Custom fields">
          {custom.length ? (
            <dl className="kv">
              {custom.map(([k, val]) => (
                <div key={k} className="kv-row">
                  <dt>
                    <code>{k}</code>
                  </dt>
                  <dd>{String(val)}</dd>
                </div>
              ))}
            </dl>
          ) : (
            <Empty>No custom fields.</Empty>
          )}
        </Section>
      </div>

      <Section title="Contacts">
        {contacts.length ? (
          <DataTable
            caption="Contacts"
            rows={contacts}
            rowKey={(c, i) => c.id ?? `${c.email}-${i}`}
            columns={[
              { header: 'Name', cell: (c) => c.name || '—' },
              { header: 'Email', cell: (c) => <a href={`mailto:${c.email}`}>{c.email}</a> },
              { header: 'Role', cell: (c) => c.role || '—' },
              { header: 'Primary', cell: (c) => (c.primary ? 'Yes' : '') },
            ]}
          />
        ) : (
          <Empty>No contacts yet.</Empty>
        )}
      </Section>

      <Section title="Messages">
        <PagedTable
          list={thread}
          what="the message thread"
          empty="Nothing sent to or received from this vendor yet."
          caption="Messages sent to and received from this vendor"
          rowKey={(e) => `${e.direction}-${e.id}`}
          columns={[
            { header: 'When', cell: (e) => formatDate(e.at) },
            { header: 'Direction', cell: (e) => (e.direction === 'sent' ? 'Sent' : 'Received') },
            {
              header: 'Subject',
              cell: (e) =>
                e.direction === 'received' ? (
                  <Link to={`/inbox/${e.id}`}>{e.subject || '(no subject)'}</Link>
                ) : e.dispatch_id ? (
                  <Link to={`/dispatches/${e.dispatch_id}`}>{e.subject || '(no subject)'}</Link>
                ) : (
                  e.subject || '(no subject)'
                ),
            },
            { header: 'Address', cell: (e) => e.address },
            { header: 'State', cell: (e) => <StatusBadge status={e.status} /> },
          ]}
        />
      </Section>
    </div>
  )
}

/** The vendor's lists, with add and remove (the list membership API). */
export function VendorListsEditor({
  vendorId,
  lists,
  onChange,
}: {
  vendorId: string
  lists: { id: string; name: string }[]
  onChange: (lists: { id: string; name: string }[]) => void
}) {
  const all = useResource((signal) => api.list<VendorList>('/lists', { limit: 200 }, signal), [])
  const [listId, setListId] = useState('')
  const [problem, setProblem] = useState<string | null>(null)
  const choices = (all.data?.items ?? []).filter((l) => !lists.some((m) => m.id === l.id))
  const add = async () => {
    const l = choices.find((c) => c.id === listId)
    if (!l) return
    const r = await addToList(l.id, [vendorId])
    setProblem(r.failed[0]?.message ?? null)
    if (!r.failed.length) {
      onChange([...lists, { id: l.id, name: l.name }])
      setListId('')
    }
  }
  const drop = async (l: { id: string; name: string }) => {
    const r = await removeFromList(l.id, [vendorId])
    setProblem(r.failed[0]?.message ?? null)
    if (!r.failed.length) onChange(lists.filter((x) => x.id !== l.id))
  }
  return (
    <div>
      {lists.length ? (
        <ul className="chips" aria-label="Lists of this vendor">
          {lists.map((l) => (
            <li key={l.id} className="chip">
              <Link to={`/lists/${l.id}`}>{l.name}</Link>
              <button type="button" className="chip-remove" aria-label={`Remove from ${l.name}`} onClick={() => void drop(l)}>
                ×
              </button>
            </li>
          ))}
        </ul>
      ) : (
        <span>—</span>
      )}
      {choices.length ? (
        <div className="bulk-bar">
          <SelectField
            label="Add to list"
            name="add_list"
            fieldClassName="field-inline"
            value={listId}
            onChange={(e) => setListId(e.target.value)}
            options={[{ value: '', label: 'Choose a list' }, ...choices.map((l) => ({ value: l.id, label: l.name }))]}
          />
          <Button small disabled={!listId} onClick={() => void add()}>
            Add
          </Button>
        </div>
      ) : null}
      {problem ? <p className="field-error">{problem}</p> : null}
    </div>
  )
}
