// Webhooks of a workspace (tenant admins): the endpoints, registering one (its signing secret shown
// once, with how to verify a request) and deleting one. An endpoint's deliveries and rotating its
// secret: WebhookDetailPage.
import { useEffect, useId, useState, type FormEvent } from 'react'
import { Link, useLocation, useNavigate } from 'react-router-dom'
import { api, ApiError, errorMessage } from '../../api/client'
import type { Webhook, WebhookCreated, WebhookEvent } from '../../api/schema.gen'
import { ConfirmButton } from '../../components/ConfirmButton'
import { Button, CheckboxField, FormError, Notice, PagedTable, PageHeader, Section, TextField } from '../../components/ui'
import { formatDate } from '../../lib/format'
import { useAction, usePaged } from '../../lib/hooks'
import { hasErrors, type FieldErrors } from '../../lib/validation'
import {
  emptyWebhookDraft,
  MAX_DESCRIPTION_LENGTH,
  toggleEvent,
  toWebhookInput,
  validateWebhook,
  WEBHOOK_EVENTS,
  type WebhookDraft,
} from './webhookForm'
import { NewSecret } from './WebhookSecret'

export const WEBHOOKS_PATH = '/settings/webhooks'

export function webhookPath(id: string): string {
  return `${WEBHOOKS_PATH}/${encodeURIComponent(id)}`
}

export function WebhooksPage() {
  const location = useLocation()
  const navigate = useNavigate()
  // The detail page comes back here after deleting its endpoint; say so once (not again on a reload).
  const deletedOnDetail = (location.state as { deleted?: string } | null)?.deleted
  useEffect(() => {
    if (deletedOnDetail) navigate(location.pathname, { replace: true, state: null })
  }, [deletedOnDetail, location.pathname, navigate])
  const list = usePaged<Webhook>((cursor, signal) => api.list<Webhook>('/webhooks', { limit: 50, cursor }, signal), [])
  const [secret, setSecret] = useState<{ url: string; value: string } | null>(null)
  const [deleted, setDeleted] = useState<string | null>(deletedOnDetail ?? null)
  const remove = useAction()

  const onDelete = (w: Webhook) =>
    void remove.run(async () => {
      setDeleted(null)
      await api.del(`/webhooks/${encodeURIComponent(w.id)}`)
      list.setItems((items) => items.filter((x) => x.id !== w.id))
      setDeleted(w.url)
    })

  return (
    <div className="page">
      <PageHeader title="Webhooks" actions={<Link to="/settings">Settings</Link>}>
        Your systems get a signed HTTPS request when something happens in this workspace: a message sent, failed or
        bounced, a dispatch completed, a reply received.
      </PageHeader>
      <Section title="Endpoints">
        {remove.error ? <Notice kind="error">Could not delete: {errorMessage(remove.error)}</Notice> : null}
        {deleted ? <Notice kind="success">Webhook to {deleted} deleted.</Notice> : null}
        <PagedTable
          list={list}
          what="webhooks"
          empty="No webhooks yet. Add an endpoint below."
          caption="Webhook endpoints"
          rowKey={(w) => w.id}
          columns={[
            {
              header: 'URL',
              className: 'col-url',
              cell: (w) => (
                <Link className="break-all" to={webhookPath(w.id)}>
                  {w.url}
                </Link>
              ),
            },
            { header: 'Events', cell: (w) => <EventList events={w.events} /> },
            { header: 'Description', cell: (w) => w.description || '—' },
            { header: 'Last success', cell: (w) => formatDate(w.last_success_at) },
            { header: 'Last failure', cell: (w) => formatDate(w.last_failure_at) },
            { header: 'Last error', cell: (w) => (w.last_error ? <span className="small">{w.last_error}</span> : '—') },
            {
              header: 'Actions',
              cell: (w) => (
                <div className="row-actions">
                  <Link className="btn btn-secondary btn-sm" to={webhookPath(w.id)} aria-label={`Deliveries of ${w.url}`}>
                    Deliveries
                  </Link>
                  <ConfirmButton
                    small
                    variant="danger"
                    label="Delete"
                    ariaLabel={`Delete webhook ${w.url}`}
                    question="Delete this webhook? Events not yet delivered are dropped."
                    confirmLabel="Delete webhook"
                    onConfirm={() => onDelete(w)}
                    disabled={remove.pending}
                  />
                </div>
              ),
            },
          ]}
        />
        {secret ? (
          <NewSecret
            key={secret.value}
            title={`Webhook to ${secret.url} created. Copy its signing secret now: it will not be shown again.`}
            secret={secret.value}
            onDone={() => setSecret(null)}
          />
        ) : null}
        <NewWebhookForm
          onCreated={(w) => {
            const { secret: value, ...row } = w
            setDeleted(null)
            setSecret({ url: w.url, value: value ?? '' })
            list.setItems((items) => [row, ...items.filter((x) => x.id !== row.id)])
          }}
        />
      </Section>
    </div>
  )
}

