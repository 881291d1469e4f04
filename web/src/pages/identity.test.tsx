// The identity screens against the shapes the real server answers (src/auth/auth_routes.cpp,
// src/tenancy/tenancy_routes.cpp): suspension, users and API keys in Settings, tenants.
import { cleanup, fireEvent, render, screen, within } from '@testing-library/react'
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { MemoryRouter } from 'react-router-dom'
import { api } from '../api/client'
import { AppRoutes } from '../App'
import { AuthProvider, canVisit } from '../auth/AuthContext'
import { ADMIN_TENANT, ROOT_ME } from '../test/fakeServer'

type Handler = (init: RequestInit, url: URL) => Response | Promise<Response>

const jsonRes = (status: number, body: unknown) =>
  new Response(JSON.stringify(body), { status, headers: { 'Content-Type': 'application/json' } })
const problemRes = (status: number, title: string, extra: Record<string, unknown> = {}) =>
  new Response(JSON.stringify({ type: 'about:blank', title, status, ...extra }), {
    status,
    headers: { 'Content-Type': 'application/problem+json' },
  })
const suspendedRes = () =>
  problemRes(403, 'Forbidden', {
    code: 'tenant_suspended',
    detail: 'This workspace is suspended; contact the platform operator.',
    request_id: 'rid-susp',
  })

const TENANT = ADMIN_TENANT
const user = (id: string, email: string, role: string, status = 'active') => ({
  id,
  tenant_id: 't1',
  email,
  name: email.split('@')[0],
  role,
  status,
  last_login_at: null,
  created_at: '2026-01-01T00:00:00Z',
  updated_at: '2026-01-01T00:00:00Z',
})
const ADMIN = user('u1', 'admin@acme.test', 'tenant_admin')
const ME = { user: ADMIN, role: 'tenant_admin', tenant: TENANT, plan: { id: 'p1', name: 'Standard', limits: {} } }

function installFetch(routes: Record<string, Handler>) {
  const calls: { key: string; init: RequestInit; url: URL }[] = []
  const fn = vi.fn(async (input: RequestInfo | URL, init: RequestInit = {}) => {
    const url = new URL(String(input), 'http://localhost')
    const key = `${init.method ?? 'GET'} ${url.pathname}`
    calls.push({ key, init, url })
    const h = routes[key]
    return h ? h(init, url) : problemRes(404, 'Not Found', { code: 'route_not_found', request_id: `rid-${calls.length}` })
  })
  vi.stubGlobal('fetch', fn)
  return calls
}

function renderApp(path: string) {
  return render(
    <MemoryRouter initialEntries={[path]}>
      <AuthProvider>
        <AppRoutes />
      </AuthProvider>
    </MemoryRouter>,
  )
}

const body = (init: RequestInit) => JSON.parse(String(init.body)) as Record<string, unknown>

beforeEach(() => api.setAccessToken(null))
afterEach(() => {
  cleanup()
  vi.unstubAllGlobals()
})

describe('canVisit', () => {
  it('keeps each role to its own area', () => {
    expect(canVisit('super_admin', '/admin/tenants')).toBe(true)
    expect(canVisit('super_admin', '/vendors')).toBe(false)
    expect(canVisit('tenant_admin', '/settings')).toBe(true)
    expect(canVisit('tenant_member', '/settings')).toBe(false)
    expect(canVisit('tenant_admin', '/settings/webhooks')).toBe(true)
    expect(canVisit('tenant_member', '/settings/webhooks/w1')).toBe(false)
    expect(canVisit('tenant_member', '/vendors?q=x')).toBe(true)
    expect(canVisit('tenant_admin', '/admin')).toBe(false)
  })
})

