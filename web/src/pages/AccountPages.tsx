// Password change for the signed-in user, and the two public pages of a reset by mail.
import { useState, type FormEvent, type ReactNode } from 'react'
import { Link, useLocation } from 'react-router-dom'
import { api } from '../api/client'
import {
  passwordErrorMessage,
  tokenFromSearch,
  validateChangePassword,
  validateResetConfirm,
  validateResetRequest,
} from '../auth/passwordForms'
import { useAuth } from '../auth/AuthContext'
import { Button, Notice, PageHeader, Section, TextField } from '../components/ui'
import { useTitle } from '../lib/hooks'
import { hasErrors, MIN_PASSWORD_LENGTH, type FieldErrors } from '../lib/validation'

const NEW_HINT = `At least ${MIN_PASSWORD_LENGTH} characters.`

export function AccountPage() {
  const { me, logout } = useAuth()
  useTitle('Account')
  const [current, setCurrent] = useState('')
  const [password, setPassword] = useState('')
  const [repeat, setRepeat] = useState('')
  const [errors, setErrors] = useState<FieldErrors>({})
  const [failure, setFailure] = useState<string | null>(null)
  const [done, setDone] = useState(false)
  const [busy, setBusy] = useState(false)

  const onSubmit = async (e: FormEvent) => {
    e.preventDefault()
    const v = validateChangePassword({ current, password, repeat })
    setErrors(v)
    setFailure(null)
    setDone(false)
    if (hasErrors(v)) return
    setBusy(true)
    try {
      await api.post<void>('/me/password', { current_password: current, new_password: password })
      setDone(true)
      setCurrent('')
      setPassword('')
      setRepeat('')
    } catch (err) {
      setFailure(passwordErrorMessage(err, 'change'))
    } finally {
      setBusy(false)
    }
  }

  return (
    <div className="page">
      <PageHeader title="Account">{me ? `Signed in as ${me.user.email}.` : null}</PageHeader>
      <Section title="Change password">
        <form className="form narrow" onSubmit={(e) => void onSubmit(e)} noValidate>
          {failure ? <Notice kind="error">{failure}</Notice> : null}
          {done ? (
            <Notice kind="success">
              Password changed. Every session has been signed out, this one too.{' '}
              <Button variant="ghost" onClick={() => void logout()}>
                Sign in with the new password
              </Button>
            </Notice>
          ) : null}
          <TextField
            label="Current password"
            name="current_password"
            type="password"
            autoComplete="current-password"
            required
            value={current}
            onChange={(e) => setCurrent(e.target.value)}
            error={errors.current_password}
          />
          <NewPasswordFields password={password} repeat={repeat} onPassword={setPassword} onRepeat={setRepeat} errors={errors} />
          <Button type="submit" variant="primary" busy={busy}>
            {busy ? 'Changing…' : 'Change password'}
          </Button>
        </form>
      </Section>
    </div>
  )
}

function NewPasswordFields(props: {
  password: string
  repeat: string
  onPassword: (v: string) => void
  onRepeat: (v: string) => void
  errors: FieldErrors
}) {
  return (
    <>
      <TextField
        label="New password"
        name="new_password"
        type="password"
        autoComplete="new-password"
        required
        value={props.password}
        onChange={(e) => props.onPassword(e.target.value)}
        error={props.errors.new_password}
        hint={NEW_HINT}
      />
      <TextField
        label="Repeat new password"
        name="repeat"
        type="password"
        autoComplete="new-password"
        required
        value={props.repeat}
        onChange={(e) => props.onRepeat(e.target.value)}
        error={props.errors.repeat}
      />
    </>
  )
}

/** The card layout of the sign-in page, for the public password pages. */
function PublicCard({ title, children }: { title: string; children: ReactNode }) {
  useTitle(title)
  return (
    <div className="login-page">
      <main className="login-card" id="main">
        <div className="login-brand">
          <span className="brand-mark" aria-hidden="true">
            DH
          </span>
          <span>DispatchHub</span>
        </div>
        <h1>{title}</h1>
        {children}
        <p className="small">
          <Link to="/login">Back to sign in</Link>
        </p>
      </main>
    </div>
  )
}

