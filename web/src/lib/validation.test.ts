import { describe, expect, it } from 'vitest'
import { checkField, hasErrors, isEmail, splitTags, validate } from './validation'

describe('isEmail', () => {
  it.each(['buyer@acme.com', 'a.b+tag@sub.example.co.uk', '  padded@example.org  ', 'x@y.io'])('accepts %s', (v) => {
    expect(isEmail(v)).toBe(true)
  })
  it.each([
    '',
    'plain',
    '@example.com',
    'a@',
    'a@b',
    'a b@example.com',
    'a@@example.com',
    'a@example..com',
    '.a@example.com',
    'a..b@example.com',
    'a@example.com\r\nBcc: x@evil.com',
    '<a@example.com>',
  ])('rejects %j', (v) => {
    expect(isEmail(v)).toBe(false)
  })
})

describe('checkField / validate', () => {
  it('reports required fields with their label', () => {
    expect(checkField('  ', { required: true, label: 'Name' })).toBe('Name is required.')
    expect(checkField('x', { required: true, label: 'Name' })).toBeNull()
  })

  it('skips other rules for empty optional fields', () => {
    expect(checkField('', { email: true, minLength: 5 })).toBeNull()
  })

  it('checks length, pattern, enum and line breaks', () => {
    expect(checkField('short', { minLength: 12, label: 'Password' })).toBe('Password must be at least 12 characters.')
    expect(checkField('x'.repeat(11), { maxLength: 10, label: 'Code' })).toBe('Code must be at most 10 characters.')
    expect(checkField('Bad Slug', { pattern: /^[a-z-]+$/, patternMessage: 'lowercase only' })).toBe('lowercase only')
    expect(checkField('spam', { oneOf: ['bounce', 'manual'], label: 'Reason' })).toBe('Reason must be one of: bounce, manual.')
    expect(checkField('Hello\r\nBcc: x', { singleLine: true, label: 'Subject' })).toBe('Subject must be a single line.')
  })

  it('validate returns only failing fields', () => {
    const errors = validate(
      { email: 'nope', name: 'Ann', password: '' },
      {
        email: { label: 'Email', required: true, email: true },
        name: { label: 'Name', required: true },
        password: { label: 'Password', required: true },
      },
    )
    expect(errors).toEqual({ email: 'Email must be a valid email address.', password: 'Password is required.' })
    expect(hasErrors(errors)).toBe(true)
    expect(hasErrors(validate({ name: 'x' }, { name: { required: true } }))).toBe(false)
  })
})

describe('splitTags', () => {
  it('trims, drops empties and duplicates', () => {
    expect(splitTags(' eu, logistics,,eu , ')).toEqual(['eu', 'logistics'])
  })
})
