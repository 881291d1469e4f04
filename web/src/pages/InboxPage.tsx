import { useState } from 'react'
import { Link, useParams } from 'react-router-dom'
import { api } from '../api/client'
import type { InboxMessage } from '../api/types'
import {
  CheckboxField,
  Empty,
  ErrorState,
  LoadMore,
  Loading,
  PageHeader,
  Section,
  StatusBadge,
} from '../components/ui'
import { formatDate } from '../lib/format'
import { usePaged, useResource } from '../lib/hooks'

function isUnread(m: InboxMessage): boolean {
  if (typeof m.unread === 'boolean') return m.unread
  if (typeof m.read === 'boolean') return !m.read
  return false
}

function sender(m: InboxMessage): string {
  const addr = m.from_address ?? m.from ?? ''
  if (m.from_name && addr && !addr.includes(m.from_name)) return `${m.from_name} <${addr}>`
  return m.from_name || addr || 'Unknown sender'
}

export function InboxPage() {
  const [unreadOnly, setUnreadOnly] = useState(false)
  const inbox = usePaged<InboxMessage>(
    (cursor, signal) => api.list<InboxMessage>('/inbox', { unread: unreadOnly ? 'true' : undefined, limit: 50, cursor }, signal),
    [unreadOnly],
  )
  return (
    <div className="page">
      <PageHeader title="Inbox">Replies from vendors and bounce reports, matched to the dispatch they answer.</PageHeader>
      <div className="filters">
        <CheckboxField label="Unread only" checked={unreadOnly} onChange={(e) => setUnreadOnly(e.target.checked)} />
      </div>
      {inbox.loading ? (
        <Loading />
      ) : inbox.error && !inbox.items.length ? (
        <ErrorState error={inbox.error} what="the inbox" onRetry={inbox.reload} />
      ) : inbox.items.length === 0 ? (
        <Empty>{unreadOnly ? 'No unread messages.' : 'No messages yet. Replies to your dispatches will show up here.'}</Empty>
      ) : (
        <>
          <ul className="message-list" aria-label="Messages">
            {inbox.items.map((m) => {
              const unread = isUnread(m)
              return (
                <li key={m.id} className={unread ? 'unread' : undefined}>
                  <Link to={`/inbox/${m.id}`} className="message-link">
                    <span className="message-from">
                      {unread ? <span className="sr-only">Unread: </span> : null}
                      {sender(m)}
                    </span>
                    <span className="message-subject">{m.subject || '(no subject)'}</span>
                    {m.snippet ? <span className="message-snippet">{m.snippet}</span> : null}
                  </Link>
                  <span className="message-meta">
                    {m.kind && m.kind !== 'reply' ? <StatusBadge status={m.kind === 'bounce' ? 'bounced' : m.kind} /> : null}
                    <time dateTime={m.received_at}>{formatDate(m.received_at)}</time>
                  </span>
                </li>
              )
            })}
          </ul>
          <LoadMore hasMore={inbox.hasMore} loading={inbox.loadingMore} onClick={inbox.loadMore} />
        </>
      )}
    </div>
  )
}

export function InboxMessagePage() {
  const { id = '' } = useParams()
  const msg = useResource((signal) => api.get<InboxMessage>(`/inbox/${encodeURIComponent(id)}`, undefined, signal), [id])
  if (msg.loading) return <Loading />
  if (msg.error || !msg.data)
    return (
      <div className="page">
        <PageHeader title="Message" actions={<Link to="/inbox">Back to inbox</Link>} />
        <ErrorState error={msg.error ?? new Error('Empty answer')} what="this message" onRetry={msg.reload} />
      </div>
    )
  const m = msg.data
  return (
    <div className="page">
      <PageHeader title={m.subject || '(no subject)'} actions={<Link to="/inbox">Back to inbox</Link>}>
        From {sender(m)} · {formatDate(m.received_at)}
      </PageHeader>
      <Section title="Message">
        <dl className="kv">
          {m.vendor_id ? (
            <>
              <dt>Vendor</dt>
              <dd>
                <Link to={`/vendors/${m.vendor_id}`}>{m.vendor_name ?? 'Open vendor'}</Link>
              </dd>
            </>
          ) : null}
          {m.dispatch_id ? (
            <>
              <dt>In reply to</dt>
              <dd>
                <Link to={`/dispatches/${m.dispatch_id}`}>Open the original dispatch</Link>
              </dd>
            </>
          ) : null}
        </dl>
        {m.text ? (
          // Shown as text: inbound mail is untrusted and never rendered as HTML in the app's origin.
          <pre className="message-body">{m.text}</pre>
        ) : m.html ? (
          <iframe
            className="preview-frame"
            title="Message content"
            sandbox=""
            srcDoc={`<!doctype html><meta charset="utf-8"><meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'"><body style="font-family:system-ui,sans-serif;font-size:14px;margin:12px">${m.html}</body>`}
          />
        ) : (
          <Empty>This message has no text content.</Empty>
        )}
      </Section>
    </div>
  )
}
