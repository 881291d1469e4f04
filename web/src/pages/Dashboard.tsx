import { Link } from 'react-router-dom'
import { api } from '../api/client'
import type { Dispatch, InboxMessage } from '../api/schema.gen'
import type { Page } from '../api/client'
import { useAuth } from '../auth/AuthContext'
import { UsageMeter, useUsage } from '../components/UsageMeter'
import { Empty, ErrorState, Loading, PageHeader, ProgressBar, Section, Stat, StatusBadge } from '../components/ui'
import { formatDate, formatNumber } from '../lib/format'
import { useResource } from '../lib/hooks'
import { readableTemplate } from '../lib/mergeFields'
import { doneCount } from './dispatch/progress'

export function Dashboard() {
  const { me } = useAuth()
  const usage = useUsage()
  const recent = useResource((signal) => api.list<Dispatch>('/dispatches', { limit: 5 }, signal), [])
  const unread = useResource(
    (signal) => api.list<InboxMessage>('/inbox', { unread: 'true', limit: UNREAD_PAGE }, signal),
    [],
  )

  const attention = (recent.data?.items ?? []).filter(
    (d) => (d.counts?.failed ?? 0) + (d.counts?.deferred ?? 0) + (d.counts?.bounced ?? 0) > 0,
  )

  return (
    <div className="page">
      <PageHeader title="Dashboard">{me?.tenant?.name ? `Welcome to ${me.tenant.name}.` : null}</PageHeader>
      <div className="grid-3">
        <section className="card" aria-label="Usage">
          {usage.loading ? (
            <Loading />
          ) : usage.data ? (
            <UsageMeter usage={usage.data} />
          ) : (
            <Stat label="Usage this period" value="—" hint="Usage is not available yet." />
          )}
        </section>
        <section className="card" aria-label="Unread inbox">
          <Stat
            label="Unread in inbox"
            value={
              unread.loading ? '…' : unread.error ? '—' : unreadLabel(unread.data)
            }
            hint={<Link to="/inbox">Open the inbox</Link>}
          />
        </section>
        <section className="card" aria-label="Needs attention">
          <Stat
            label="Recent dispatches needing attention"
            value={recent.loading ? '…' : recent.error ? '—' : formatNumber(attention.length)}
            hint="deferred, failed or bounced recipients"
          />
        </section>
      </div>

      <Section title="Recent dispatches" actions={<Link to="/dispatches">All dispatches</Link>}>
        {recent.loading ? (
          <Loading />
        ) : recent.error ? (
          <ErrorState error={recent.error} what="recent dispatches" onRetry={recent.reload} />
        ) : recent.data && recent.data.items.length ? (
          <ul className="plain-list">
            {recent.data.items.map((d) => (
              <li key={d.id} className="dispatch-row">
                <div className="dispatch-row-main">
                  <Link to={`/dispatches/${d.id}`}>{readableTemplate(d.subject) || '(no subject)'}</Link>
                  <span className="muted small">{formatDate(d.created_at)}</span>
                </div>
                <StatusBadge status={d.status} />
                <ProgressBar
                  value={doneCount(d.counts)}
                  max={d.recipients_total ?? 0}
                  label={`Progress of ${readableTemplate(d.subject) || 'dispatch'}`}
                />
              </li>
            ))}
          </ul>
        ) : (
          <Empty>
            No dispatches yet. <Link to="/dispatches/new">Compose your first one</Link>.
          </Empty>
        )}
      </Section>
    </div>
  )
}

const UNREAD_PAGE = 100

/** The list has no total: count one page, "100+" when more exist. */
export function unreadLabel(page: Page<InboxMessage> | undefined): string {
  const count = page?.items.length ?? 0
  return page?.next_cursor ? `${formatNumber(count)}+` : formatNumber(count)
}