describe('session revalidation', () => {
  it('re-reads /me on navigation only when the last check is older than 30 s', async () => {
    let suspended = false
    const calls = installFetch({
      'POST /api/v1/auth/refresh': () => jsonRes(200, { access_token: 'a', expires_in: 900 }),
      'GET /api/v1/me': () => (suspended ? suspendedRes() : jsonRes(200, ME)),
    })
    renderApp('/dashboard')
    await screen.findByRole('heading', { level: 1, name: 'Dashboard' })
    fireEvent.click(screen.getByRole('link', { name: 'Vendors' }))
    await screen.findByRole('heading', { level: 1, name: 'Vendors' })
    expect(calls.filter((c) => c.key === 'GET /api/v1/me')).toHaveLength(1)

    // 31 s later the workspace is suspended; a page whose own endpoint is missing (404) still finds out.
    const now = Date.now()
    vi.spyOn(Date, 'now').mockReturnValue(now + 31_000)
    suspended = true
    fireEvent.click(screen.getByRole('link', { name: 'Inbox' }))
    expect(await screen.findByRole('heading', { level: 1, name: 'Workspace suspended' })).toBeTruthy()
    expect(calls.filter((c) => c.key === 'GET /api/v1/me')).toHaveLength(2)
  })
})

describe('a suspended workspace', () => {
  it('a 403 tenant_suspended on the next request replaces the workspace with a clear message', async () => {
    let suspended = false
    installFetch({
      'POST /api/v1/auth/refresh': () => (suspended ? suspendedRes() : jsonRes(200, { access_token: 'a', expires_in: 900 })),
      'GET /api/v1/me': () => (suspended ? suspendedRes() : jsonRes(200, ME)),
      'GET /api/v1/users': () => (suspended ? suspendedRes() : jsonRes(200, { items: [ADMIN], next_cursor: null })),
      'GET /api/v1/api-keys': () => (suspended ? suspendedRes() : jsonRes(200, { items: [], next_cursor: null })),
    })
    renderApp('/dashboard')
    expect(await screen.findByRole('heading', { level: 1, name: 'Dashboard' })).toBeTruthy()
    suspended = true
    fireEvent.click(screen.getByRole('link', { name: 'Settings' }))
    expect(await screen.findByRole('heading', { level: 1, name: 'Workspace suspended' })).toBeTruthy()
    expect(screen.getByText(/Acme GmbH/)).toBeTruthy()
    expect(screen.getByText('rid-susp')).toBeTruthy()
    expect(screen.queryByRole('navigation', { name: 'Main' })).toBeNull()

    // Still suspended: "Check again" says so. Reactivated: back to the workspace.
    fireEvent.click(screen.getByRole('button', { name: 'Check again' }))
    expect(await screen.findByText('The workspace is still suspended.')).toBeTruthy()
    suspended = false
    fireEvent.click(screen.getByRole('button', { name: 'Check again' }))
    expect(await screen.findByRole('navigation', { name: 'Main' })).toBeTruthy()
  })

  it('a session restored for a suspended workspace shows the message instead of the login form', async () => {
    installFetch({ 'POST /api/v1/auth/refresh': () => suspendedRes() })
    renderApp('/vendors')
    expect(await screen.findByRole('heading', { level: 1, name: 'Workspace suspended' })).toBeTruthy()
  })

  it('signing in to a suspended workspace explains the refusal', async () => {
    installFetch({
      'POST /api/v1/auth/refresh': () => problemRes(401, 'Unauthorized', { code: 'unauthenticated' }),
      'POST /api/v1/auth/login': () => suspendedRes(),
    })
    renderApp('/login')
    await screen.findByRole('button', { name: 'Sign in' })
    fireEvent.change(screen.getByLabelText(/^Email/), { target: { value: 'admin@acme.test' } })
    fireEvent.change(screen.getByLabelText(/^Password/), { target: { value: 'Some-Passw0rd-123' } })
    fireEvent.submit(screen.getByLabelText(/^Password/).closest('form')!)
    const alert = await screen.findByRole('alert')
    expect(alert.textContent).toBe('This workspace is suspended; contact the platform operator. (request id rid-susp)')
  })
})