export function ForgotPasswordPage() {
  const [email, setEmail] = useState('')
  const [tenant, setTenant] = useState('')
  const [errors, setErrors] = useState<FieldErrors>({})
  const [failure, setFailure] = useState<string | null>(null)
  const [sent, setSent] = useState(false)
  const [busy, setBusy] = useState(false)

  const onSubmit = async (e: FormEvent) => {
    e.preventDefault()
    const v = validateResetRequest({ email, tenant })
    setErrors(v)
    setFailure(null)
    if (hasErrors(v)) return
    setBusy(true)
    try {
      const body: Record<string, string> = { email: email.trim() }
      if (tenant.trim()) body.tenant = tenant.trim()
      await api.request<void>('POST', '/auth/password-reset', { body, auth: false })
      setSent(true)
    } catch (err) {
      setFailure(passwordErrorMessage(err, 'reset'))
    } finally {
      setBusy(false)
    }
  }

  return (
    <PublicCard title="Reset password">
      {sent ? (
        <Notice kind="success">
          If an account with that email exists, a mail with a reset link is on its way. The link works once, for one hour.
        </Notice>
      ) : (
        <form onSubmit={(e) => void onSubmit(e)} noValidate>
          {failure ? <Notice kind="error">{failure}</Notice> : null}
          <TextField
            label="Email"
            name="email"
            type="email"
            autoComplete="username"
            required
            autoFocus
            value={email}
            onChange={(e) => setEmail(e.target.value)}
            error={errors.email}
          />
          <TextField
            label="Workspace (tenant slug, optional)"
            name="tenant"
            autoCapitalize="none"
            spellCheck={false}
            value={tenant}
            onChange={(e) => setTenant(e.target.value)}
            error={errors.tenant}
            hint="Needed only when your email belongs to several workspaces."
          />
          <Button type="submit" variant="primary" className="btn-block" busy={busy}>
            {busy ? 'Sending…' : 'Send reset link'}
          </Button>
        </form>
      )}
    </PublicCard>
  )
}

export function ResetPasswordPage() {
  const location = useLocation()
  const token = tokenFromSearch(location.search)
  const [password, setPassword] = useState('')
  const [repeat, setRepeat] = useState('')
  const [errors, setErrors] = useState<FieldErrors>({})
  const [failure, setFailure] = useState<string | null>(null)
  const [done, setDone] = useState(false)
  const [busy, setBusy] = useState(false)

  const onSubmit = async (e: FormEvent) => {
    e.preventDefault()
    const v = validateResetConfirm({ token, password, repeat })
    setErrors(v)
    setFailure(v.token ?? null)
    if (hasErrors(v)) return
    setBusy(true)
    try {
      await api.request<void>('POST', '/auth/password-reset/confirm', { body: { token, new_password: password }, auth: false })
      setDone(true)
    } catch (err) {
      setFailure(passwordErrorMessage(err, 'reset'))
    } finally {
      setBusy(false)
    }
  }

  return (
    <PublicCard title="Choose a new password">
      {done ? (
        <Notice kind="success">
          Password set. <Link to="/login">Sign in</Link> with the new password.
        </Notice>
      ) : (
        <form onSubmit={(e) => void onSubmit(e)} noValidate>
          {!token ? (
            <Notice kind="warning">
              This page needs the link from the reset mail. <Link to="/forgot-password">Request a new link</Link>.
            </Notice>
          ) : null}
          {failure ? <Notice kind="error">{failure}</Notice> : null}
          <NewPasswordFields password={password} repeat={repeat} onPassword={setPassword} onRepeat={setRepeat} errors={errors} />
          <Button type="submit" variant="primary" className="btn-block" busy={busy} disabled={!token}>
            {busy ? 'Saving…' : 'Set new password'}
          </Button>
        </form>
      )}
    </PublicCard>
  )
}
