// A mocked fetch routing "METHOD /path" to handlers, and the app rendered at a path, for page tests.
import { configure, render } from '@testing-library/react'
import { MemoryRouter } from 'react-router-dom'
import { vi } from 'vitest'
import { AppRoutes } from '../App'
import { AuthProvider } from '../auth/AuthContext'

// Lazily loaded pages can take a while on a busy machine; waiting longer is not a timing assertion.
configure({ asyncUtilTimeout: 10_000 })

export type Handler = (init: RequestInit, url: URL) => Response | Promise<Response>
export interface Call {
  key: string
  init: RequestInit
  url: URL
}

export const jsonRes = (status: number, body: unknown) =>
  new Response(status === 204 ? null : JSON.stringify(body), { status, headers: { 'Content-Type': 'application/json' } })
export const problemRes = (status: number, title: string, extra: Record<string, unknown> = {}) =>
  new Response(JSON.stringify({ type: 'about:blank', title, status, ...extra }), {
    status,
    headers: { 'Content-Type': 'application/problem+json' },
  })
export const bodyOf = (init: RequestInit) => JSON.parse(String(init.body)) as Record<string, unknown>

export const TENANT_ME = {
  user: { id: 'u1', tenant_id: 't1', email: 'admin@acme.test', name: 'Ada', role: 'tenant_admin', status: 'active' },
  role: 'tenant_admin',
  tenant: { id: 't1', name: 'Acme', slug: 'acme', status: 'active' },
  plan: { id: 'p1', name: 'Standard', limits: { attachment_bytes: 10 * 1024 * 1024 } },
}

/** GET /me of a super admin. */
export const ROOT_ME = { user: { id: 'r', email: 'root@x.test', name: '', role: 'super_admin' }, role: 'super_admin', tenant: null, plan: null }

/** A tenant as GET /admin/tenants/{id} answers it. */
export const ADMIN_TENANT = {
  id: 't1',
  name: 'Acme GmbH',
  slug: 'acme',
  status: 'active',
  status_reason: null,
  plan_id: 'p1',
  plan_name: 'Standard',
  limit_overrides: {},
  created_at: '2026-01-01T00:00:00Z',
  updated_at: '2026-01-01T00:00:00Z',
}

/** Installs the fake; a signed-in tenant admin unless `signedIn` is false. Unknown routes answer 404. */
export function installFetch(routes: Record<string, Handler>, signedIn = true): Call[] {
  const calls: Call[] = []
  const base: Record<string, Handler> = signedIn
    ? {
        'POST /api/v1/auth/refresh': () => jsonRes(200, { access_token: 'a', expires_in: 900 }),
        'GET /api/v1/me': () => jsonRes(200, TENANT_ME),
      }
    : { 'POST /api/v1/auth/refresh': () => problemRes(401, 'Unauthorized') }
  const all = { ...base, ...routes }
  const fn = vi.fn(async (input: RequestInfo | URL, init: RequestInit = {}) => {
    const url = new URL(String(input), 'http://localhost')
    const key = `${init.method ?? 'GET'} ${url.pathname}`
    calls.push({ key, init, url })
    const h = all[key]
    return h ? h(init, url) : problemRes(404, 'Not Found', { request_id: `rid-${calls.length}` })
  })
  vi.stubGlobal('fetch', fn)
  return calls
}

export function renderApp(path: string) {
  return render(
    <MemoryRouter initialEntries={[path]}>
      <AuthProvider>
        <AppRoutes />
      </AuthProvider>
    </MemoryRouter>,
  )
}
