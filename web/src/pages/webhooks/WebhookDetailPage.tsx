// One webhook endpoint (tenant admins): how its latest sends went, rotating its signing secret (the
// new one shown once), its deliveries by status with redelivery of finished ones, delete.
import { useState } from 'react'
import { Link, useNavigate, useParams } from 'react-router-dom'
import { api, ApiError, errorMessage } from '../../api/client'
import type { Webhook, WebhookCreated, WebhookDelivery } from '../../api/schema.gen'
import { ConfirmButton } from '../../components/ConfirmButton'
import {
  Button,
  DataTable,
  Empty,
  ErrorState,
  FormError,
  LoadMore,
  Loading,
  Notice,
  PageHeader,
  Section,
  SelectField,
  StatusBadge,
} from '../../components/ui'
import { formatDate } from '../../lib/format'
import { useAction, usePaged, useResource } from '../../lib/hooks'
import { canRedeliver, DELIVERY_IN_PROGRESS, WEBHOOK_DELIVERY_STATUSES } from './webhookForm'
import { NewSecret } from './WebhookSecret'
import { EventList, WEBHOOKS_PATH } from './WebhooksPage'

export function WebhookDetailPage() {
  const { id = '' } = useParams()
  const navigate = useNavigate()
  const path = `/webhooks/${encodeURIComponent(id)}`
  const webhook = useResource((signal) => api.get<Webhook>(path, undefined, signal), [path])
  const remove = useAction()
  const rotate = useAction()
  const [secret, setSecret] = useState<string | null>(null)
  const back = <Link to={WEBHOOKS_PATH}>All webhooks</Link>

  if (webhook.loading && !webhook.data) return <Loading />
  if (webhook.error || !webhook.data)
    return (
      <div className="page">
        <PageHeader title="Webhook" actions={back} />
        {webhook.error instanceof ApiError && webhook.error.code === 'not_found' ? (
          <Notice kind="info">
            <p className="notice-title">This webhook does not exist, or it was deleted.</p>
            <p className="notice-detail">{errorMessage(webhook.error)}</p>
          </Notice>
        ) : (
          <ErrorState error={webhook.error ?? new Error('Empty answer')} what="this webhook" onRetry={webhook.reload} />
        )}
      </div>
    )

  const w = webhook.data
  const onDelete = () =>
    void remove.run(async () => {
      await api.del(path)
      navigate(WEBHOOKS_PATH, { state: { deleted: w.url } })
    })
  // The answer is the endpoint as GET returns it, plus the new secret: show that once, keep the rest.
  const onRotate = () =>
    void rotate.run(async () => {
      setSecret(null)
      const { secret: value, ...endpoint } = await api.post<WebhookCreated>(`${path}/rotate-secret`, {})
      webhook.setData(endpoint)
      setSecret(value ?? '')
    })
  return (
    <div className="page">
      <PageHeader
        title="Webhook"
        actions={
          <>
            {back}
            <ConfirmButton
              label="Rotate secret"
              question="Rotate the signing secret? The current secret stops working at once."
              confirmLabel="Yes, rotate"
              onConfirm={onRotate}
              busy={rotate.pending}
            />
            <ConfirmButton
              variant="danger"
              label="Delete webhook"
              question="Delete this webhook? Events not yet delivered are dropped."
              confirmLabel="Yes, delete"
              onConfirm={onDelete}
              busy={remove.pending}
            />
          </>
        }
      >
        <code className="break-all">{w.url}</code>
      </PageHeader>
      <FormError error={remove.error} />
      {rotate.error ? <Notice kind="error">Could not rotate the secret: {errorMessage(rotate.error)}</Notice> : null}
      {secret !== null ? (
        <NewSecret
          key={secret}
          title={`New signing secret for ${w.url}. The previous one no longer works: copy this one now, it will not be shown again.`}
          secret={secret}
          onDone={() => setSecret(null)}
        />
      ) : null}
      <Section title="Endpoint">
        <dl className="kv">
          <dt>URL</dt>
          <dd className="break-all">{w.url}</dd>
          <dt>Events</dt>
          <dd>
            <EventList events={w.events} />
          </dd>
          <dt>Description</dt>
          <dd>{w.description || '—'}</dd>
          <dt>Created</dt>
          <dd>
            {formatDate(w.created_at)}
            {w.created_by ? <span className="muted"> by {w.created_by}</span> : null}
          </dd>
          <dt>Last success</dt>
          <dd>{formatDate(w.last_success_at)}</dd>
          <dt>Last failure</dt>
          <dd>{formatDate(w.last_failure_at)}</dd>
          <dt>Last error</dt>
          <dd>{w.last_error || '—'}</dd>
        </dl>
      </Section>
      <DeliveriesSection path={path} />
    </div>
  )
}

