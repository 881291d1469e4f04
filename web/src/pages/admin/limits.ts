// Plan limits and per-tenant overrides as the admin pages edit them. The checks mirror the
// server's (PATCH /admin/tenants/{id} and /admin/plans/{id}), so a refused value is explained
// next to its input before any request; the server stays authoritative.
import type { Plan, PlanLimits } from '../../api/schema.gen'

export type LimitKey = keyof PlanLimits

/** How a limit is typed in: a count, a rate (decimals allowed) or a size in MB (stored in bytes). */
export type LimitUnit = 'count' | 'rate' | 'mb'

export interface LimitSpec {
  key: LimitKey
  label: string
  unit: LimitUnit
}

export const LIMIT_SPECS: readonly LimitSpec[] = [
  { key: 'emails_per_period', label: 'Emails per period', unit: 'count' },
  { key: 'recipients_per_dispatch', label: 'Recipients per dispatch', unit: 'count' },
  { key: 'vendors', label: 'Vendors', unit: 'count' },
  { key: 'users', label: 'Users', unit: 'count' },
  { key: 'send_rate_per_second', label: 'Send rate (per second)', unit: 'rate' },
  { key: 'attachment_bytes', label: 'Attachment size', unit: 'mb' },
]

/** The server's largest integer limit (10^15). */
export const MAX_LIMIT = 1_000_000_000_000_000
const MB = 1024 * 1024

/** What to type for a stored value: counts as they are, bytes as MB (up to 2 decimals). */
export function limitInput(spec: LimitSpec, value: number | null | undefined): string {
  if (value === null || value === undefined) return ''
  if (spec.unit === 'mb') return String(Math.round((value / MB) * 100) / 100)
  return String(value)
}

/** The value to send for what was typed, or the message to show under the input. */
export function parseLimit(spec: LimitSpec, text: string): { value: number } | { error: string } {
  const t = text.trim().replace(/[\s,_]/g, '')
  if (t === '') return { error: `${spec.label}: enter a value.` }
  if (spec.unit === 'count') {
    if (!/^\d+$/.test(t)) return { error: `${spec.label} is a whole number (0 or more).` }
    const n = Number(t)
    if (n > MAX_LIMIT) return { error: `${spec.label} is at most 10^15.` }
    return { value: n }
  }
  if (!/^\d+(\.\d+)?$/.test(t)) {
    return { error: spec.unit === 'rate' ? `${spec.label} is a number (0 or more; 0: no limit).` : `${spec.label} is a number of MB such as 10 or 2.5.` }
  }
  const n = Number(t)
  if (spec.unit === 'rate') return { value: n }
  const bytes = Math.round(n * MB)
  if (bytes > MAX_LIMIT) return { error: `${spec.label} is too large.` }
  return { value: bytes }
}

/** PATCH /admin/tenants/{id} body setting one override (a number) or clearing it (null). */
export function overridePatch(key: LimitKey, value: number | null): { limit_overrides: Partial<Record<LimitKey, number | null>> } {
  return { limit_overrides: { [key]: value } }
}

/** The overrides a tenant has, ignoring anything that is not a number. */
export function overridesOf(raw: unknown): Partial<Record<LimitKey, number>> {
  const out: Partial<Record<LimitKey, number>> = {}
  if (!raw || typeof raw !== 'object') return out
  for (const spec of LIMIT_SPECS) {
    const v = (raw as Record<string, unknown>)[spec.key]
    if (typeof v === 'number' && Number.isFinite(v)) out[spec.key] = v
  }
  return out
}

// ---- the plan form ---------------------------------------------------------------------------

export interface PlanDraft {
  name: string
  price: string
  currency: string
  emails: string
  recipients: string
  vendors: string
  users: string
  attachmentMb: string
  rate: string
  overage: string
}

export const EMPTY_PLAN: PlanDraft = {
  name: '',
  price: '',
  currency: 'EUR',
  emails: '',
  recipients: '',
  vendors: '',
  users: '',
  attachmentMb: '10',
  rate: '0',
  overage: '',
}

const money = (cents: number | null | undefined) => (typeof cents === 'number' ? (cents / 100).toFixed(2) : '')
const cents = (v: string) => Math.round(Number(v) * 100)
const spec = (key: LimitKey) => LIMIT_SPECS.find((s) => s.key === key) as LimitSpec

/** The form's text for an existing plan (editing). */
export function planDraftOf(plan: Plan): PlanDraft {
  const l = plan.limits ?? {}
  return {
    name: plan.name,
    price: money(plan.price_cents),
    currency: plan.currency ?? 'EUR',
    emails: limitInput(spec('emails_per_period'), l.emails_per_period),
    recipients: limitInput(spec('recipients_per_dispatch'), l.recipients_per_dispatch),
    vendors: limitInput(spec('vendors'), l.vendors),
    users: limitInput(spec('users'), l.users),
    attachmentMb: limitInput(spec('attachment_bytes'), l.attachment_bytes),
    rate: limitInput(spec('send_rate_per_second'), l.send_rate_per_second),
    overage: money(plan.overage_cents_per_1000),
  }
}

type PlanBody = {
  name: string
  price_cents: number
  currency: string
  overage_cents_per_1000: number | null
  limits: Required<Record<LimitKey, number>>
}

/** The full POST /admin/plans body for a valid draft. */
export function planBody(d: PlanDraft): PlanBody {
  return {
    name: d.name.trim(),
    price_cents: cents(d.price),
    currency: d.currency.trim(),
    overage_cents_per_1000: d.overage.trim() ? cents(d.overage) : null,
    limits: {
      emails_per_period: Number(d.emails),
      recipients_per_dispatch: Number(d.recipients),
      vendors: Number(d.vendors),
      users: Number(d.users),
      attachment_bytes: Math.round(Number(d.attachmentMb) * MB),
      send_rate_per_second: Number(d.rate),
    },
  }
}

/**
 * The PATCH /admin/plans/{id} body: only what the draft changed, so a value the form shows
 * rounded (an attachment size that is not a whole number of MB) is never rewritten by a save.
 */
export function planPatch(original: Plan, d: PlanDraft): Record<string, unknown> {
  const before = planDraftOf(original)
  const body = planBody(d)
  const out: Record<string, unknown> = {}
  if (d.name.trim() !== before.name) out.name = body.name
  if (d.price !== before.price) out.price_cents = body.price_cents
  if (d.currency.trim() !== before.currency) out.currency = body.currency
  if (d.overage.trim() !== before.overage) out.overage_cents_per_1000 = body.overage_cents_per_1000
  const limits: Record<string, number> = {}
  const fields: [keyof PlanDraft, LimitKey][] = [
    ['emails', 'emails_per_period'],
    ['recipients', 'recipients_per_dispatch'],
    ['vendors', 'vendors'],
    ['users', 'users'],
    ['attachmentMb', 'attachment_bytes'],
    ['rate', 'send_rate_per_second'],
  ]
  for (const [field, key] of fields) if (d[field].trim() !== before[field]) limits[key] = body.limits[key]
  if (Object.keys(limits).length) out.limits = limits
  return out
}
