import { useEffect, useRef, useState, type ReactNode } from 'react'
import { Link, Navigate, useLocation, useNavigate } from 'react-router-dom'
import type { Role } from '../api/schema.gen'
import { Button, Loading, Notice, PageHeader } from '../components/ui'
import { useTitle } from '../lib/hooks'
import { homePathFor, useAuth } from './AuthContext'

export function FullPageLoading() {
  return (
    <div className="center-page">
      <Loading label="Loading DispatchHub…" />
    </div>
  )
}

/** Signed-in users only; others go to /login and come back afterwards. */
export function RequireAuth({ children }: { children: ReactNode }) {
  const { status, loggedOut } = useAuth()
  const location = useLocation()
  if (status === 'loading') return <FullPageLoading />
  if (status === 'suspended') return <SuspendedScreen />
  if (status !== 'authenticated') {
    // Come back here after signing in, unless the user signed out on purpose.
    return <Navigate to="/login" replace state={loggedOut ? null : { from: location.pathname + location.search }} />
  }
  return <>{children}</>
}

/** Only the given roles; others see a "not for your role" page. */
export function RequireRole({ roles, children }: { roles: Role[]; children: ReactNode }) {
  const { me } = useAuth()
  if (!me || !roles.includes(me.user.role)) return <Forbidden />
  return <>{children}</>
}

export function Forbidden() {
  const { me } = useAuth()
  return (
    <div className="page">
      <PageHeader title="Not available for your role" />
      <p>This page is not part of your workspace.</p>
      <p>
        <Link to={homePathFor(me?.user.role)}>Go to your start page</Link>
      </p>
    </div>
  )
}

/** "/" → the start page of the signed-in role. */
export function HomeRedirect() {
  const { me } = useAuth()
  return <Navigate to={homePathFor(me?.user.role)} replace />
}

/**
 * Shown instead of the workspace once the server answers 403 `tenant_suspended`: the platform
 * operator suspended this workspace. The user can check again (after a reactivation) or sign out.
 */
export function SuspendedScreen() {
  const { suspension, me, recheck, logout } = useAuth()
  const navigate = useNavigate()
  const [busy, setBusy] = useState<'check' | 'logout' | null>(null)
  const [stillSuspended, setStillSuspended] = useState(false)
  const heading = useRef<HTMLHeadingElement>(null)
  useTitle('Workspace suspended')
  useEffect(() => heading.current?.focus(), [])

  const onCheck = async () => {
    setBusy('check')
    setStillSuspended(false)
    const ok = await recheck()
    setBusy(null)
    if (!ok) setStillSuspended(true)
  }
  const onLogout = async () => {
    setBusy('logout')
    await logout()
    navigate('/login', { replace: true })
  }
  const workspace = me?.tenant?.name
  return (
    <div className="center-page">
      <main className="login-card suspended" id="main" role="alert" aria-labelledby="suspended-title">
        <div className="login-brand">
          <span className="brand-mark" aria-hidden="true">
            DH
          </span>
          <span>DispatchHub</span>
        </div>
        <h1 id="suspended-title" tabIndex={-1} ref={heading}>
          Workspace suspended
        </h1>
        <p>
          {workspace ? (
            <>
              The workspace <strong>{workspace}</strong> has been suspended by the platform operator.
            </>
          ) : (
            'Your workspace has been suspended by the platform operator.'
          )}{' '}
          Nothing more is sent from it and its pages are locked until it is reactivated.
        </p>
        {suspension?.detail ? <p className="muted">{suspension.detail}</p> : null}
        {suspension?.requestId ? (
          <p className="muted small">
            Request id <code>{suspension.requestId}</code>
          </p>
        ) : null}
        {stillSuspended ? <Notice kind="warning">The workspace is still suspended.</Notice> : null}
        <div className="form-actions">
          <Button variant="primary" busy={busy === 'check'} disabled={busy !== null} onClick={() => void onCheck()}>
            Check again
          </Button>
          <Button busy={busy === 'logout'} disabled={busy !== null} onClick={() => void onLogout()}>
            Sign out
          </Button>
        </div>
      </main>
    </div>
  )
}
