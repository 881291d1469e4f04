import type { ReactNode } from 'react'
import { Link, Navigate, useLocation } from 'react-router-dom'
import type { Role } from '../api/types'
import { Loading, PageHeader } from '../components/ui'
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
  const { status } = useAuth()
  const location = useLocation()
  if (status === 'loading') return <FullPageLoading />
  if (status !== 'authenticated') {
    return <Navigate to="/login" replace state={{ from: location.pathname + location.search }} />
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
