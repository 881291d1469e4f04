import { describe, expect, it } from 'vitest'
import { ApiError } from '../api/client'
import { loginErrorMessage, toLoginRequest, validateLogin } from './loginForm'

describe('validateLogin', () => {
  it('requires email and password', () => {
    expect(validateLogin({ email: '', password: '', tenant: '' })).toEqual({
      email: 'Email is required.',
      password: 'Password is required.',
    })
  })
  it('checks the email format', () => {
    expect(validateLogin({ email: 'admin', password: 'x', tenant: '' })).toEqual({
      email: 'Email must be a valid email address.',
    })
  })
  it('accepts a valid form with or without workspace', () => {
    expect(validateLogin({ email: 'admin@acme.test', password: 'secret', tenant: '' })).toEqual({})
    expect(validateLogin({ email: 'admin@acme.test', password: 'secret', tenant: 'acme-eu' })).toEqual({})
  })
  it('rejects a workspace that is not a slug', () => {
    expect(validateLogin({ email: 'admin@acme.test', password: 'x', tenant: 'acme corp' }).tenant).toMatch(/slug/)
  })
})

describe('toLoginRequest', () => {
  it('omits the tenant when empty and trims the email, not the password', () => {
    expect(toLoginRequest({ email: ' admin@acme.test ', password: ' pw ', tenant: '   ' })).toEqual({
      email: 'admin@acme.test',
      password: ' pw ',
    })
  })
  it('sends the workspace slug in lower case', () => {
    expect(toLoginRequest({ email: 'a@b.co', password: 'p', tenant: ' Acme ' })).toEqual({
      email: 'a@b.co',
      password: 'p',
      tenant: 'acme',
    })
  })
})

describe('loginErrorMessage', () => {
  it('explains throttling with the wait time', () => {
    const e = new ApiError({ status: 429, title: 'Too Many Requests', retryAfter: 600, requestId: 'r9' })
    expect(loginErrorMessage(e)).toBe('Too many sign-in attempts. Try again in 10 minutes. (request id r9)')
  })
  it('uses the server detail for bad credentials', () => {
    const e = new ApiError({ status: 401, title: 'Unauthorized', detail: 'Invalid email or password.', requestId: 'r1' })
    expect(loginErrorMessage(e)).toBe('Invalid email or password. (request id r1)')
  })
  it('falls back to the ApiError message otherwise', () => {
    const e = new ApiError({ status: 403, title: 'Forbidden', detail: 'Tenant suspended', requestId: 'r2' })
    expect(loginErrorMessage(e)).toBe('Tenant suspended (request id r2)')
  })
  it('says plainly that the workspace is suspended', () => {
    const e = new ApiError({ status: 403, title: 'Forbidden', detail: 'x', code: 'tenant_suspended', requestId: 'r3' })
    expect(loginErrorMessage(e)).toBe('This workspace is suspended; contact the platform operator. (request id r3)')
  })
})
