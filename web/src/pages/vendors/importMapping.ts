// The column-mapping step of the CSV import: which vendor field each header cell feeds.
// The server takes the choice as ?mapping={"Header":"field"} ("" skips a column).
import { MERGE_KEY_RE } from '../../lib/validation'

export const IMPORT_FIELDS = [
  { value: 'name', label: 'Vendor name' },
  { value: 'code', label: 'Vendor code' },
  { value: 'category', label: 'Category' },
  { value: 'status', label: 'Status' },
  { value: 'tags', label: 'Tags' },
  { value: 'notes', label: 'Notes' },
  { value: 'email', label: 'Contact email' },
  { value: 'contact_name', label: 'Contact name' },
  { value: 'role', label: 'Contact role' },
  { value: 'list', label: 'List(s)' },
] as const

const KNOWN = new Set<string>(IMPORT_FIELDS.map((f) => f.value))

const ALIASES: Record<string, string> = {
  vendor: 'name',
  vendor_name: 'name',
  company: 'name',
  supplier: 'name',
  supplier_name: 'name',
  vendor_code: 'code',
  supplier_code: 'code',
  vendor_number: 'code',
  e_mail: 'email',
  email_address: 'email',
  contact_email: 'email',
  contact: 'contact_name',
  contact_person: 'contact_name',
  contact_role: 'role',
  lists: 'list',
  list_name: 'list',
  tag: 'tags',
}

function normalise(header: string): string {
  return header
    .trim()
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '_')
    .replace(/^_+|_+$/g, '')
}

/** The custom-field target for a header ("Payment terms" → custom.payment_terms), or "" if it cannot be one. */
export function customTarget(header: string): string {
  const key = normalise(header)
  return key && MERGE_KEY_RE.test(key) ? `custom.${key}` : ''
}

/** A first guess: a known field or an alias of one, else a custom field. */
export function guessTarget(header: string): string {
  const h = header.trim()
  if (/^custom\./i.test(h)) return h
  const key = normalise(h)
  if (KNOWN.has(key)) return key
  if (ALIASES[key]) return ALIASES[key]
  return customTarget(h)
}

/** Problems of a mapping: a field chosen twice, or no name column. */
export function mappingErrors(targets: string[]): string[] {
  const errors: string[] = []
  const seen = new Set<string>()
  for (const t of targets) {
    if (!t) continue
    const k = t.toLowerCase()
    if (seen.has(k)) errors.push(`“${labelOf(t)}” is chosen for more than one column.`)
    seen.add(k)
  }
  if (!targets.includes('name')) errors.push('Choose the column with the vendor name.')
  return errors
}

export function labelOf(target: string): string {
  if (!target) return 'Skip this column'
  const f = IMPORT_FIELDS.find((x) => x.value === target)
  return f ? f.label : `Custom field ${target.slice('custom.'.length)}`
}

/** The ?mapping parameter: only columns whose target differs from their header; undefined if none. */
export function mappingParam(headers: string[], targets: string[]): string | undefined {
  const mapping: Record<string, string> = {}
  headers.forEach((h, i) => {
    const t = targets[i] ?? ''
    if (h.trim().toLowerCase() !== t.toLowerCase()) mapping[h] = t
  })
  return Object.keys(mapping).length ? JSON.stringify(mapping) : undefined
}
