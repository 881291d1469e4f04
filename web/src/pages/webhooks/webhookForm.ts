// Pure logic of the webhook form and pages: event types, state → API body, validation.
import type { WebhookDeliveryStatus, WebhookEvent, WebhookInput } from '../../api/schema.gen'
import { checkField, type FieldErrors } from '../../lib/validation'

/** The event types in display order, with what each one reports (docs/architecture.md, "Event webhooks"). */
export const WEBHOOK_EVENTS: { type: WebhookEvent; help: string }[] = [
  { type: 'delivery.sent', help: 'a message was accepted by the recipient’s mail server' },
  { type: 'delivery.failed', help: 'a message failed for good' },
  { type: 'delivery.bounced', help: 'a message bounced, or its recipient complained' },
  { type: 'dispatch.completed', help: 'every recipient of a dispatch reached a final state' },
  { type: 'inbox.received', help: 'a vendor’s reply or a bounce report arrived in the Inbox' },
]

export const WEBHOOK_DELIVERY_STATUSES: { value: WebhookDeliveryStatus; label: string }[] = [
  { value: 'pending', label: 'Pending (waiting for an attempt)' },
  { value: 'sending', label: 'Sending' },
  { value: 'delivered', label: 'Delivered' },
  { value: 'failed', label: 'Failed (given up)' },
]

/** Only a delivery that is over (delivered, or given up as failed) can be sent again. */
const REDELIVERABLE: readonly string[] = ['delivered', 'failed'] satisfies WebhookDeliveryStatus[]

/** Whether POST /webhooks/{id}/deliveries/{delivery_id}/redeliver accepts this delivery (409 otherwise). */
export function canRedeliver(status: string | null | undefined): boolean {
  return status != null && REDELIVERABLE.includes(status)
}

/** The 409 code of a redelivery asked for while the delivery is still pending or sending. */
export const DELIVERY_IN_PROGRESS = 'webhook_delivery_in_progress'

export const MAX_URL_LENGTH = 2000
export const MAX_DESCRIPTION_LENGTH = 200

export interface WebhookDraft {
  url: string
  events: WebhookEvent[]
  description: string
}

export function emptyWebhookDraft(): WebhookDraft {
  return { url: '', events: [], description: '' }
}

/** The events with `type` switched on or off, in display order. */
export function toggleEvent(events: WebhookEvent[], type: WebhookEvent, on: boolean): WebhookEvent[] {
  const chosen = new Set(events)
  if (on) chosen.add(type)
  else chosen.delete(type)
  return inDisplayOrder([...chosen])
}

function inDisplayOrder(events: WebhookEvent[]): WebhookEvent[] {
  return WEBHOOK_EVENTS.map((e) => e.type).filter((t) => events.includes(t))
}

/**
 * Early checks only: the server decides whether a target is allowed (https unless the operator
 * allows http, public addresses only) and answers 422 naming the field.
 */
export function validateWebhook(d: WebhookDraft): FieldErrors {
  const errors: FieldErrors = {}
  const url = d.url.trim()
  const urlError = checkField(d.url, { label: 'URL', required: true, singleLine: true, maxLength: MAX_URL_LENGTH })
  if (urlError) errors.url = urlError
  else if (/\s/.test(url)) errors.url = 'URL must not contain spaces.'
  else if (!isWebUrl(url)) errors.url = 'URL must be a full address starting with https://.'
  if (d.events.length === 0) errors.events = 'Choose at least one event.'
  const descriptionError = checkField(d.description, {
    label: 'Description',
    singleLine: true,
    maxLength: MAX_DESCRIPTION_LENGTH,
  })
  if (descriptionError) errors.description = descriptionError
  return errors
}

function isWebUrl(value: string): boolean {
  try {
    const u = new URL(value)
    return (u.protocol === 'https:' || u.protocol === 'http:') && u.hostname !== ''
  } catch {
    return false
  }
}

export function toWebhookInput(d: WebhookDraft): WebhookInput {
  const input: WebhookInput = { url: d.url.trim(), events: inDisplayOrder(d.events) }
  const description = d.description.trim()
  if (description) input.description = description
  return input
}