describe('Settings against the real shapes', () => {
  function settingsServer() {
    let users = [ADMIN, user('u2', 'bob@acme.test', 'tenant_member')]
    const keys: Record<string, unknown>[] = []
    const calls = installFetch({
      'POST /api/v1/auth/refresh': () => jsonRes(200, { access_token: 'a', expires_in: 900 }),
      'GET /api/v1/me': () => jsonRes(200, ME),
      'GET /api/v1/users': () => jsonRes(200, { items: users, next_cursor: null }),
      'POST /api/v1/users': (init) => {
        const b = body(init)
        const u = user('u3', String(b.email), String(b.role))
        users = [...users, u]
        return jsonRes(201, u)
      },
      'PATCH /api/v1/users/u2': (init) => {
        users = users.map((u) => (u.id === 'u2' ? { ...u, ...body(init) } : u))
        return jsonRes(200, users.find((u) => u.id === 'u2'))
      },
      'DELETE /api/v1/users/u2': () => new Response(null, { status: 204 }),
      'GET /api/v1/api-keys': () => jsonRes(200, { items: keys, next_cursor: null }),
      'POST /api/v1/api-keys': (init) =>
        jsonRes(201, {
          id: 'k1',
          name: body(init).name,
          prefix: 'dh_abc123',
          role: body(init).role,
          created_at: '2026-01-01T00:00:00Z',
          last_used_at: null,
          revoked_at: null,
          key: 'dh_abc123_secretsecret',
        }),
      'DELETE /api/v1/api-keys/k1': () => new Response(null, { status: 204 }),
    })
    return calls
  }

  it('creates a user, changes a role, disables and deletes with an inline confirm', async () => {
    const calls = settingsServer()
    renderApp('/settings')
    const table = await screen.findByRole('table', { name: 'Users' })
    expect(within(table).getByText(/\(you\)/)).toBeTruthy()
    // No actions on one's own row.
    expect(screen.queryByRole('button', { name: 'Disable admin@acme.test' })).toBeNull()

    const form = screen.getByRole('form', { name: 'Add user' })
    fireEvent.change(within(form).getByLabelText(/^Email/), { target: { value: 'new@acme.test' } })
    fireEvent.change(within(form).getByLabelText(/^Name/), { target: { value: 'New One' } })
    fireEvent.change(within(form).getByLabelText(/^Initial password/), { target: { value: 'New-One-Passw0rd!' } })
    fireEvent.submit(form)
    expect(await screen.findByText('User new@acme.test added.')).toBeTruthy()
    expect(body(calls.find((c) => c.key === 'POST /api/v1/users')!.init)).toEqual({
      email: 'new@acme.test',
      name: 'New One',
      role: 'tenant_member',
      password: 'New-One-Passw0rd!',
    })

    fireEvent.change(screen.getByLabelText('Role of bob@acme.test'), { target: { value: 'tenant_admin' } })
    expect(await screen.findByText('bob@acme.test: role changed to Tenant admin.')).toBeTruthy()
    fireEvent.click(screen.getByRole('button', { name: 'Disable bob@acme.test' }))
    expect(await screen.findByText('bob@acme.test: disabled.')).toBeTruthy()
    expect(calls.filter((c) => c.key === 'PATCH /api/v1/users/u2').map((c) => body(c.init))).toEqual([
      { role: 'tenant_admin' },
      { status: 'disabled' },
    ])

    fireEvent.click(screen.getByRole('button', { name: 'Delete bob@acme.test' }))
    fireEvent.click(screen.getByRole('button', { name: 'Delete user' }))
    expect(await screen.findByText('bob@acme.test deleted.')).toBeTruthy()
    expect(within(screen.getByRole('table', { name: 'Users' })).queryByText('bob@acme.test')).toBeNull()
  })

  it('shows a new API key once (from `key`) and marks a revoked key', async () => {
    settingsServer()
    renderApp('/settings')
    await screen.findByText('No API keys.')
    const form = screen.getByRole('form', { name: 'Create API key' })
    fireEvent.change(within(form).getByLabelText(/^Key name/), { target: { value: 'ERP' } })
    fireEvent.submit(form)
    const secret = (await screen.findByLabelText('New API key')) as HTMLInputElement
    expect(secret.value).toBe('dh_abc123_secretsecret')
    expect(screen.getByRole('button', { name: 'Copy' })).toBeTruthy()
    fireEvent.click(screen.getByRole('button', { name: 'Done' }))
    expect(screen.queryByLabelText('New API key')).toBeNull()
    expect(document.body.textContent).not.toContain('secretsecret')

    fireEvent.click(screen.getByRole('button', { name: 'Revoke ERP' }))
    fireEvent.click(screen.getByRole('button', { name: 'Revoke' }))
    const table = screen.getByRole('table', { name: 'API keys' })
    expect(await within(table).findByText('revoked')).toBeTruthy()
  })
})

