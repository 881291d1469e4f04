// Pure rules of the password forms: change (signed in), reset request and reset confirmation.
import { ApiError } from '../api/client'
import { checkField, MIN_PASSWORD_LENGTH, type FieldErrors } from '../lib/validation'

export interface NewPasswordValues {
  password: string
  repeat: string
}

function checkNew(v: NewPasswordValues, errors: FieldErrors): void {
  const p = checkField(v.password, { label: 'New password', required: true, minLength: MIN_PASSWORD_LENGTH, maxLength: 256 })
  if (p) errors.new_password = p
  else if (v.password !== v.repeat) errors.repeat = 'The two passwords differ.'
}

export function validateChangePassword(v: NewPasswordValues & { current: string }): FieldErrors {
  const errors: FieldErrors = {}
  if (!v.current) errors.current_password = 'Current password is required.'
  checkNew(v, errors)
  if (!errors.new_password && v.current && v.current === v.password) errors.new_password = 'Choose a password different from the current one.'
  return errors
}

export function validateResetConfirm(v: NewPasswordValues & { token: string }): FieldErrors {
  const errors: FieldErrors = {}
  if (!v.token.trim()) errors.token = 'This reset link has no token. Open the link from the mail again, or request a new one.'
  checkNew(v, errors)
  return errors
}

export function validateResetRequest(v: { email: string; tenant: string }): FieldErrors {
  const errors: FieldErrors = {}
  const e = checkField(v.email, { label: 'Email', required: true, email: true, maxLength: 254 })
  if (e) errors.email = e
  const t = checkField(v.tenant, { label: 'Workspace', singleLine: true, maxLength: 100 })
  if (t) errors.tenant = t
  return errors
}

/** The reset token from the link's query string (`/reset-password?token=…`). */
export function tokenFromSearch(search: string): string {
  return new URLSearchParams(search).get('token')?.trim() ?? ''
}

/** Plain words for the answers these forms get. */
export function passwordErrorMessage(err: unknown, form: 'change' | 'reset'): string {
  if (err instanceof ApiError) {
    if (form === 'change' && (err.status === 401 || err.status === 403 || err.fieldErrors.some((f) => f.field === 'current_password')))
      return 'The current password is not correct.'
    if (form === 'reset' && (err.status === 400 || err.status === 404 || err.status === 410))
      return 'This reset link is invalid, expired or already used. Request a new one.'
    if (err.status === 429) return 'Too many attempts. Wait a minute and try again.'
    const field = err.fieldErrors.find((f) => f.field === 'new_password')
    if (field) return `New password: ${field.message}`
    return err.detail || err.summary
  }
  return err instanceof Error ? err.message : String(err)
}
