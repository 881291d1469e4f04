// Pure logic of the login form: validation and the request body.
import { ApiError } from '../api/client'
import { SLUG_RE, validate, type FieldErrors } from '../lib/validation'

export interface LoginValues {
  email: string
  password: string
  tenant: string
}

export interface LoginRequest {
  email: string
  password: string
  tenant?: string
}

export function validateLogin(values: LoginValues): FieldErrors {
  const errors = validate(values, {
    email: { label: 'Email', required: true, email: true },
    password: { label: 'Password', required: true, maxLength: 1024 },
  })
  const tenant = values.tenant.trim()
  if (tenant && !SLUG_RE.test(tenant.toLowerCase())) {
    errors.tenant = 'Workspace must be a slug: lowercase letters, digits and dashes.'
  }
  return errors
}

/** Trims the email and workspace; leaves the tenant out entirely when empty. The password is sent as typed. */
export function toLoginRequest(values: LoginValues): LoginRequest {
  const req: LoginRequest = { email: values.email.trim(), password: values.password }
  const tenant = values.tenant.trim().toLowerCase()
  if (tenant) req.tenant = tenant
  return req
}

/** A sentence for a failed login. */
export function loginErrorMessage(err: unknown): string {
  if (err instanceof ApiError) {
    if (err.status === 429) {
      const wait = err.retryAfter ? ` Try again in ${formatWait(err.retryAfter)}.` : ' Try again later.'
      return `Too many sign-in attempts.${wait}${err.requestId ? ` (request id ${err.requestId})` : ''}`
    }
    if (err.status === 403 && err.code === 'tenant_suspended') {
      return `This workspace is suspended; contact the platform operator.${err.requestId ? ` (request id ${err.requestId})` : ''}`
    }
    if (err.status === 401) {
      const base = err.detail || 'Email or password is incorrect.'
      return `${base}${err.requestId ? ` (request id ${err.requestId})` : ''}`
    }
    return err.message
  }
  return err instanceof Error ? err.message : String(err)
}

function formatWait(seconds: number): string {
  if (seconds < 60) return `${seconds} second${seconds === 1 ? '' : 's'}`
  const m = Math.ceil(seconds / 60)
  return `${m} minute${m === 1 ? '' : 's'}`
}
