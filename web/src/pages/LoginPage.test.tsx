import { cleanup, fireEvent, render, screen, within } from '@testing-library/react'
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { MemoryRouter } from 'react-router-dom'
import { api } from '../api/client'
import { AppRoutes } from '../App'
import { AuthProvider } from '../auth/AuthContext'

type Handler = (init: RequestInit, url: URL) => Response | Promise<Response>

const jsonRes = (status: number, body: unknown) =>
  new Response(JSON.stringify(body), { status, headers: { 'Content-Type': 'application/json' } })
const problemRes = (status: number, title: string, extra: Record<string, unknown> = {}) =>
  new Response(JSON.stringify({ type: 'about:blank', title, status, ...extra }), {
    status,
    headers: { 'Content-Type': 'application/problem+json' },
  })

const ADMIN = { id: 'u1', email: 'admin@acme.test', name: 'Ada Admin', role: 'tenant_admin' }
const ME = { user: ADMIN, tenant: { id: 't1', name: 'Acme GmbH', slug: 'acme', status: 'active' }, plan: { name: 'Starter' } }

/** Routes fetch calls by "METHOD /path"; anything unknown answers 404 problem+json like an early server. */
function installFetch(routes: Record<string, Handler>) {
  const calls: { key: string; init: RequestInit }[] = []
  const fn = vi.fn(async (input: RequestInfo | URL, init: RequestInit = {}) => {
    const url = new URL(String(input), 'http://localhost')
    const key = `${init.method ?? 'GET'} ${url.pathname}`
    calls.push({ key, init })
    const h = routes[key]
    return h ? h(init, url) : problemRes(404, 'Not Found', { request_id: `rid-${calls.length}` })
  })
  vi.stubGlobal('fetch', fn)
  return calls
}

function renderApp(path = '/login') {
  return render(
    <MemoryRouter initialEntries={[path]}>
      <AuthProvider>
        <AppRoutes />
      </AuthProvider>
    </MemoryRouter>,
  )
}

function fill(label: RegExp, value: string) {
  fireEvent.change(screen.getByLabelText(label), { target: { value } })
}

beforeEach(() => {
  api.setAccessToken(null)
})
afterEach(() => {
  cleanup()
  vi.unstubAllGlobals()
})

