// Pure logic of the vendor form: state ⇄ API body, validation.
import type { ContactInput, VendorDetail, VendorInput } from '../../api/schema.gen'
import { checkField, MERGE_KEY_RE, splitTags, type FieldErrors } from '../../lib/validation'

export interface ContactDraft {
  name: string
  email: string
  role: string
  primary: boolean
}

export interface CustomFieldDraft {
  key: string
  value: string
}

export interface VendorDraft {
  name: string
  code: string
  category: string
  tags: string
  status: 'active' | 'inactive'
  notes: string
  customFields: CustomFieldDraft[]
  contacts: ContactDraft[]
}

export function emptyContact(primary = false): ContactDraft {
  return { name: '', email: '', role: '', primary }
}

export function emptyVendorDraft(): VendorDraft {
  return {
    name: '',
    code: '',
    category: '',
    tags: '',
    status: 'active',
    notes: '',
    customFields: [],
    contacts: [emptyContact(true)],
  }
}

export function draftFromVendor(v: VendorDetail): VendorDraft {
  return {
    name: v.name ?? '',
    code: v.code ?? '',
    category: v.category ?? '',
    tags: (v.tags ?? []).join(', '),
    status: v.status ?? 'active',
    notes: v.notes ?? '',
    customFields: Object.entries(v.custom_fields ?? {}).map(([key, value]) => ({ key, value: String(value ?? '') })),
    contacts: (v.contacts ?? []).map((c) => ({ name: c.name ?? '', email: c.email ?? '', role: c.role ?? '', primary: !!c.primary })),
  }
}

function isBlankContact(c: ContactDraft): boolean {
  return !c.name.trim() && !c.email.trim() && !c.role.trim()
}

/** Field keys match the server's field names: "name", "contacts.0.email", "custom_fields.0.key". */
export function validateVendor(d: VendorDraft): FieldErrors {
  const errors: FieldErrors = {}
  const put = (field: string, msg: string | null) => {
    if (msg) errors[field] = msg
  }
  put('name', checkField(d.name, { label: 'Name', required: true, maxLength: 200, singleLine: true }))
  put('code', checkField(d.code, { label: 'Code', maxLength: 64, singleLine: true }))
  put('category', checkField(d.category, { label: 'Category', maxLength: 100, singleLine: true }))
  const seenKeys = new Set<string>()
  d.customFields.forEach((f, i) => {
    if (!f.key.trim() && !f.value.trim()) return
    const key = f.key.trim()
    const msg =
      checkField(key, {
        label: 'Field name',
        required: true,
        pattern: MERGE_KEY_RE,
        patternMessage: 'Field name: letters, digits and _ only, not starting with a digit.',
      }) ?? (seenKeys.has(key) ? 'Field names must be unique.' : null)
    put(`custom_fields.${i}.key`, msg)
    seenKeys.add(key)
  })
  const seenEmails = new Set<string>()
  let primaries = 0
  d.contacts.forEach((c, i) => {
    if (isBlankContact(c)) return
    put(`contacts.${i}.name`, checkField(c.name, { label: 'Contact name', maxLength: 200, singleLine: true }))
    const emailMsg =
      checkField(c.email, { label: 'Email', required: true, email: true }) ??
      (seenEmails.has(c.email.trim().toLowerCase()) ? 'This email is already listed.' : null)
    put(`contacts.${i}.email`, emailMsg)
    seenEmails.add(c.email.trim().toLowerCase())
    put(`contacts.${i}.role`, checkField(c.role, { label: 'Role', maxLength: 100, singleLine: true }))
    if (c.primary) primaries++
  })
  if (primaries > 1) errors.contacts = 'Only one contact can be primary.'
  return errors
}

export function toVendorInput(d: VendorDraft): VendorInput {
  const custom: Record<string, string> = {}
  for (const f of d.customFields) if (f.key.trim()) custom[f.key.trim()] = f.value
  const contacts: ContactInput[] = d.contacts
    .filter((c) => !isBlankContact(c))
    .map((c) => ({ name: c.name.trim(), email: c.email.trim(), role: c.role.trim(), primary: c.primary }))
  if (contacts.length && !contacts.some((c) => c.primary)) contacts[0].primary = true
  return {
    name: d.name.trim(),
    code: d.code.trim(),
    category: d.category.trim(),
    tags: splitTags(d.tags),
    status: d.status,
    notes: d.notes,
    custom_fields: custom,
    contacts,
  }
}
