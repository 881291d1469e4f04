import { describe, expect, it } from 'vitest'
import { emptyVendorDraft, toVendorInput, validateVendor, type VendorDraft } from './vendorForm'

const draft = (patch: Partial<VendorDraft>): VendorDraft => ({ ...emptyVendorDraft(), ...patch })

describe('vendor form', () => {
  it('requires a name; an untouched blank contact row is ignored', () => {
    expect(validateVendor(draft({}))).toEqual({ name: 'Name is required.' })
    expect(validateVendor(draft({ name: 'Acme' }))).toEqual({})
  })

  it('checks contact emails per row, duplicates and a single primary', () => {
    const errors = validateVendor(
      draft({
        name: 'Acme',
        contacts: [
          { name: 'A', email: 'a@acme.test', role: 'sales', primary: true },
          { name: 'B', email: 'not-mail', role: '', primary: true },
          { name: 'C', email: 'A@acme.test', role: '', primary: false },
          { name: 'D', email: '', role: '', primary: false },
        ],
      }),
    )
    expect(errors).toEqual({
      'contacts.1.email': 'Email must be a valid email address.',
      'contacts.2.email': 'This email is already listed.',
      'contacts.3.email': 'Email is required.',
      contacts: 'Only one contact can be primary.',
    })
  })

  it('refuses line breaks (header injection) in the name', () => {
    expect(validateVendor(draft({ name: 'Acme\r\nBcc: x@y.z' })).name).toBe('Name must be a single line.')
  })

  it('checks custom field keys usable as merge fields', () => {
    const errors = validateVendor(
      draft({ name: 'Acme', customFields: [{ key: '1bad', value: 'x' }, { key: 'region', value: 'EU' }, { key: 'region', value: 'US' }] }),
    )
    expect(Object.keys(errors).sort()).toEqual(['custom_fields.0.key', 'custom_fields.2.key'])
  })

  it('builds the API body: trimmed, tags split, blank rows dropped, first contact primary', () => {
    const body = toVendorInput(
      draft({
        name: ' Acme ',
        code: ' V-1 ',
        tags: 'eu, logistics, eu',
        customFields: [{ key: 'region', value: 'EU' }, { key: '', value: '' }],
        contacts: [
          { name: '', email: '', role: '', primary: false },
          { name: ' Ann ', email: ' ann@acme.test ', role: 'sales', primary: false },
        ],
      }),
    )
    expect(body).toEqual({
      name: 'Acme',
      code: 'V-1',
      category: '',
      tags: ['eu', 'logistics'],
      status: 'active',
      notes: '',
      custom_fields: { region: 'EU' },
      contacts: [{ name: 'Ann', email: 'ann@acme.test', role: 'sales', primary: true }],
    })
  })
})
