// The webhook pages against the shapes the real server answers (src/webhooks/webhook_routes.cpp,
// api/openapi/70-webhooks.json): list, create with the secret shown once, 422 naming the field,
// delete with an inline confirm, an endpoint's deliveries by status; members are refused.
import { cleanup, fireEvent, render, screen, waitFor, within } from '@testing-library/react'
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { MemoryRouter } from 'react-router-dom'
import { api } from '../../api/client'
import { AppRoutes } from '../../App'
import { AuthProvider } from '../../auth/AuthContext'

type Handler = (init: RequestInit, url: URL) => Response | Promise<Response>

const jsonRes = (status: number, body: unknown) =>
  new Response(JSON.stringify(body), { status, headers: { 'Content-Type': 'application/json' } })
const problemRes = (status: number, title: string, extra: Record<string, unknown> = {}) =>
  new Response(JSON.stringify({ type: 'about:blank', title, status, ...extra }), {
    status,
    headers: { 'Content-Type': 'application/problem+json' },
  })
/** What Error::invalid_field becomes on the wire. */
const invalidField = (field: string, reason: string) =>
  problemRes(422, 'Unprocessable Content', {
    type: 'https://dispatchhub.dev/problems/validation_failed',
    detail: `${field}: ${reason}`,
    code: 'validation_failed',
    request_id: 'rid-422',
    field,
    errors: [{ field, reason }],
  })

const meAs = (role: string) => ({
  user: { id: 'u1', tenant_id: 't1', email: 'admin@acme.test', name: 'Ada', role, status: 'active' },
  role,
  tenant: { id: 't1', name: 'Acme GmbH', slug: 'acme', status: 'active' },
  plan: { id: 'p1', name: 'Standard', limits: {} },
})

const ERP = {
  id: 'w1',
  url: 'https://erp.acme.example/hooks',
  events: ['delivery.failed', 'delivery.bounced'],
  description: 'ERP production',
  created_by: 'admin@acme.test',
  created_at: '2026-11-20T10:00:00Z',
  last_success_at: '2026-11-25T08:00:00Z',
  last_failure_at: '2026-11-25T09:30:00Z',
  last_error: 'HTTP 503 from the endpoint',
}
const SECRET = 'whsec_AbCdEfGhIjKlMnOpQrStUvWxYz0123456789abcdefg'

const delivery = (id: string, status: string, extra: Record<string, unknown> = {}) => ({
  id,
  event_id: `e-${id}`,
  event_type: 'delivery.failed',
  status,
  attempts: 1,
  response_status: null,
  last_error: null,
  next_attempt_at: null,
  delivered_at: null,
  created_at: '2026-11-25T09:00:00Z',
  updated_at: '2026-11-25T09:00:00Z',
  ...extra,
})

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

