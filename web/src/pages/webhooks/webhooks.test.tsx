// The webhook pages against the shapes the real server answers (src/webhooks/webhook_routes.cpp,
// api/openapi/70-webhooks.json): list, create with the secret shown once, 422 naming the field,
// delete with an inline confirm, an endpoint's deliveries by status, rotating the secret (the new
// one shown once), redelivering a finished delivery and the 409 for one in progress; members are
// refused.
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
const ROTATED = 'whsec_ZyXwVuTsRqPoNmLkJiHgFeDcBa9876543210zyxwvut'

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
    expect(screen.queryByText(/Could not load/)).toBeNull()
  })
})

describe('Rotating the signing secret', () => {
  const ROTATE = 'POST /api/v1/webhooks/w1/rotate-secret'
  const noDeliveries = () => jsonRes(200, { items: [], next_cursor: null })

  it('asks first (the current secret stops working at once), then shows the new secret once and the endpoint as answered', async () => {
    const writeText = vi.fn(async () => {})
    vi.stubGlobal('navigator', { ...navigator, clipboard: { writeText } })
    const calls = server('tenant_admin', {
      'GET /api/v1/webhooks/w1/deliveries': noDeliveries,
      // The endpoint as GET answers it now, plus the new secret.
      [ROTATE]: () => jsonRes(200, { ...ERP, description: 'ERP production (rotated)', secret: ROTATED }),
    })
    renderApp('/settings/webhooks/w1')
    fireEvent.click(await screen.findByRole('button', { name: 'Rotate secret' }))
    const ask = screen.getByRole('group', { name: /Rotate the signing secret\?/ })
    expect(ask.textContent).toContain('The current secret stops working at once.')
    fireEvent.click(within(ask).getByRole('button', { name: 'Keep' }))
    expect(calls.some((c) => c.key === ROTATE)).toBe(false)

    fireEvent.click(screen.getByRole('button', { name: 'Rotate secret' }))
    fireEvent.click(screen.getByRole('button', { name: 'Yes, rotate' }))
    const secret = (await screen.findByLabelText('Signing secret')) as HTMLInputElement
    expect(secret.value).toBe(ROTATED)
    const posts = calls.filter((c) => c.key === ROTATE)
    expect(posts).toHaveLength(1)
    expect(body(posts[0].init)).toEqual({})

    // The same panel as after registering: copy button and how to verify a request.
    const panel = screen.getByRole('region', { name: 'New webhook secret' })
    expect(panel.textContent).toContain(`New signing secret for ${ERP.url}. The previous one no longer works`)
    expect(panel.textContent).toContain('it will not be shown again')
    expect(within(panel).getByText('<timestamp>.<body>')).toBeTruthy()
    expect(within(panel).getAllByText('DispatchHub-Signature').length).toBeGreaterThan(0)
    fireEvent.click(within(panel).getByRole('button', { name: 'Copy' }))
    expect(await within(panel).findByRole('button', { name: 'Copied' })).toBeTruthy()
    expect(writeText).toHaveBeenCalledWith(ROTATED)

    // The endpoint shows what the rotation answered, without its secret.
    expect(screen.getByText('ERP production (rotated)')).toBeTruthy()
    expect(screen.getAllByDisplayValue(ROTATED)).toHaveLength(1)
    expect(document.body.textContent).not.toContain(ROTATED)

    fireEvent.click(within(panel).getByRole('button', { name: 'Done' }))
    expect(screen.queryByLabelText('Signing secret')).toBeNull()
    expect(screen.queryByDisplayValue(ROTATED)).toBeNull()
    expect(calls.filter((c) => c.key === ROTATE)).toHaveLength(1)
  })

  it('shows why a rotation failed, and no secret', async () => {
    server('tenant_admin', {
      'GET /api/v1/webhooks/w1/deliveries': noDeliveries,
      [ROTATE]: () => problemRes(404, 'Not Found', { detail: 'Webhook not found.', code: 'not_found', request_id: 'rid-rot' }),
    })
    renderApp('/settings/webhooks/w1')
    fireEvent.click(await screen.findByRole('button', { name: 'Rotate secret' }))
    fireEvent.click(screen.getByRole('button', { name: 'Yes, rotate' }))
    const alert = await screen.findByText(/Could not rotate the secret/)
    expect(alert.textContent).toContain('Webhook not found.')
    expect(alert.textContent).toContain('rid-rot')
    expect(screen.queryByLabelText('Signing secret')).toBeNull()
  })
})

