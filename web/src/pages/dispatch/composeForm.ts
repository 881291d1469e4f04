// Pure logic of the dispatch compose form.
import type { DispatchRequest as DispatchInput } from '../../api/schema.gen'
import { formatBytes } from '../../lib/format'
import { checkField, type FieldErrors } from '../../lib/validation'

/** An uploaded file: shared by every message, or meant for the vendor with `vendorCode`. */
export interface DraftAttachment {
  id: string
  filename: string
  size: number
  vendorCode: string
}

export interface ComposeDraft {
  subject: string
  body: string
  listIds: string[]
  vendorIds: string[]
  contactRole: string
  replyTo?: string
  senderIdentityId?: string
  /** A datetime-local value (the browser's time zone); empty: send now. */
  sendAt?: string
  attachments?: DraftAttachment[]
  recipientAttachments?: DraftAttachment[]
}

/** The vendor code the server reads from a per-recipient file's name: up to the first "_", "." or space. */
export function vendorCodeFromFilename(filename: string): string {
  return /^[^_. ]+/.exec(filename)?.[0] ?? ''
}

export function validateCompose(d: ComposeDraft, now: number = Date.now()): FieldErrors {
  const errors: FieldErrors = {}
  const subject = checkField(d.subject, { label: 'Subject', required: true, singleLine: true, maxLength: 255 })
  if (subject) errors.subject = subject
  const body = checkField(d.body, { label: 'Message', required: true, maxLength: 500_000 })
  if (body) errors.body_markdown = body
  if (d.listIds.length === 0 && d.vendorIds.length === 0) errors.recipients = 'Choose at least one list or vendor.'
  const role = checkField(d.contactRole, { label: 'Contact role', singleLine: true, maxLength: 100 })
  if (role) errors['recipients.contact_role'] = role
  const replyTo = checkField(d.replyTo ?? '', { label: 'Reply-to', email: true, singleLine: true, maxLength: 254 })
  if (replyTo) errors.reply_to = replyTo
  if (d.sendAt && Number.isNaN(new Date(d.sendAt).getTime())) errors.send_at = 'Send at is not a valid date and time.'
  else if (d.sendAt && new Date(d.sendAt).getTime() < now - 60_000)
    errors.send_at = 'Send at is in the past. Choose a later time, or leave it empty to send now.'
  const codeless = (d.recipientAttachments ?? []).find((a) => !a.vendorCode.trim())
  if (codeless) errors.recipient_attachments = `Give the vendor code for ${codeless.filename}.`
  return errors
}

export function toDispatchInput(d: ComposeDraft): DispatchInput {
  const input: DispatchInput = {
    subject: d.subject.trim(),
    body_markdown: d.body,
    recipients: {
      list_ids: [...d.listIds],
      vendor_ids: [...d.vendorIds],
      contact_role: d.contactRole.trim() || null,
    },
  }
  if (d.replyTo?.trim()) input.reply_to = d.replyTo.trim()
  if (d.senderIdentityId) input.sender_identity_id = d.senderIdentityId
  if (d.sendAt) input.send_at = new Date(d.sendAt).toISOString()
  if (d.attachments?.length) input.attachment_ids = d.attachments.map((a) => a.id)
  if (d.recipientAttachments?.length)
    input.recipient_attachments = d.recipientAttachments.map((a) => ({ attachment_id: a.id, vendor_code: a.vendorCode.trim() }))
  return input
}

/** Merge fields the server knows (an unknown one is refused); custom fields use vendor.custom.<key>. */
export const MERGE_FIELDS = [
  '{{vendor.name}}',
  '{{vendor.code}}',
  '{{contact.name}}',
  '{{contact.email}}',
  '{{tenant.name}}',
] as const

/** Inserts `text` at the textarea selection; returns the new value and caret position. */
export function insertAt(value: string, start: number, end: number, text: string): { value: string; caret: number } {
  const s = Math.max(0, Math.min(start, value.length))
  const e = Math.max(s, Math.min(end, value.length))
  return { value: value.slice(0, s) + text + value.slice(e), caret: s + text.length }
}

/** Who a contact role reaches; the same rule the API documents and applies. */
export const CONTACT_ROLE_HELP =
  'Empty: each vendor’s primary contact (or, without one, its earliest active contact). ' +
  '“all”: every active contact. A role (e.g. billing): the contacts with that role.'

/** Where replies go when a reply-to address is set. */
export const REPLY_TO_HELP =
  'Replies reach both the Inbox and this address: the message carries the workspace reply address beside it.'

/** `{{vendor.custom.<key>}}` chips for the custom field keys found on the given vendors, sorted. */
export function customMergeFields(vendors: { custom_fields?: Record<string, string> }[]): string[] {
  const keys = new Set<string>()
  for (const v of vendors) {
    for (const k of Object.keys(v.custom_fields ?? {})) if (/^[A-Za-z0-9_-]+$/.test(k)) keys.add(k)
  }
  return [...keys].sort().map((k) => `{{vendor.custom.${k}}}`)
}

/** The refusal for the first file over `maxBytes` (the plan's limit), or null when all fit. */
export function oversizedFile(files: { name: string; size: number }[], maxBytes: number | null | undefined): string | null {
  if (typeof maxBytes !== 'number' || maxBytes <= 0) return null
  const big = files.find((f) => f.size > maxBytes)
  if (!big) return null
  return `${big.name} is ${formatBytes(big.size)}; attachments may be at most ${formatBytes(maxBytes)}.`
}
