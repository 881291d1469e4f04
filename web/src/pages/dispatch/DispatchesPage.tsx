import { useState } from 'react'
import { Link } from 'react-router-dom'
import { api } from '../../api/client'
import type { Dispatch } from '../../api/schema.gen'
import {
  DataTable,
  Empty,
  ErrorState,
  LoadMore,
  Loading,
  PageHeader,
  ProgressBar,
  SelectField,
  StatusBadge,
} from '../../components/ui'
import { formatDate, formatNumber } from '../../lib/format'
import { usePaged } from '../../lib/hooks'
import { readableTemplate } from '../../lib/mergeFields'
import { doneCount } from './progress'

const STATUSES = ['', 'scheduled', 'queued', 'sending', 'paused', 'completed', 'cancelled', 'failed']

export function DispatchesPage() {
  const [status, setStatus] = useState('')
  const list = usePaged<Dispatch>(
    (cursor, signal) => api.list<Dispatch>('/dispatches', { status, limit: 50, cursor }, signal),
    [status],
  )
  return (
    <div className="page">
      <PageHeader
        title="Sent"
        actions={
          <Link className="btn btn-primary" to="/dispatches/new">
            New dispatch
          </Link>
        }
      >
        Every dispatch and how far it got.
      </PageHeader>
      <form className="filters" onSubmit={(e) => e.preventDefault()}>
        <SelectField
          label="Status"
          name="status"
          value={status}
          onChange={(e) => setStatus(e.target.value)}
          options={STATUSES.map((s) => ({ value: s, label: s ? s.charAt(0).toUpperCase() + s.slice(1) : 'All statuses' }))}
        />
      </form>
      {list.loading ? (
        <Loading />
      ) : list.error && !list.items.length ? (
        <ErrorState error={list.error} what="dispatches" onRetry={list.reload} />
      ) : list.items.length === 0 ? (
        <Empty>{status ? 'No dispatches with this status.' : 'Nothing sent yet.'}</Empty>
      ) : (
        <>
          <DataTable
            caption="Dispatches"
            rows={list.items}
            rowKey={(d) => d.id}
            columns={[
              { header: 'Subject', cell: (d) => <Link to={`/dispatches/${d.id}`}>{readableTemplate(d.subject) || '(no subject)'}</Link> },
              { header: 'Status', cell: (d) => <StatusBadge status={d.status} /> },
              { header: 'Recipients', className: 'num', cell: (d) => formatNumber(d.recipients_total) },
              {
                header: 'Progress',
                className: 'col-progress',
                cell: (d) => (
                  <ProgressBar value={doneCount(d.counts)} max={d.recipients_total ?? 0} label={`Progress of ${readableTemplate(d.subject) || 'dispatch'}`} />
                ),
              },
              { header: 'Problems', className: 'num', cell: (d) => formatNumber((d.counts?.failed ?? 0) + (d.counts?.bounced ?? 0)) },
              { header: 'Created', cell: (d) => formatDate(d.created_at) },
            ]}
          />
          <LoadMore hasMore={list.hasMore} loading={list.loadingMore} onClick={list.loadMore} />
        </>
      )}
    </div>
  )
}