describe('Tenants against the real shapes', () => {
  it('lists {items,next_cursor}, creates with the four fields, suspends with a reason from the answer', async () => {
    let tenants = [TENANT]
    const calls = installFetch({
      'POST /api/v1/auth/refresh': () => jsonRes(200, { access_token: 'a', expires_in: 900 }),
      'GET /api/v1/me': () => jsonRes(200, ROOT_ME),
      'GET /api/v1/admin/tenants': () => jsonRes(200, { items: tenants, next_cursor: null }),
      'POST /api/v1/admin/tenants': (init) => {
        const b = body(init)
        const t = { ...TENANT, id: 't2', name: String(b.name), slug: String(b.slug), admin: user('a2', String(b.admin_email), 'tenant_admin') }
        tenants = [...tenants, t]
        return jsonRes(201, t)
      },
      'POST /api/v1/admin/tenants/t1/suspend': (init) =>
        jsonRes(200, { ...TENANT, status: 'suspended', status_reason: body(init).reason }),
    })
    renderApp('/admin/tenants')
    const table = await screen.findByRole('table', { name: 'Tenants' })
    expect(within(table).getByText('Standard')).toBeTruthy()

    const form = screen.getByRole('form', { name: 'New tenant' })
    fireEvent.change(within(form).getByLabelText(/^Name/), { target: { value: 'Globex Corp' } })
    expect((within(form).getByLabelText(/^Slug/) as HTMLInputElement).value).toBe('globex-corp')
    fireEvent.change(within(form).getByLabelText(/^Admin email/), { target: { value: 'admin@globex.test' } })
    fireEvent.change(within(form).getByLabelText(/^Admin password/), { target: { value: 'Globex-Passw0rd!' } })
    fireEvent.submit(form)
    expect(await within(form).findByText(/admin admin@globex\.test/)).toBeTruthy()
    expect(body(calls.find((c) => c.key === 'POST /api/v1/admin/tenants')!.init)).toEqual({
      name: 'Globex Corp',
      slug: 'globex-corp',
      admin_email: 'admin@globex.test',
      admin_password: 'Globex-Passw0rd!',
    })

    fireEvent.click(screen.getByRole('button', { name: 'Suspend Acme GmbH' }))
    const confirm = screen.getByRole('form', { name: 'Suspend Acme GmbH' })
    fireEvent.change(within(confirm).getByLabelText(/^Reason/), { target: { value: 'Unpaid' } })
    fireEvent.submit(confirm)
    expect(await screen.findByText('Unpaid')).toBeTruthy()
    expect(body(calls.find((c) => c.key === 'POST /api/v1/admin/tenants/t1/suspend')!.init)).toEqual({ reason: 'Unpaid' })
  })

  it('the detail page shows plan and status', async () => {
    installFetch({
      'POST /api/v1/auth/refresh': () => jsonRes(200, { access_token: 'a', expires_in: 900 }),
      'GET /api/v1/me': () => jsonRes(200, ROOT_ME),
      'GET /api/v1/admin/tenants/t1': () => jsonRes(200, { ...TENANT, status: 'suspended', status_reason: 'Audit', usage_history: [] }),
    })
    renderApp('/admin/tenants/t1')
    expect(await screen.findByRole('heading', { level: 1, name: 'Acme GmbH' })).toBeTruthy()
    expect(screen.getByTestId('tenant-plan').textContent).toBe('Standard')
    expect(screen.getByTestId('tenant-status').textContent).toBe('suspended')
    expect(screen.getByText('Audit')).toBeTruthy()
    expect(screen.getByRole('button', { name: 'Activate' })).toBeTruthy()
  })
})
