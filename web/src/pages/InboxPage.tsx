import { useEffect, useState, type FormEvent } from 'react'
import { Link, useParams } from 'react-router-dom'
import { api } from '../api/client'
import type { Dispatch, InboxMessage, InboxMessageDetail } from '../api/schema.gen'
import {
  Button,
  CheckboxField,
  Empty,
  ErrorState,
  FormError,
  LoadMore,
  Loading,
  Notice,
  PageHeader,
  Section,
  StatusBadge,
  TextAreaField,
  TextField,
} from '../components/ui'
import { saveBlob } from '../lib/download'
import { notifyInboxChanged } from '../lib/unreadInbox'
import { formatBytes, formatDate } from '../lib/format'
import { useAction, usePaged, useResource } from '../lib/hooks'
import { checkField } from '../lib/validation'

/** "Name <address>", or the address alone. */
export function sender(m: Pick<InboxMessage, 'from'>): string {
  const addr = m.from?.address ?? ''
  const name = m.from?.name?.trim()
  if (name && addr) return `${name} <${addr}>`
  return name || addr || 'Unknown sender'
}

/** "Re: …" unless the subject already says so. */
export function replySubject(subject: string | undefined): string {
  const s = (subject ?? '').trim()
  return /^re:/i.test(s) ? s : `Re: ${s}`.trim()
}

const KIND_LABEL: Record<string, string> = { bounce: 'bounced', complaint: 'complained' }

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
            {inbox.items.map((m) => (
              <li key={m.id} className={m.read ? undefined : 'unread'}>
                <Link to={`/inbox/${m.id}`} className="message-link">
                  <span className="message-from">
                    {m.read ? null : <span className="sr-only">Unread: </span>}
                    {sender(m)}
                  </span>
                  <span className="message-subject">{m.subject || '(no subject)'}</span>
                  {m.vendor_name ? <span className="message-snippet">{m.vendor_name}</span> : null}
                </Link>
                <span className="message-meta">
                  {m.kind !== 'reply' ? <StatusBadge status={KIND_LABEL[m.kind] ?? m.kind} /> : null}
                  <time dateTime={m.received_at}>{formatDate(m.received_at)}</time>
                </span>
              </li>
            ))}
          </ul>
          <LoadMore hasMore={inbox.hasMore} loading={inbox.loadingMore} onClick={inbox.loadMore} />
        </>
      )}
    </div>
  )
}

