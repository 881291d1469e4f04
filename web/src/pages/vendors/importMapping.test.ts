import { describe, expect, it } from 'vitest'
import { customTarget, guessTarget, mappingErrors, mappingParam } from './importMapping'

describe('CSV import mapping', () => {
  it('guesses known fields, aliases and custom fields', () => {
    expect(guessTarget('name')).toBe('name')
    expect(guessTarget('Vendor Name')).toBe('name')
    expect(guessTarget('E-mail')).toBe('email')
    expect(guessTarget('Contact')).toBe('contact_name')
    expect(guessTarget('Payment terms')).toBe('custom.payment_terms')
    expect(guessTarget('custom.region')).toBe('custom.region')
    expect(customTarget('42')).toBe('')
  })

  it('refuses a field chosen twice and a missing name', () => {
    expect(mappingErrors(['name', 'email', 'email'])).toEqual(['“Contact email” is chosen for more than one column.'])
    expect(mappingErrors(['code', ''])).toEqual(['Choose the column with the vendor name.'])
    expect(mappingErrors(['name', '', ''])).toEqual([])
  })

  it('sends only the columns that change', () => {
    expect(mappingParam(['name', 'email'], ['name', 'email'])).toBeUndefined()
    expect(JSON.parse(mappingParam(['Vendor Name', 'Internal', 'EMAIL'], ['name', '', 'email'])!)).toEqual({
      'Vendor Name': 'name',
      Internal: '',
    })
  })
})
