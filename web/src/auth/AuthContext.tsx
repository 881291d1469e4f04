import { createContext, useCallback, useContext, useEffect, useMemo, useRef, useState, type ReactNode } from 'react'
import { api as defaultClient, ApiClient, ApiError, isSuspension } from '../api/client'
import type { Me, Role } from '../api/schema.gen'
import { toLoginRequest, type LoginValues } from './loginForm'

/** 'suspended': signed in, but the workspace was suspended (the server answers 403 tenant_suspended). */
export type AuthStatus = 'loading' | 'anonymous' | 'authenticated' | 'suspended'

export interface AuthState {
  status: AuthStatus
  me: Me | null
  /** True after an explicit logout: the next sign-in starts on the home page, not the last page. */
  loggedOut: boolean
  /** The server's answer when the workspace is suspended (message and request id). */
  suspension: ApiError | null
  login: (values: LoginValues) => Promise<Me>
  logout: () => Promise<void>
  reloadMe: () => Promise<void>
  /** Re-reads /me when the last check is older than 30 s (on navigation and window focus). */
  revalidate: () => void
  /** After a suspension: tries the session again (the tenant may have been reactivated). */
  recheck: () => Promise<boolean>
  client: ApiClient
}

const AuthContext = createContext<AuthState | null>(null)

async function loadMe(client: ApiClient): Promise<Me> {
  const me = await client.me()
  if (me && me.user && typeof me.user === 'object') return me
  throw new ApiError({ status: 502, title: 'Unexpected answer from /me' })
}

export function AuthProvider({ children, client = defaultClient }: { children: ReactNode; client?: ApiClient }) {
  const [status, setStatus] = useState<AuthStatus>('loading')
  const [me, setMe] = useState<Me | null>(null)
  const [suspension, setSuspension] = useState<ApiError | null>(null)
  const [loggedOut, setLoggedOut] = useState(false)
  /** When /me was last read (revalidate() skips when that is recent). */
  const lastCheck = useRef(0)
  // Restore the session from the refresh cookie on start. (StrictMode's double effect run
  // shares one refresh request: ApiClient.refresh() deduplicates concurrent calls.)
  useEffect(() => {
    let alive = true
    ;(async () => {
      try {
        const ok = await client.refresh()
        if (!alive) return
        if (ok) {
          const m = await loadMe(client)
          if (!alive) return
          lastCheck.current = Date.now()
          setMe(m)
          setStatus('authenticated')
          return
        }
        const suspended = client.refreshSuspension
        if (suspended) {
          setSuspension(suspended)
          setStatus('suspended')
          return
        }
      } catch (e) {
        client.setAccessToken(null)
        if (alive && isSuspension(e)) {
          setSuspension(e)
          setStatus('suspended')
          return
        }
      }
      if (alive) setStatus((s) => (s === 'suspended' ? s : 'anonymous'))
    })()
    return () => {
      alive = false
    }
  }, [client])

  useEffect(
    () =>
      client.onSignedOut(() => {
        setMe(null)
        setSuspension(null)
        setStatus('anonymous')
      }),
    [client],
  )

  // Any signed-in request answered 403 tenant_suspended: stop showing the workspace, say why.
  useEffect(
    () =>
      client.onSuspended((error) => {
        setSuspension(error)
        setStatus((s) => (s === 'anonymous' ? s : 'suspended'))
      }),
    [client],
  )

  const login = useCallback(
    async (values: LoginValues) => {
      const req = toLoginRequest(values)
      await client.login(req.email, req.password, req.tenant)
      try {
        const m = await loadMe(client)
        lastCheck.current = Date.now()
        setMe(m)
        setLoggedOut(false)
        setSuspension(null)
        setStatus('authenticated')
        return m
      } catch (e) {
        client.setAccessToken(null)
        throw e
      }
    },
    [client],
  )

  const logout = useCallback(async () => {
    await client.logout()
    setMe(null)
    setSuspension(null)
    setLoggedOut(true)
    setStatus('anonymous')
  }, [client])

  const recheck = useCallback(async () => {
    try {
      if (!(await client.refresh())) {
        if (!client.refreshSuspension) {
          setMe(null)
          setSuspension(null)
          setStatus('anonymous')
        }
        return false
      }
      const m = await loadMe(client)
      lastCheck.current = Date.now()
      setMe(m)
      setSuspension(null)
      setStatus('authenticated')
      return true
    } catch (e) {
      if (!isSuspension(e)) {
        setMe(null)
        setSuspension(null)
        setStatus('anonymous')
      }
      return false
    }
  }, [client])

  const reloadMe = useCallback(async () => {
    lastCheck.current = Date.now()
    try {
      setMe(await loadMe(client))
    } catch {
      // keep what we have (a suspension or a lost session is reported through the client's listeners)
    }
  }, [client])
  const revalidate = useCallback(() => {
    if (status !== 'authenticated' || Date.now() - lastCheck.current < 30_000) return
    void reloadMe()
  }, [status, reloadMe])

  const value = useMemo(
    () => ({ status, me, loggedOut, suspension, login, logout, reloadMe, revalidate, recheck, client }),
    [status, me, loggedOut, suspension, login, logout, reloadMe, revalidate, recheck, client],
  )
  return <AuthContext.Provider value={value}>{children}</AuthContext.Provider>
}

export function useAuth(): AuthState {
  const ctx = useContext(AuthContext)
  if (!ctx) throw new Error('useAuth must be used inside <AuthProvider>')
  return ctx
}

export function homePathFor(role: Role | undefined): string {
  return role === 'super_admin' ? '/admin' : '/dashboard'
}

/** Whether a signed-in role may open `path` (used to decide where to go back to after sign-in). */
export function canVisit(role: Role | undefined, path: string): boolean {
  const p = path.split(/[?#]/)[0]
  const isAdminArea = p === '/admin' || p.startsWith('/admin/')
  if (p === '/account') return role !== undefined
  if (role === 'super_admin') return isAdminArea
  if (!role || isAdminArea) return false
  if (p === '/settings' || p.startsWith('/settings/')) return role === 'tenant_admin'
  return true
}

export const ROLE_LABELS: Record<Role, string> = {
  super_admin: 'Super admin',
  tenant_admin: 'Tenant admin',
  tenant_member: 'Member',
}
