import { useEffect, useState, type FormEvent } from 'react'
import { Link, Navigate, useLocation, useNavigate } from 'react-router-dom'
import { canVisit, homePathFor, useAuth } from '../auth/AuthContext'
import { FullPageLoading } from '../auth/guards'
import { loginErrorMessage, validateLogin, type LoginValues } from '../auth/loginForm'
import { Button, TextField } from '../components/ui'
import { fetchHealth, type Health } from '../lib/health'
import { hasErrors, type FieldErrors } from '../lib/validation'
import { useTitle } from '../lib/hooks'

export function LoginPage() {
  const { status, me, login, suspension } = useAuth()
  const navigate = useNavigate()
  const location = useLocation()
  const [values, setValues] = useState<LoginValues>({ email: '', password: '', tenant: '' })
  const [errors, setErrors] = useState<FieldErrors>({})
  const [formError, setFormError] = useState<string | null>(null)
  const [busy, setBusy] = useState(false)
  useTitle('Sign in')

  if (status === 'loading') return <FullPageLoading />
  if (status === 'authenticated' && me && !busy) return <Navigate to={homePathFor(me.user.role)} replace />

  const from = (location.state as { from?: string } | null)?.from
  const set = (field: keyof LoginValues) => (e: { target: { value: string } }) => {
    setValues((v) => ({ ...v, [field]: e.target.value }))
    if (errors[field]) setErrors(({ [field]: _drop, ...rest }) => rest)
  }

  const onSubmit = async (e: FormEvent) => {
    e.preventDefault()
    if (busy) return
    const v = validateLogin(values)
    setErrors(v)
    setFormError(null)
    if (hasErrors(v)) return
    setBusy(true)
    try {
      const m = await login(values)
      // Back to where the user was sent from, unless that page is not for this role (another user signed in).
      const target = from && from !== '/login' && from !== '/' && canVisit(m.user.role, from) ? from : homePathFor(m.user.role)
      navigate(target, { replace: true })
    } catch (err) {
      setFormError(loginErrorMessage(err))
      setValues((v) => ({ ...v, password: '' }))
      setBusy(false)
    }
  }

  return (
    <div className="login-page">
      <main className="login-card" id="main">
        <div className="login-brand">
          <span className="brand-mark" aria-hidden="true">
            DH
          </span>
          <span>DispatchHub</span>
        </div>
        <h1>Sign in</h1>
        <form onSubmit={(e) => void onSubmit(e)} noValidate aria-describedby={formError ? 'login-error' : undefined}>
          {status === 'suspended' && !formError ? (
            <div className="notice notice-warning" role="status">
              Your workspace is suspended{suspension?.requestId ? ` (request id ${suspension.requestId})` : ''}. Sign in
              with another account or contact the platform operator.
            </div>
          ) : null}
          {formError ? (
            <div className="notice notice-error" role="alert" id="login-error">
              {formError}
            </div>
          ) : null}
          <TextField
            label="Email"
            type="email"
            name="email"
            autoComplete="username"
            required
            autoFocus
            value={values.email}
            onChange={set('email')}
            error={errors.email}
          />
          <TextField
            label="Password"
            type="password"
            name="password"
            autoComplete="current-password"
            required
            value={values.password}
            onChange={set('password')}
            error={errors.password}
          />
          <TextField
            label="Workspace (tenant slug, optional)"
            name="tenant"
            autoComplete="organization"
            autoCapitalize="none"
            spellCheck={false}
            value={values.tenant}
            onChange={set('tenant')}
            error={errors.tenant}
            hint="Needed only when your email belongs to several workspaces."
          />
          <Button type="submit" variant="primary" className="btn-block" busy={busy}>
            {busy ? 'Signing in…' : 'Sign in'}
          </Button>
          <p className="small login-forgot">
            <Link to="/forgot-password">Forgot password?</Link>
          </p>
        </form>
      </main>
      <ServerVersion />
    </div>
  )
}

function ServerVersion() {
  const [health, setHealth] = useState<Health | null | undefined>(undefined)
  useEffect(() => {
    const ctrl = new AbortController()
    void fetchHealth(ctrl.signal).then((h) => {
      if (!ctrl.signal.aborted) setHealth(h)
    })
    return () => ctrl.abort()
  }, [])
  return (
    <footer className="login-footer">
      {health === undefined
        ? 'Checking server…'
        : health === null
          ? 'Server status unavailable'
          : `DispatchHub server ${health.version ? `v${health.version.replace(/^v/, '')}` : ''} · ${health.status}`}
    </footer>
  )
}
