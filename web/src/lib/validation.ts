// Small, dependency-free form validation used by every form in the UI.
// Server-side validation stays authoritative; these checks give early, inline feedback.

export type FieldErrors = Record<string, string>

export interface Rule {
  required?: boolean
  email?: boolean
  minLength?: number
  maxLength?: number
  pattern?: RegExp
  patternMessage?: string
  /** Refuse CR/LF (header injection) — subjects, names, addresses. */
  singleLine?: boolean
  oneOf?: readonly string[]
  label?: string
}

// Pragmatic address check: one @, no spaces or control characters, a dot in the domain,
// no empty labels. Not RFC 5322 complete on purpose; the server decides.
const EMAIL_RE = /^[^\s@<>(),;:"[\]\\]+@[^\s@<>(),;:"[\]\\.]+(?:\.[^\s@<>(),;:"[\]\\.]+)+$/

export function isEmail(value: string): boolean {
  const v = value.trim()
  if (v.length > 254 || /[\r\n\t]/.test(value)) return false
  if (!EMAIL_RE.test(v)) return false
  const [local] = v.split('@')
  if (local.length > 64 || local.startsWith('.') || local.endsWith('.') || local.includes('..')) return false
  return true
}

export function hasLineBreak(value: string): boolean {
  return /[\r\n]/.test(value)
}

export function checkField(value: unknown, rule: Rule): string | null {
  const label = rule.label ?? 'This field'
  const text = value === undefined || value === null ? '' : String(value)
  const trimmed = text.trim()
  if (rule.required && trimmed === '') return `${label} is required.`
  if (trimmed === '') return null
  if (rule.singleLine && hasLineBreak(text)) return `${label} must be a single line.`
  if (rule.email && !isEmail(trimmed)) return `${label} must be a valid email address.`
  if (rule.minLength !== undefined && trimmed.length < rule.minLength)
    return `${label} must be at least ${rule.minLength} characters.`
  if (rule.maxLength !== undefined && trimmed.length > rule.maxLength)
    return `${label} must be at most ${rule.maxLength} characters.`
  if (rule.pattern && !rule.pattern.test(trimmed)) return rule.patternMessage ?? `${label} has an invalid format.`
  if (rule.oneOf && !rule.oneOf.includes(trimmed)) return `${label} must be one of: ${rule.oneOf.join(', ')}.`
  return null
}

/** Validates `values` against `rules`; returns only the fields that fail. */
export function validate<T extends object>(values: T, rules: Partial<Record<keyof T & string, Rule>>): FieldErrors {
  const errors: FieldErrors = {}
  for (const [field, rule] of Object.entries(rules) as [string, Rule | undefined][]) {
    if (!rule) continue
    const msg = checkField((values as Record<string, unknown>)[field], rule)
    if (msg) errors[field] = msg
  }
  return errors
}

export function hasErrors(errors: FieldErrors): boolean {
  return Object.keys(errors).length > 0
}

/** "a, b ,,c" → ["a","b","c"] without duplicates. */
export function splitTags(value: string): string[] {
  const seen = new Set<string>()
  for (const part of value.split(',')) {
    const t = part.trim()
    if (t) seen.add(t)
  }
  return [...seen]
}

export const SLUG_RE = /^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$/
export const MERGE_KEY_RE = /^[A-Za-z_][A-Za-z0-9_]*$/
export const MIN_PASSWORD_LENGTH = 12
