import { useEffect, useState } from 'react'
import { Link, useParams } from 'react-router-dom'
import { api, errorMessage, isAbort } from '../../api/client'
import type { Delivery, Dispatch, DispatchDetail } from '../../api/schema.gen'
import { useAuth } from '../../auth/AuthContext'
import { ConfirmButton } from '../../components/ConfirmButton'
import { MessageFrame } from '../../components/MessageFrame'
import {
  Button,
  DataTable,
  Empty,
  ErrorState,
  LoadMore,
  Loading,
  Notice,
  PageHeader,
  ProgressBar,
  Section,
  SelectField,
  StatusBadge,
} from '../../components/ui'
import { formatBytes, formatDate, formatNumber } from '../../lib/format'
import { readableTemplate } from '../../lib/mergeFields'
import { useAction, usePaged } from '../../lib/hooks'
import { plural } from './confirmSend'
import { deliveryReason, DELIVERY_STATES, doneCount, isActiveDispatch, progressText } from './progress'

export const POLL_INTERVAL_MS = 1500

type Control = 'pause' | 'resume' | 'cancel' | 'retry-failed' | 'approve'

export function DispatchDetailPage() {
  const { id = '' } = useParams()
  const [dispatch, setDispatch] = useState<DispatchDetail | null>(null)
  const [loadError, setLoadError] = useState<unknown>(null)
  const [pollError, setPollError] = useState<unknown>(null)
  const [loading, setLoading] = useState(true)
  const [refreshTick, setRefreshTick] = useState(0)
  const [stateFilter, setStateFilter] = useState('')
  const control = useAction()
  const { me } = useAuth()
  const isAdmin = me?.user.role === 'tenant_admin'
  const path = `/dispatches/${encodeURIComponent(id)}`

  // Load, then poll every 1.5 s while the dispatch is queued or sending.
  useEffect(() => {
    const ctrl = new AbortController()
    let timer: ReturnType<typeof setTimeout> | undefined
    const load = async (first: boolean) => {
      try {
        const d = await api.get<DispatchDetail>(path, undefined, ctrl.signal)
        if (ctrl.signal.aborted) return
        setDispatch(d)
        setLoadError(null)
        setPollError(null)
        setLoading(false)
        if (isActiveDispatch(d)) timer = setTimeout(() => void load(false), POLL_INTERVAL_MS)
      } catch (e) {
        if (ctrl.signal.aborted || isAbort(e)) return
        setLoading(false)
        if (first) setLoadError(e)
        else {
          // Keep showing the last state; try again a little later.
          setPollError(e)
          timer = setTimeout(() => void load(false), POLL_INTERVAL_MS * 2)
        }
      }
    }
    setLoading(true)
    void load(true)
    return () => {
      ctrl.abort()
      if (timer) clearTimeout(timer)
    }
  }, [path, refreshTick])

  const status = dispatch?.status
  const done = doneCount(dispatch?.counts)
  // Refresh the first page of deliveries as progress moves.
  const deliveries = usePaged<Delivery>(
    (cursor, signal) => api.list<Delivery>(`${path}/deliveries`, { status: stateFilter, limit: 50, cursor }, signal),
    [path, stateFilter, status, Math.floor(done / 25)],
  )

  const act = (what: Control) =>
    void control.run(async () => {
      // The answer is the dispatch without its page's extras (files, message): keep those.
      const updated = await api.post<Dispatch>(`${path}/${what}`, {})
      setDispatch((cur) => (cur ? { ...cur, ...updated } : cur))
      setRefreshTick((t) => t + 1)
    })

  if (loading && !dispatch) return <Loading />
  if (loadError || !dispatch)
    return (
      <div className="page">
        <PageHeader title="Dispatch" actions={<Link to="/dispatches">All dispatches</Link>} />
        <ErrorState error={loadError ?? new Error('Empty answer')} what="this dispatch" onRetry={() => setRefreshTick((t) => t + 1)} />
      </div>
    )

  const d = dispatch
  const counts = d.counts ?? {}
  const total = d.recipients_total ?? 0
  const active = isActiveDispatch(d)
  const canPause = d.status === 'queued' || d.status === 'sending' || d.status === 'scheduled'
  const canResume = d.status === 'paused'
  const canCancel = ['scheduled', 'pending_approval', 'queued', 'sending', 'paused'].includes(d.status)
  const canRetry = (counts.failed ?? 0) > 0 && !active

  return (
    <div className="page">
      <PageHeader title={readableTemplate(d.subject) || '(no subject)'} actions={<Link to="/dispatches">All dispatches</Link>}>
        <StatusBadge status={d.status} /> <span className="muted">Created {formatDate(d.created_at)}</span>
        {d.send_at ? <span className="muted"> · scheduled for {formatDate(d.send_at)}</span> : null}
      </PageHeader>
      {d.relay_problem ? (
        <Notice kind="warning">
          <strong>The mail relay is refusing or unreachable:</strong> {d.relay_problem}. Messages wait and are retried
          automatically; nothing is lost.
        </Notice>
      ) : null}
      {d.status === 'pending_approval' ? (
        <section className="notice notice-info approval-box" aria-label="Approval">
          <div>
            <p>
              This dispatch goes to {plural(total, 'recipient', 'recipients')}, above the workspace’s approval threshold. Nothing is
              sent until a tenant admin other than its author approves it.
            </p>
            {control.error ? <p className="field-error">{errorMessage(control.error)}</p> : null}
          </div>
          {isAdmin ? (
            <Button variant="primary" onClick={() => act('approve')} busy={control.pending}>
              Approve and send
            </Button>
          ) : (
            <p className="muted small">Ask a tenant admin to approve it.</p>
          )}
        </section>
      ) : null}

      <Section
        title="Progress"
        actions={
          <div className="btn-row">
            {canPause ? (
              <Button onClick={() => act('pause')} busy={control.pending}>
                Pause
              </Button>
            ) : null}
            {canResume ? (
              <Button variant="primary" onClick={() => act('resume')} busy={control.pending}>
                Resume
              </Button>
            ) : null}
            {canRetry ? (
              <Button onClick={() => act('retry-failed')} busy={control.pending}>
                Retry failed
              </Button>
            ) : null}
            {canCancel ? (
              <ConfirmButton
                variant="danger"
                label="Cancel dispatch"
                question="Cancel all unsent messages?"
                confirmLabel="Yes, cancel"
                onConfirm={() => act('cancel')}
                busy={control.pending}
              />
            ) : null}
          </div>
        }
      >
        {control.error && d.status !== 'pending_approval' ? <Notice kind="error">{errorMessage(control.error)}</Notice> : null}
        <div className="big-progress">
          <ProgressBar value={done} max={total} label="Dispatch progress" />
          <p className="muted" aria-live="polite">
            {progressText(d, total)}
            {active ? ' · updating live' : ''}
          </p>
        </div>
        {pollError ? <Notice kind="warning">Live updates interrupted: {errorMessage(pollError)}. Retrying…</Notice> : null}
        <ul className="state-counts" aria-label="Recipients by state">
          {DELIVERY_STATES.map((s) => (
            <li key={s.key} className={`state state-${s.key}`} title={s.help}>
              <span className="state-count">{formatNumber(counts[s.key] ?? 0)}</span>
              <span className="state-label">{s.label}</span>
            </li>
          ))}
        </ul>
      </Section>

      <MessageSection dispatch={d} />

      <Section
        title="Deliveries"
        actions={
          <SelectField
            label="Show"
            value={stateFilter}
            onChange={(e) => setStateFilter(e.target.value)}
            options={[{ value: '', label: 'All states' }, ...DELIVERY_STATES.map((s) => ({ value: s.key, label: s.label }))]}
            fieldClassName="field-inline"
          />
        }
      >
        {deliveries.loading && deliveries.items.length === 0 ? (
          <Loading />
        ) : deliveries.error && !deliveries.items.length ? (
          <ErrorState error={deliveries.error} what="deliveries" onRetry={deliveries.reload} />
        ) : deliveries.items.length === 0 ? (
          <Empty>No deliveries{stateFilter ? ' in this state' : ''}.</Empty>
        ) : (
          <>
            <DataTable
              caption="Deliveries"
              stacked
              rows={deliveries.items}
              rowKey={(x) => x.id}
              columns={[
                { header: 'Recipient', cell: (x) => (x.contact_name ? `${x.contact_name} <${x.email}>` : x.email) },
                { header: 'Vendor', cell: (x) => (x.vendor_id ? <Link to={`/vendors/${x.vendor_id}`}>{x.vendor_name ?? 'Vendor'}</Link> : x.vendor_name ?? '—') },
                { header: 'State', cell: (x) => <StatusBadge status={x.status} /> },
                { header: 'Attempts', className: 'num', cell: (x) => x.attempts ?? '—' },
                { header: 'Details', cell: (x) => deliveryReason(x.status, x.reason ?? x.last_error) || '—' },
                { header: 'Updated', cell: (x) => formatDate(x.updated_at ?? x.sent_at) },
              ]}
            />
            <LoadMore hasMore={deliveries.hasMore} loading={deliveries.loadingMore} onClick={deliveries.loadMore} />
          </>
        )}
      </Section>
    </div>
  )
}