function server(role = 'tenant_admin', extra: Record<string, Handler> = {}) {
  let hooks: Record<string, unknown>[] = [ERP]
  return installFetch({
    'POST /api/v1/auth/refresh': () => jsonRes(200, { access_token: 'a', expires_in: 900 }),
    'GET /api/v1/me': () => jsonRes(200, meAs(role)),
    'GET /api/v1/users': () => jsonRes(200, { items: [], next_cursor: null }),
    'GET /api/v1/api-keys': () => jsonRes(200, { items: [], next_cursor: null }),
    'GET /api/v1/webhooks': () => jsonRes(200, { items: hooks, next_cursor: null }),
    'POST /api/v1/webhooks': (init) => {
      const b = JSON.parse(String(init.body)) as Record<string, unknown>
      if (String(b.url).startsWith('http:')) return invalidField('url', 'must be an https URL')
      const created = {
        id: 'w2',
        url: b.url,
        events: b.events,
        description: b.description ?? '',
        created_by: 'admin@acme.test',
        created_at: '2026-11-26T10:00:00Z',
        last_success_at: null,
        last_failure_at: null,
        last_error: null,
      }
      hooks = [created, ...hooks]
      return jsonRes(201, { ...created, secret: SECRET })
    },
    'DELETE /api/v1/webhooks/w1': () => {
      hooks = hooks.filter((h) => h.id !== 'w1')
      return new Response(null, { status: 204 })
    },
    'GET /api/v1/webhooks/w1': () => jsonRes(200, ERP),
    ...extra,
  })
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

describe('Webhooks page', () => {
  it('is reached from Settings and lists URL, events, description, last success, failure and error', async () => {
    server()
    renderApp('/settings')
    fireEvent.click(await screen.findByRole('link', { name: 'Manage webhooks' }))
    expect(await screen.findByRole('heading', { level: 1, name: 'Webhooks' })).toBeTruthy()
    // Settings stays the current place in the navigation.
    expect(screen.getByRole('link', { name: 'Settings', current: 'page' })).toBeTruthy()
    const table = await screen.findByRole('table', { name: 'Webhook endpoints' })
    const row = within(table).getAllByRole('row')[1]
    expect(within(row).getByRole('link', { name: ERP.url }).getAttribute('href')).toBe('/settings/webhooks/w1')
    expect(within(row).getByText('delivery.failed')).toBeTruthy()
    expect(within(row).getByText('delivery.bounced')).toBeTruthy()
    expect(within(row).getByText('ERP production')).toBeTruthy()
    expect(within(row).getByText('HTTP 503 from the endpoint')).toBeTruthy()
    // Last success and last failure are dates, not dashes.
    const cells = within(row).getAllByRole('cell').map((c) => c.textContent)
    expect(cells[3]).not.toBe('—')
    expect(cells[4]).not.toBe('—')
  })

  it('checks the form before sending, then shows the 422 problem under the field it names', async () => {
    const calls = server()
    renderApp('/settings/webhooks')
    await screen.findByRole('table', { name: 'Webhook endpoints' })
    const form = screen.getByRole('form', { name: 'Add webhook' })
    fireEvent.submit(form)
    expect(await within(form).findByText('URL is required.')).toBeTruthy()
    expect(within(form).getByText('Choose at least one event.')).toBeTruthy()
    expect(within(form).getByRole('group', { name: 'Events' }).getAttribute('aria-describedby')).toBeTruthy()
    expect(calls.some((c) => c.key === 'POST /api/v1/webhooks')).toBe(false)

    fireEvent.change(within(form).getByLabelText(/^URL/), { target: { value: 'http://erp.acme.example/hooks' } })
    fireEvent.click(within(form).getByLabelText(/delivery\.sent/))
    fireEvent.submit(form)
    const url = within(form).getByLabelText(/^URL/)
    await waitFor(() => expect(url.getAttribute('aria-invalid')).toBe('true'))
    const describedBy = url.getAttribute('aria-describedby') ?? ''
    const fieldError = describedBy
      .split(' ')
      .map((id) => document.getElementById(id)?.textContent)
      .filter(Boolean)
    expect(fieldError).toContain('must be an https URL')
    const alert = within(form).getByRole('alert')
    expect(alert.textContent).toContain('url: must be an https URL')
    expect(alert.textContent).toContain('rid-422')
    expect(screen.queryByLabelText('Signing secret')).toBeNull()
  })

  it('shows the new secret once with a copy button and how to verify signatures', async () => {
    const writeText = vi.fn(async () => {})
    vi.stubGlobal('navigator', { ...navigator, clipboard: { writeText } })
    const calls = server()
    renderApp('/settings/webhooks')
    await screen.findByRole('table', { name: 'Webhook endpoints' })
    const form = screen.getByRole('form', { name: 'Add webhook' })
    fireEvent.change(within(form).getByLabelText(/^URL/), { target: { value: ' https://hooks.acme.example/dh ' } })
    fireEvent.change(within(form).getByLabelText(/^Description/), { target: { value: 'Warehouse' } })
    fireEvent.click(within(form).getByLabelText(/inbox\.received/))
    fireEvent.click(within(form).getByLabelText(/delivery\.sent/))
    fireEvent.submit(form)

    const secret = (await screen.findByLabelText('Signing secret')) as HTMLInputElement
    expect(secret.value).toBe(SECRET)
    expect(body(calls.find((c) => c.key === 'POST /api/v1/webhooks')!.init)).toEqual({
      url: 'https://hooks.acme.example/dh',
      events: ['delivery.sent', 'inbox.received'],
      description: 'Warehouse',
    })
    const panel = screen.getByRole('region', { name: 'New webhook secret' })
    expect(panel.textContent).toContain('it will not be shown again')
    for (const header of ['DispatchHub-Event-Id', 'DispatchHub-Event-Type', 'DispatchHub-Timestamp', 'DispatchHub-Signature'])
      expect(within(panel).getAllByText(header).length).toBeGreaterThan(0)
    expect(within(panel).getByText('<timestamp>.<body>')).toBeTruthy()
    expect(panel.textContent).toContain('HMAC-SHA256')

    fireEvent.click(within(panel).getByRole('button', { name: 'Copy' }))
    expect(await within(panel).findByRole('button', { name: 'Copied' })).toBeTruthy()
    expect(writeText).toHaveBeenCalledWith(SECRET)

    // Listed at once, without its secret; the form is empty again.
    const table = screen.getByRole('table', { name: 'Webhook endpoints' })
    expect(within(table).getByRole('link', { name: 'https://hooks.acme.example/dh' })).toBeTruthy()
    expect(table.textContent).not.toContain(SECRET)
    expect((within(form).getByLabelText(/^URL/) as HTMLInputElement).value).toBe('')

    fireEvent.click(within(panel).getByRole('button', { name: 'Done' }))
    expect(screen.queryByLabelText('Signing secret')).toBeNull()
    expect(document.body.textContent).not.toContain(SECRET)
  })

  it('deletes an endpoint after an inline confirmation', async () => {
    const calls = server()
    renderApp('/settings/webhooks')
    const table = await screen.findByRole('table', { name: 'Webhook endpoints' })
    fireEvent.click(within(table).getByRole('button', { name: `Delete webhook ${ERP.url}` }))
    const confirm = within(table).getByRole('group', { name: /Delete this webhook\?/ })
    expect(calls.some((c) => c.key === 'DELETE /api/v1/webhooks/w1')).toBe(false)
    fireEvent.click(within(confirm).getByRole('button', { name: 'Delete webhook' }))
    expect(await screen.findByText(`Webhook to ${ERP.url} deleted.`)).toBeTruthy()
    expect(calls.filter((c) => c.key === 'DELETE /api/v1/webhooks/w1')).toHaveLength(1)
    expect(await screen.findByText('No webhooks yet. Add an endpoint below.')).toBeTruthy()
  })

  it('is refused to members, without asking the server', async () => {
    const calls = server('tenant_member')
    renderApp('/settings/webhooks')
    expect(await screen.findByRole('heading', { level: 1, name: 'Not available for your role' })).toBeTruthy()
    expect(screen.queryByRole('link', { name: 'Settings' })).toBeNull()
    expect(calls.some((c) => c.url.pathname.startsWith('/api/v1/webhooks'))).toBe(false)
  })
})

describe('Webhook detail page', () => {
  it('shows the endpoint and its deliveries: loading, attempts, error, next attempt, status filter, empty', async () => {
    let release: () => void = () => {}
    const gate = new Promise<void>((r) => (release = r))
    const calls = server('tenant_admin', {
      'GET /api/v1/webhooks/w1/deliveries': async (_init, url) => {
        const status = url.searchParams.get('status')
        if (!status) {
          await gate
          return jsonRes(200, {
            items: [
              delivery('d1', 'pending', {
                attempts: 3,
                response_status: 503,
                last_error: 'HTTP 503 from the endpoint',
                next_attempt_at: '2026-11-25T10:00:00Z',
              }),
              delivery('d2', 'delivered', { event_type: 'delivery.bounced', response_status: 200, delivered_at: '2026-11-25T08:00:00Z' }),
            ],
            next_cursor: null,
          })
        }
        return jsonRes(200, { items: [], next_cursor: null })
      },
    })
    renderApp('/settings/webhooks/w1')
    expect(await screen.findByRole('heading', { level: 1, name: 'Webhook' })).toBeTruthy()
    expect(screen.getByText('Loading deliveries…')).toBeTruthy()
    expect(screen.getAllByText(ERP.url).length).toBeGreaterThan(0)
    expect(screen.getByText('ERP production')).toBeTruthy()
    release()

    const table = await screen.findByRole('table', { name: 'Webhook deliveries' })
    const [, pending, delivered] = within(table).getAllByRole('row')
    expect(within(pending).getByText('pending')).toBeTruthy()
    expect(within(pending).getByText('3')).toBeTruthy()
    expect(within(pending).getByText('503')).toBeTruthy()
    expect(within(pending).getByText('HTTP 503 from the endpoint')).toBeTruthy()
    expect(within(pending).getByText('e-d1')).toBeTruthy()
    const pendingCells = within(pending).getAllByRole('cell').map((c) => c.textContent)
    expect(pendingCells[5]).not.toBe('—') // next attempt
    const deliveredCells = within(delivered).getAllByRole('cell').map((c) => c.textContent)
    expect(deliveredCells[5]).toBe('—')
    expect(within(delivered).getByText('delivered').className).toContain('badge-ok')

    fireEvent.change(screen.getByLabelText('Status'), { target: { value: 'failed' } })
    expect(await screen.findByText('No failed deliveries.')).toBeTruthy()
    const asked = calls.filter((c) => c.key === 'GET /api/v1/webhooks/w1/deliveries').map((c) => c.url.searchParams.get('status'))
    expect(asked).toEqual([null, 'failed'])
  })

  it('says so when nothing was sent yet, and deletes back to the list', async () => {
    server('tenant_admin', {
      'GET /api/v1/webhooks/w1/deliveries': () => jsonRes(200, { items: [], next_cursor: null }),
    })
    renderApp('/settings/webhooks/w1')
    expect(await screen.findByText(/No deliveries yet/)).toBeTruthy()
    fireEvent.click(screen.getByRole('button', { name: 'Delete webhook' }))
    fireEvent.click(screen.getByRole('button', { name: 'Yes, delete' }))
    expect(await screen.findByRole('heading', { level: 1, name: 'Webhooks' })).toBeTruthy()
    expect(await screen.findByText(`Webhook to ${ERP.url} deleted.`)).toBeTruthy()
    expect(await screen.findByText('No webhooks yet. Add an endpoint below.')).toBeTruthy()
  })

  it('an unknown endpoint shows the server’s answer', async () => {
    server('tenant_admin', {
      'GET /api/v1/webhooks/nope': () => problemRes(404, 'Not Found', { detail: 'Webhook not found.', code: 'not_found', request_id: 'rid-9' }),
    })
    renderApp('/settings/webhooks/nope')
    expect(await screen.findByRole('heading', { level: 1, name: 'Webhook' })).toBeTruthy()
    expect(await screen.findByText(/Webhook not found\./)).toBeTruthy()
    expect(screen.getByText('This webhook does not exist, or it was deleted.')).toBeTruthy()
    expect(screen.queryByText(/not available on this server/)).toBeNull()
  })
})
