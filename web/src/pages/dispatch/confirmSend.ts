// What the confirm step of Compose says before anything is sent: who gets the mail, who is left
// out and why, and whether the period's quota can carry it. Pure, so the wording is tested.
import type { DispatchPreview, Usage } from '../../api/schema.gen'
import { formatNumber } from '../../lib/format'
import { readableTemplate } from '../../lib/mergeFields'

export interface Exclusion {
  key: 'suppressed' | 'no_matching_contact' | 'inactive'
  count: number
  label: string
}

export interface ConfirmSummary {
  /** Addresses that will be mailed (resolved recipients less suppressed ones; what the quota
   * reserves), or null when the preview has not told us yet. */
  total: number | null
  exclusions: Exclusion[]
  /** Emails left this period, or null when usage is unknown. */
  remaining: number | null
  /** False only when both numbers are known and the recipients exceed what is left. */
  fits: boolean
  /** Why it cannot be confirmed and what to do instead (null when it fits). */
  blocked: string | null
  /** "Schedule" for a later send, "Confirm and send" for now. */
  actionLabel: string
  /** The question shown above the buttons. */
  question: string
}

const EXCLUSION_LABELS: Record<Exclusion['key'], (n: number) => string> = {
  suppressed: (n) => `${plural(n, 'address', 'addresses')} on the suppression list`,
  no_matching_contact: (n) => `${plural(n, 'vendor', 'vendors')} without a matching contact`,
  inactive: (n) => `${plural(n, 'inactive vendor or contact', 'inactive vendors or contacts')}`,
}

/** "1 recipient", "2 recipients". */
export function plural(n: number, one: string, many: string): string {
  return `${formatNumber(n)} ${n === 1 ? one : many}`
}

export function exclusionsOf(preview: DispatchPreview | null | undefined): Exclusion[] {
  const ex = preview?.excluded
  if (!ex) return []
  const out: Exclusion[] = []
  for (const key of ['suppressed', 'no_matching_contact', 'inactive'] as const) {
    const n = ex[key]
    if (typeof n === 'number' && n > 0) out.push({ key, count: n, label: EXCLUSION_LABELS[key](n) })
  }
  return out
}

/** The browser's time zone name ("Europe/Berlin"), or a UTC offset when the runtime has none. */
export function localTimeZone(date = new Date()): string {
  try {
    const tz = Intl.DateTimeFormat().resolvedOptions().timeZone
    if (tz) return tz
  } catch {
    // fall through to the offset
  }
  const off = -date.getTimezoneOffset()
  const sign = off >= 0 ? '+' : '-'
  const abs = Math.abs(off)
  return `UTC${sign}${String(Math.floor(abs / 60)).padStart(2, '0')}:${String(abs % 60).padStart(2, '0')}`
}

export function summarizeConfirm(input: {
  subject: string
  preview: DispatchPreview | null | undefined
  usage: Usage | null | undefined
  /** Formatted send time with its zone; empty/undefined: send now. */
  scheduledFor?: string
  /** Fallback description of the selection when the preview gave no count ("2 lists"). */
  selection: string
}): ConfirmSummary {
  // recipients_total counts suppressed addresses too (they appear in the dispatch as `suppressed`);
  // only the others are mailed and reserved against the quota.
  const resolved = typeof input.preview?.recipients_total === 'number' ? input.preview.recipients_total : null
  const suppressed = typeof input.preview?.excluded?.suppressed === 'number' ? input.preview.excluded.suppressed : 0
  const total = resolved === null ? null : Math.max(0, resolved - suppressed)
  const remaining = input.usage && typeof input.usage.remaining === 'number' ? Math.max(0, input.usage.remaining) : null
  const fits = total === null || remaining === null || total <= remaining
  let blocked: string | null = null
  if (!fits && total !== null && remaining !== null) {
    blocked =
      `${plural(total, 'recipient', 'recipients')} but only ${plural(remaining, 'email', 'emails')} left this period. ` +
      'Choose a smaller list, schedule the send for the next period, or ask the platform operator for a higher limit.'
  } else if (total === 0) {
    blocked = 'No one would receive this message. Check the recipients and the contact role.'
  }
  const who = total === null ? input.selection : plural(total, 'recipient', 'recipients')
  // The subject as the dispatch page will show it: merge fields by name, not in template syntax.
  const subject = readableTemplate(input.subject)
  const when = input.scheduledFor ? `Schedule “${subject}” for ${input.scheduledFor} to ${who}?` : `Send “${subject}” to ${who}?`
  return {
    total,
    exclusions: exclusionsOf(input.preview),
    remaining,
    fits: fits && total !== 0,
    blocked,
    actionLabel: input.scheduledFor ? 'Schedule' : 'Confirm and send',
    question: when,
  }
}