export function EventList({ events }: { events: readonly string[] | undefined }) {
  if (!events?.length) return <>—</>
  return (
    <ul className="plain-list">
      {events.map((e) => (
        <li key={e}>
          <code>{e}</code>
        </li>
      ))}
    </ul>
  )
}

function NewWebhookForm({ onCreated }: { onCreated: (w: WebhookCreated) => void }) {
  const [draft, setDraft] = useState<WebhookDraft>(emptyWebhookDraft)
  const [errors, setErrors] = useState<FieldErrors>({})
  const create = useAction()
  const eventsErrorId = useId()
  const serverErrors: FieldErrors = {}
  if (create.error instanceof ApiError) for (const f of create.error.fieldErrors) serverErrors[f.field] ??= f.message

  const onSubmit = async (e: FormEvent) => {
    e.preventDefault()
    const v = validateWebhook(draft)
    setErrors(v)
    create.clearError()
    if (hasErrors(v)) return
    const w = await create.run(() => api.post<WebhookCreated>('/webhooks', toWebhookInput(draft)))
    if (w) {
      setDraft(emptyWebhookDraft())
      onCreated(w)
    }
  }
  const setEvent = (type: WebhookEvent, on: boolean) => setDraft((d) => ({ ...d, events: toggleEvent(d.events, type, on) }))
  const eventsError = errors.events ?? serverErrors.events

  return (
    <form className="form inline-form" onSubmit={(e) => void onSubmit(e)} noValidate aria-label="Add webhook">
      <h3 className="h-small">Add an endpoint</h3>
      <FormError error={create.error} shownFields={['url', 'events', 'description']} />
      <TextField
        label="URL"
        name="url"
        type="url"
        required
        autoComplete="off"
        placeholder="https://erp.example.com/dispatchhub/events"
        value={draft.url}
        onChange={(e) => setDraft((d) => ({ ...d, url: e.target.value }))}
        error={errors.url ?? serverErrors.url}
        hint="An https address of your system. It must resolve to public addresses; redirects are not followed."
      />
      <TextField
        label="Description"
        name="description"
        maxLength={MAX_DESCRIPTION_LENGTH}
        value={draft.description}
        onChange={(e) => setDraft((d) => ({ ...d, description: e.target.value }))}
        error={errors.description ?? serverErrors.description}
        hint="Optional, e.g. ERP production"
      />
      <fieldset
        className={`subform${eventsError ? ' field-invalid' : ''}`}
        aria-describedby={eventsError ? eventsErrorId : undefined}
      >
        <legend>
          Events{' '}
          <span className="req" aria-hidden="true">
            *
          </span>
        </legend>
        {WEBHOOK_EVENTS.map((ev) => (
          <CheckboxField
            key={ev.type}
            name="events"
            value={ev.type}
            checked={draft.events.includes(ev.type)}
            onChange={(e) => setEvent(ev.type, e.target.checked)}
            label={
              <>
                <code>{ev.type}</code> <span className="muted">— {ev.help}</span>
              </>
            }
          />
        ))}
        {eventsError ? (
          <p className="field-error" id={eventsErrorId}>
            {eventsError}
          </p>
        ) : null}
      </fieldset>
      <Button type="submit" variant="primary" busy={create.pending}>
        Add webhook
      </Button>
    </form>
  )
}