describe('login page', () => {
  it('shows the form with labelled inputs and the server version when there is no session', async () => {
    const calls = installFetch({
      'POST /api/v1/auth/refresh': () => problemRes(401, 'Unauthorized'),
      'GET /healthz': () => jsonRes(200, { status: 'ok', version: '0.3.1' }),
    })
    renderApp('/')
    const email = await screen.findByLabelText(/^Email/)
    expect(email).toHaveProperty('type', 'email')
    expect(email).toHaveProperty('name', 'email')
    expect(screen.getByLabelText(/^Password/)).toHaveProperty('type', 'password')
    expect(screen.getByLabelText('Workspace (tenant slug, optional)')).toHaveProperty('name', 'tenant')
    // Enter in any field submits: the inputs live in a form with a submit button.
    const form = email.closest('form')!
    expect(within(form).getByRole('button', { name: 'Sign in' })).toHaveProperty('type', 'submit')
    expect(await screen.findByText(/v0\.3\.1/)).toBeTruthy()
    expect(calls.filter((c) => c.key === 'POST /api/v1/auth/refresh')).toHaveLength(1)
  })

  it('validates before calling the server', async () => {
    const calls = installFetch({ 'POST /api/v1/auth/refresh': () => problemRes(401, 'Unauthorized') })
    renderApp()
    await screen.findByLabelText(/^Email/)
    fill(/^Email/, 'not-an-email')
    fireEvent.click(screen.getByRole('button', { name: 'Sign in' }))
    expect(await screen.findByText('Email must be a valid email address.')).toBeTruthy()
    expect(screen.getByText('Password is required.')).toBeTruthy()
    expect(screen.getByLabelText(/^Email/).getAttribute('aria-invalid')).toBe('true')
    expect(calls.some((c) => c.key === 'POST /api/v1/auth/login')).toBe(false)
  })

  it('signs in, loads /me and lands on the dashboard with the tenant navigation', async () => {
    const calls = installFetch({
      'POST /api/v1/auth/refresh': () => problemRes(401, 'Unauthorized'),
      'POST /api/v1/auth/login': () => jsonRes(200, { access_token: 'acc-1', expires_in: 900, refresh_token: 'r', user: ADMIN }),
      'GET /api/v1/me': (init) =>
        new Headers(init.headers).get('Authorization') === 'Bearer acc-1' ? jsonRes(200, ME) : problemRes(401, 'Unauthorized'),
      'GET /api/v1/usage': () =>
        jsonRes(200, { period_start: '2025-01-01', period_end: '2025-02-01', limit: 1000, sent: 120, reserved: 0, remaining: 880 }),
    })
    renderApp()
    await screen.findByLabelText(/^Email/)
    fill(/^Email/, ' admin@acme.test ')
    fill(/^Password/, 'Tenant-acme-Passw0rd!')
    fill(/^Workspace/, 'acme')
    fireEvent.submit(screen.getByLabelText(/^Password/).closest('form')!)

    expect(await screen.findByRole('heading', { name: 'Dashboard' })).toBeTruthy()
    const login = calls.find((c) => c.key === 'POST /api/v1/auth/login')!
    expect(JSON.parse(String(login.init.body))).toEqual({
      email: 'admin@acme.test',
      password: 'Tenant-acme-Passw0rd!',
      tenant: 'acme',
    })
    expect(calls.some((c) => c.key === 'GET /api/v1/me')).toBe(true)
    expect(screen.queryByLabelText(/^Password/)).toBeNull()

    const nav = screen.getByRole('navigation', { name: 'Main' })
    const names = within(nav)
      .getAllByRole('link')
      .map((a) => a.textContent)
    expect(names).toEqual(['Dashboard', 'Vendors', 'Lists', 'Suppressions', 'Dispatch', 'Sent', 'Inbox', 'Tickets', 'Settings'])
    expect(screen.getByText('Acme GmbH')).toBeTruthy()
    const meters = await screen.findAllByRole('meter', { name: 'Emails used this period' })
    expect(meters.length).toBeGreaterThan(0)
    expect(meters[0].getAttribute('aria-valuenow')).toBe('120')
    expect(meters[0].getAttribute('aria-valuemax')).toBe('1000')
    // What this fake server does not answer (404) gives a friendly state, not a crash.
    expect((await screen.findAllByText(/^Not found: .+ does not exist or was deleted\.$/)).length).toBeGreaterThan(0)
  })

  it('shows the server message with the request id on bad credentials and clears the password', async () => {
    installFetch({
      'POST /api/v1/auth/refresh': () => problemRes(401, 'Unauthorized'),
      'POST /api/v1/auth/login': () =>
        problemRes(401, 'Unauthorized', { detail: 'Invalid email or password.', code: 'invalid_credentials', request_id: 'req-42' }),
    })
    renderApp()
    await screen.findByLabelText(/^Email/)
    fill(/^Email/, 'admin@acme.test')
    fill(/^Password/, 'wrong-password')
    fireEvent.click(screen.getByRole('button', { name: 'Sign in' }))
    const alert = await screen.findByRole('alert')
    expect(alert.textContent).toBe('Invalid email or password. (request id req-42)')
    expect((screen.getByLabelText(/^Password/) as HTMLInputElement).value).toBe('')
  })

  it('restores a session from the refresh cookie on start', async () => {
    installFetch({
      'POST /api/v1/auth/refresh': (init) =>
        init.credentials === 'include' && init.body === '{}'
          ? jsonRes(200, { access_token: 'acc-2', expires_in: 900 })
          : problemRes(400, 'Bad'),
      'GET /api/v1/me': () => jsonRes(200, { user: { ...ADMIN, role: 'super_admin' }, tenant: null, plan: null }),
    })
    renderApp('/')
    expect(await screen.findByRole('heading', { name: 'Overview' })).toBeTruthy()
    const nav = screen.getByRole('navigation', { name: 'Main' })
    expect(within(nav).getAllByRole('link').map((a) => a.textContent)).toEqual([
      'Overview',
      'Tenants',
      'Domains',
      'Plans',
      'Invoices',
      'Tickets',
      'Audit log',
    ])
  })

  it('keeps members out of admin-only pages and logs out through the user menu', async () => {
    const calls = installFetch({
      'POST /api/v1/auth/refresh': () => jsonRes(200, { access_token: 'acc-3', expires_in: 900 }),
      'GET /api/v1/me': () => jsonRes(200, { ...ME, user: { ...ADMIN, role: 'tenant_member' } }),
      'POST /api/v1/auth/logout': () => new Response(null, { status: 204 }),
    })
    renderApp('/settings')
    expect(await screen.findByRole('heading', { name: 'Not available for your role' })).toBeTruthy()
    expect(screen.queryByRole('link', { name: 'Settings' })).toBeNull()
    fireEvent.click(screen.getByRole('button', { name: /Ada Admin/ }))
    fireEvent.click(screen.getByRole('button', { name: 'Log out' }))
    expect(await screen.findByRole('button', { name: 'Sign in' })).toBeTruthy()
    expect(calls.some((c) => c.key === 'POST /api/v1/auth/logout')).toBe(true)
    expect(api.getAccessToken()).toBeNull()
  })
})
