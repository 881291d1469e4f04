// Pure logic of the dispatch compose form.
import type { DispatchInput, DispatchPreview } from '../../api/types'
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

export function validateCompose(d: ComposeDraft): FieldErrors {
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

/** The help under the contact-role field: the server's rule (docs: recipients.contact_role). */
export const CONTACT_ROLE_HINT =
  'Empty: each vendor’s primary contact (none marked primary: its earliest contact). “all”: every contact. ' +
  'Any other text: only the contacts with exactly that role (e.g. billing).'

/** Who of each vendor a dispatch with this contact role mails, as the confirm step says it. */
export function describeContactRole(contactRole: string): string {
  const role = contactRole.trim()
  if (!role) return 'each vendor’s primary contact'
  if (role === 'all') return 'every contact of each vendor'
  return `each vendor’s contacts with the role “${role}”`
}

/** " Not mailed: …" for the confirm step, from a preview's exclusions; empty when none. */
export function excludedText(preview: DispatchPreview | null): string {
  const e = preview?.excluded
  if (!e) return ''
  const parts: string[] = []
  if (e.suppressed) parts.push(`${e.suppressed} suppressed address${e.suppressed === 1 ? '' : 'es'}`)
  if (e.no_matching_contact)
    parts.push(`${e.no_matching_contact} vendor${e.no_matching_contact === 1 ? '' : 's'} without a matching contact`)
  if (e.inactive) parts.push(`${e.inactive} inactive vendor${e.inactive === 1 ? '' : 's'}`)
  return parts.length ? ` Not mailed: ${parts.join(', ')}.` : ''
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