function DeliveriesSection({ path }: { path: string }) {
  const [status, setStatus] = useState('')
  const deliveries = usePaged<WebhookDelivery>(
    (cursor, signal) => api.list<WebhookDelivery>(`${path}/deliveries`, { status, limit: 50, cursor }, signal),
    [path, status],
  )
  const label = WEBHOOK_DELIVERY_STATUSES.find((s) => s.value === status)?.value
  const redeliver = useAction()
  const [redelivered, setRedelivered] = useState<string | null>(null)
  // The answer is the delivery starting over (pending, no attempts yet): it takes the row's place.
  const onRedeliver = (d: WebhookDelivery) =>
    void redeliver.run(async () => {
      setRedelivered(null)
      try {
        const again = await api.post<WebhookDelivery>(`${path}/deliveries/${encodeURIComponent(d.id)}/redeliver`, {})
        deliveries.setItems((items) => items.map((x) => (x.id === d.id ? { ...x, ...again } : x)))
        setRedelivered(d.event_id)
      } catch (e) {
        // Already pending or sending again: the list is out of date, show where the delivery stands.
        if (e instanceof ApiError && e.code === DELIVERY_IN_PROGRESS) deliveries.reload()
        throw e
      }
    })
  return (
    <Section
      title="Deliveries"
      actions={
        <div className="btn-row">
          <SelectField
            label="Status"
            value={status}
            onChange={(e) => {
              setStatus(e.target.value)
              setRedelivered(null)
              redeliver.clearError()
            }}
            options={[{ value: '', label: 'All statuses' }, ...WEBHOOK_DELIVERY_STATUSES]}
            fieldClassName="field-inline"
          />
          <Button small onClick={deliveries.reload} busy={deliveries.loading}>
            Refresh
          </Button>
        </div>
      }
    >
      <p className="muted">
        Every event sent to this endpoint, newest first. Anything but a 2xx answer is retried with growing delays until
        the delivery is given up as failed. A delivered or failed one can be sent again.
      </p>
      {redeliver.error ? <Notice kind="error">Could not redeliver: {errorMessage(redeliver.error)}</Notice> : null}
      {redelivered ? <Notice kind="success">Event {redelivered} will be delivered again.</Notice> : null}
      {deliveries.loading && deliveries.items.length === 0 ? (
        <Loading label="Loading deliveries…" />
      ) : deliveries.error && !deliveries.items.length ? (
        <ErrorState error={deliveries.error} what="deliveries" onRetry={deliveries.reload} />
      ) : deliveries.items.length === 0 ? (
        <Empty>
          {label
            ? `No ${label} deliveries.`
            : 'No deliveries yet: they appear here once an event this endpoint subscribes to happens.'}
        </Empty>
      ) : (
        <>
          <DataTable
            caption="Webhook deliveries"
            rows={deliveries.items}
            rowKey={(d) => d.id}
            columns={[
              {
                header: 'Event',
                cell: (d) => (
                  <>
                    <code>{d.event_type}</code>
                    <br />
                    <span className="muted small mono">{d.event_id}</span>
                  </>
                ),
              },
              { header: 'Status', cell: (d) => <StatusBadge status={d.status} /> },
              { header: 'Attempts', className: 'num', cell: (d) => d.attempts ?? '—' },
              { header: 'HTTP status', className: 'num', cell: (d) => d.response_status ?? '—' },
              { header: 'Last error', cell: (d) => (d.last_error ? <span className="small">{d.last_error}</span> : '—') },
              { header: 'Next attempt', cell: (d) => formatDate(d.next_attempt_at) },
              { header: 'Delivered', cell: (d) => formatDate(d.delivered_at) },
              { header: 'Created', cell: (d) => formatDate(d.created_at) },
              {
                header: 'Actions',
                cell: (d) =>
                  canRedeliver(d.status) ? (
                    <Button
                      small
                      onClick={() => onRedeliver(d)}
                      disabled={redeliver.pending}
                      aria-label={`Redeliver event ${d.event_id}`}
                    >
                      Redeliver
                    </Button>
                  ) : null,
              },
            ]}
          />
          <LoadMore hasMore={deliveries.hasMore} loading={deliveries.loadingMore} onClick={deliveries.loadMore} />
        </>
      )}
    </Section>
  )
}