/** Where replies go: the Inbox always, and the dispatch's own reply-to address beside it. */
export function replyToLines(replyTo: string | null | undefined): string[] {
  const inbox = 'the Inbox (each message carries its own reply address, so replies are threaded here)'
  return replyTo ? [inbox, replyTo] : [inbox]
}

/** Per-recipient files by name: how many vendors get a file of that name. */
export function perRecipientFiles(files: Dispatch['recipient_attachments']): { filename: string; count: number }[] {
  const byName = new Map<string, number>()
  for (const f of files ?? []) {
    const name = f.filename ?? f.attachment_id
    byName.set(name, (byName.get(name) ?? 0) + 1)
  }
  return [...byName.entries()].map(([filename, count]) => ({ filename, count }))
}

/** The message as sent: sender, reply addresses, subject and body with merge fields shown by name, files. */
function MessageSection({ dispatch: d }: { dispatch: DispatchDetail }) {
  const shared = d.attachments ?? []
  const own = perRecipientFiles(d.recipient_attachments)
  const ownTotal = d.recipient_attachments?.length ?? 0
  const from = d.from ? (d.from.name ? `${d.from.name} <${d.from.email}>` : d.from.email) : '—'
  return (
    <Section title="Message">
      <dl className="message-facts">
        <div>
          <dt>From</dt>
          <dd>{from}</dd>
        </div>
        <div>
          <dt>Reply-To</dt>
          <dd>
            <ul className="plain-list" aria-label="Reply-To">
              {replyToLines(d.reply_to).map((line) => (
                <li key={line}>{line}</li>
              ))}
            </ul>
          </dd>
        </div>
        <div>
          <dt>Subject</dt>
          <dd>{d.message?.subject ?? readableTemplate(d.subject)}</dd>
        </div>
      </dl>
      <p className="muted small">Merge fields are shown by name, e.g. ‹vendor.name›; each recipient got their own values.</p>
      {d.message ? (
        <MessageFrame html={d.message.html} text={d.message.text} title="Message body" />
      ) : (
        <Empty>The message body is not available.</Empty>
      )}
      <h3 className="h-small">Attachments</h3>
      {shared.length === 0 && ownTotal === 0 ? <p className="muted">No attachments.</p> : null}
      {shared.length ? (
        <DataTable
          caption="Attachments of every message"
          rows={shared}
          rowKey={(a) => a.id}
          columns={[
            { header: 'File', cell: (a) => a.filename },
            { header: 'Type', cell: (a) => a.content_type },
            { header: 'Size', className: 'num', cell: (a) => formatBytes(a.size_bytes) },
          ]}
        />
      ) : null}
      {ownTotal ? (
        <>
          <p>
            Per-recipient files: {plural(ownTotal, 'file', 'files')}, each only to its vendor.
          </p>
          <DataTable
            caption="Per-recipient attachments"
            rows={own}
            rowKey={(f) => f.filename}
            columns={[
              { header: 'File', cell: (f) => f.filename },
              { header: 'Vendors', className: 'num', cell: (f) => formatNumber(f.count) },
            ]}
          />
        </>
      ) : null}
    </Section>
  )
}
