// What the suppression form accepts: one address, or a whole domain written "@vendor.example".
import { isEmail } from '../lib/validation'

const DOMAIN_RE = /^@[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?(?:\.[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?)+$/i

export function checkSuppressionAddress(raw: string): string | null {
  const v = raw.trim()
  if (!v) return 'Address is required.'
  if (/[*?]/.test(v)) return 'Wildcards are not supported. For a whole domain write it as @vendor.example.'
  if (v.startsWith('@')) return DOMAIN_RE.test(v) ? null : 'Write a domain as @vendor.example.'
  return isEmail(v) ? null : 'Enter an email address, or @domain for a whole domain.'
}
