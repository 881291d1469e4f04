import { Link, useParams } from 'react-router-dom'
import { api } from '../../api/client'
import type { ThreadEntry, Vendor } from '../../api/types'
import { DataTable, Empty, ErrorState, Loading, PagedTable, PageHeader, Section, StatusBadge } from '../../components/ui'
import { formatDate } from '../../lib/format'
import { usePaged, useResource } from '../../lib/hooks'

export function VendorDetailPage() {
  const { id = '' } = useParams()
  const vendor = useResource((signal) => api.get<Vendor>(`/vendors/${encodeURIComponent(id)}`, undefined, signal), [id])
  const thread = usePaged<ThreadEntry>(
    (cursor, signal) => api.list<ThreadEntry>(`/vendors/${encodeURIComponent(id)}/messages`, { limit: 50, cursor }, signal),
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
          </>
        }
      >
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
            <dd>{v.lists?.length ? v.lists.map((l) => l.name).join(', ') : '—'}</dd>
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