export function InboxMessagePage() {
  const { id = '' } = useParams()
  const path = `/inbox/${encodeURIComponent(id)}`
  const msg = useResource((signal) => api.get<InboxMessageDetail>(path, undefined, signal), [path])
  const [current, setCurrent] = useState<InboxMessageDetail | null>(null)
  const mark = useAction()
  const download = useAction()

  useEffect(() => setCurrent(msg.data ?? null), [msg.data])
  // Opening a message reads it.
  const openedUnread = msg.data && !msg.data.read ? msg.data.id : null
  useEffect(() => {
    if (!openedUnread) return
    void mark.run(async () => {
      setCurrent(await api.patch<InboxMessageDetail>(path, { read: true }))
      notifyInboxChanged()
    })
  }, [openedUnread, path, mark.run])

  if (msg.loading) return <Loading />
  if (msg.error || !msg.data)
    return (
      <div className="page">
        <PageHeader title="Message" actions={<Link to="/inbox">Back to inbox</Link>} />
        <ErrorState error={msg.error ?? new Error('Empty answer')} what="this message" onRetry={msg.reload} />
      </div>
    )
  const m = current ?? msg.data
  const body = m.text?.trim() ? m.text : m.html_text ?? ''
  const setRead = (read: boolean) =>
    void mark.run(async () => {
      setCurrent(await api.patch<InboxMessageDetail>(path, { read }))
      notifyInboxChanged()
    })
  return (
    <div className="page">
      <PageHeader
        title={m.subject || '(no subject)'}
        actions={
          <div className="btn-row">
            <Button small onClick={() => setRead(!m.read)} busy={mark.pending}>
              {m.read ? 'Mark as unread' : 'Mark as read'}
            </Button>
            <Link to="/inbox">Back to inbox</Link>
          </div>
        }
      >
        From {sender(m)} · {formatDate(m.received_at)} · <span className="muted">{m.read ? 'read' : 'unread'}</span>
      </PageHeader>
      <FormError error={mark.error ?? download.error} />
      <Section title="Message">
        <dl className="kv">
          <dt>Vendor</dt>
          <dd>{m.vendor_id ? <Link to={`/vendors/${m.vendor_id}`}>{m.vendor_name ?? 'Open vendor'}</Link> : 'Not matched to a vendor'}</dd>
          {m.dispatch_id ? (
            <>
              <dt>In reply to</dt>
              <dd>
                <Link to={`/dispatches/${m.dispatch_id}`}>Open the original dispatch</Link>
              </dd>
            </>
          ) : null}
          {m.kind !== 'reply' ? (
            <>
              <dt>Kind</dt>
              <dd>
                <StatusBadge status={KIND_LABEL[m.kind] ?? m.kind} />
                {m.bounce_status ? ` status ${m.bounce_status}` : ''}
                {m.diagnostic ? ` · ${m.diagnostic}` : ''}
              </dd>
            </>
          ) : null}
        </dl>
        {m.parse_error ? <Notice kind="warning">Part of this message could not be read: {m.parse_error}</Notice> : null}
        {body ? (
          // Shown as text: inbound mail is untrusted and never rendered as HTML in the app's origin.
          <pre className="message-body" aria-label="Message text">
            {body}
          </pre>
        ) : (
          <Empty>This message has no text content.</Empty>
        )}
        {m.has_html ? <p className="small muted">The HTML part is shown as plain text: no markup, scripts or remote images.</p> : null}
        {m.attachments?.length ? (
          <ul className="plain-list" aria-label="Attachments">
            {m.attachments.map((a) => (
              <li key={a.id}>
                {a.filename || '(unnamed)'} <span className="muted small">{a.content_type} · {formatBytes(a.size_bytes)}</span>{' '}
                <Button
                  small
                  variant="ghost"
                  aria-label={`Download ${a.filename || 'attachment'}`}
                  onClick={() =>
                    void download.run(async () => {
                      const { blob, filename } = await api.download(`${path}/attachments/${encodeURIComponent(a.id)}`)
                      saveBlob(blob, filename ?? a.filename ?? 'attachment')
                    })
                  }
                >
                  Download
                </Button>
              </li>
            ))}
          </ul>
        ) : null}
      </Section>
      {m.kind === 'reply' ? <ReplyForm message={m} /> : null}
    </div>
  )
}

function ReplyForm({ message }: { message: InboxMessageDetail }) {
  const [subject, setSubject] = useState(() => replySubject(message.subject))
  const [body, setBody] = useState('')
  const [errors, setErrors] = useState<{ subject?: string | null; body?: string | null }>({})
  const [sent, setSent] = useState<Dispatch | null>(null)
  const send = useAction()
  const onSubmit = async (e: FormEvent) => {
    e.preventDefault()
    const v = {
      subject: checkField(subject, { label: 'Subject', required: true, singleLine: true, maxLength: 900 }),
      body: checkField(body, { label: 'Reply', required: true, maxLength: 100_000 }),
    }
    setErrors(v)
    if (v.subject || v.body) return
    const d = await send.run(() =>
      api.post<Dispatch>(`/inbox/${encodeURIComponent(message.id)}/reply`, { subject: subject.trim(), body_markdown: body }),
    )
    if (d) {
      setSent(d)
      setBody('')
    }
  }
  return (
    <Section title="Reply">
      <form className="form" onSubmit={(e) => void onSubmit(e)} noValidate>
        <FormError error={send.error} shownFields={['subject', 'body_markdown']} />
        {sent ? (
          <Notice kind="success">
            Reply sent to {message.from.address}. <Link to={`/dispatches/${sent.id}`}>Follow its delivery</Link>.
          </Notice>
        ) : null}
        <TextField label="Subject" name="subject" required value={subject} onChange={(e) => setSubject(e.target.value)} error={errors.subject} />
        <TextAreaField
          label="Reply (Markdown)"
          name="body_markdown"
          required
          rows={6}
          value={body}
          onChange={(e) => setBody(e.target.value)}
          error={errors.body}
          hint={`Goes to ${message.from.address}, threaded to the message you answer.`}
        />
        <Button type="submit" variant="primary" busy={send.pending}>
          Send reply
        </Button>
      </form>
    </Section>
  )
}