describe('Redelivering a delivery', () => {
  const LIST = 'GET /api/v1/webhooks/w1/deliveries'
  const finished = () => [
    delivery('d1', 'pending', { attempts: 2, next_attempt_at: '2026-11-25T10:00:00Z' }),
    delivery('d2', 'sending'),
    delivery('d3', 'delivered', { response_status: 200, delivered_at: '2026-11-25T08:00:00Z' }),
    delivery('d4', 'failed', { attempts: 9, response_status: 500, last_error: 'HTTP 500 from the endpoint' }),
  ]
  const rows = () => within(screen.getByRole('table', { name: 'Webhook deliveries' })).getAllByRole('row').slice(1)
  const redeliverButton = (row: HTMLElement) => within(row).queryByRole('button', { name: /^Redeliver/ })

  it('is offered on delivered and failed rows only; the row starts over as pending', async () => {
    const calls = server('tenant_admin', {
      [LIST]: () => jsonRes(200, { items: finished(), next_cursor: null }),
      'POST /api/v1/webhooks/w1/deliveries/d4/redeliver': () =>
        jsonRes(202, delivery('d4', 'pending', { attempts: 0, next_attempt_at: '2026-11-26T10:00:00Z' })),
    })
    renderApp('/settings/webhooks/w1')
    await screen.findByRole('table', { name: 'Webhook deliveries' })
    expect(rows().map((r) => redeliverButton(r) !== null)).toEqual([false, false, true, true])

    fireEvent.click(within(rows()[3]).getByRole('button', { name: 'Redeliver event e-d4' }))
    expect(await screen.findByText('Event e-d4 will be delivered again.')).toBeTruthy()
    const posts = calls.filter((c) => c.key === 'POST /api/v1/webhooks/w1/deliveries/d4/redeliver')
    expect(posts).toHaveLength(1)
    expect(body(posts[0].init)).toEqual({})

    const row = rows()[3]
    expect(within(row).getByText('pending')).toBeTruthy()
    expect(within(row).queryByText('failed')).toBeNull()
    const cells = within(row).getAllByRole('cell').map((c) => c.textContent)
    expect(cells[2]).toBe('0') // attempts
    expect(cells[5]).not.toBe('—') // next attempt
    expect(redeliverButton(row)).toBeNull()
    // The answer took the row's place: the others are as they were, the list was not asked again.
    expect(redeliverButton(rows()[2])).not.toBeNull()
    expect(calls.filter((c) => c.key === LIST)).toHaveLength(1)
  })

  it('shows the server’s reason when the delivery is already in progress (409) and reloads the list', async () => {
    let current = finished()
    const detail = 'This delivery is already pending or being sent; redeliver it once it is delivered or failed.'
    const calls = server('tenant_admin', {
      [LIST]: () => jsonRes(200, { items: current, next_cursor: null }),
      'POST /api/v1/webhooks/w1/deliveries/d3/redeliver': () => {
        // Someone else redelivered it a moment ago.
        current = current.map((d) => (d.id === 'd3' ? { ...d, status: 'sending', attempts: 1 } : d))
        return problemRes(409, 'Conflict', {
          type: 'https://dispatchhub.dev/problems/webhook_delivery_in_progress',
          code: 'webhook_delivery_in_progress',
          detail,
          request_id: 'rid-409',
        })
      },
    })
    renderApp('/settings/webhooks/w1')
    await screen.findByRole('table', { name: 'Webhook deliveries' })
    fireEvent.click(within(rows()[2]).getByRole('button', { name: 'Redeliver event e-d3' }))

    const section = screen.getByRole('region', { name: 'Deliveries' })
    const alert = await within(section).findByRole('alert')
    expect(alert.textContent).toContain('Could not redeliver')
    expect(alert.textContent).toContain(detail)
    expect(alert.textContent).toContain('rid-409')
    expect(calls.filter((c) => c.key === 'POST /api/v1/webhooks/w1/deliveries/d3/redeliver')).toHaveLength(1)
    // The list is read again and shows where the delivery stands, without the button.
    await waitFor(() => expect(within(rows()[2]).getByText('sending')).toBeTruthy())
    expect(redeliverButton(rows()[2])).toBeNull()
    expect(calls.filter((c) => c.key === LIST)).toHaveLength(2)
    expect(screen.queryByText(/will be delivered again/)).toBeNull()
  })
})
