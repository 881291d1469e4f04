import { describe, expect, it, vi } from 'vitest'
import { ApiClient, ApiError, buildQuery, errorFromResponse, fieldLabel, filenameFromDisposition, isSuspension, normaliseField } from './client'

function json(status: number, body: unknown, headers: Record<string, string> = {}): Response {
  return new Response(body === undefined ? null : JSON.stringify(body), {
    status,
    headers: { 'Content-Type': 'application/json', ...headers },
  })
}

function problem(status: number, body: Record<string, unknown>, headers: Record<string, string> = {}): Response {
  return new Response(JSON.stringify({ status, ...body }), {
    status,
    headers: { 'Content-Type': 'application/problem+json', ...headers },
  })
}

type Call = { url: string; init: RequestInit }

/** A fetch double answering from a queue of handlers and recording every call. */
function fakeFetch(...answers: ((call: Call) => Response)[]) {
  const calls: Call[] = []
  const fn = vi.fn(async (input: RequestInfo | URL, init?: RequestInit) => {
    const call = { url: String(input), init: init ?? {} }
    calls.push(call)
    const next = answers.shift()
    if (!next) throw new Error(`unexpected request ${call.init.method} ${call.url}`)
    return next(call)
  })
  return { fn, calls }
}

const header = (c: Call, name: string) => new Headers(c.init.headers).get(name)

describe('ApiClient errors', () => {
  it('turns problem+json into an ApiError whose message names the request id', async () => {
    const { fn } = fakeFetch(() =>
      problem(422, {
        type: 'https://dispatchhub.dev/problems/invalid-argument',
        title: 'Invalid input',
        detail: 'name must not be empty',
        code: 'invalid_argument',
        request_id: 'req-123',
        field: 'contacts[0].email',
        errors: [{ field: 'contacts[0].email', reason: 'not an email address' }],
      }),
    )
    const client = new ApiClient({ fetch: fn })
    const err = await client.post('/vendors', { name: '' }).catch((e: unknown) => e)
    expect(err).toBeInstanceOf(ApiError)
    const e = err as ApiError
    expect(e.status).toBe(422)
    expect(e.code).toBe('invalid_argument')
    expect(e.type).toBe('https://dispatchhub.dev/problems/invalid-argument')
    expect(e.requestId).toBe('req-123')
    expect(e.message).toBe('Invalid input: name must not be empty (request id req-123)')
    expect(e.fieldErrors).toEqual([{ field: 'contacts.0.email', message: 'not an email address' }])
  })

  it('falls back to the X-Request-Id header and a status title for non-JSON errors', async () => {
    const res = new Response('<html>bad gateway</html>', {
      status: 502,
      statusText: 'Bad Gateway',
      headers: { 'Content-Type': 'text/html', 'X-Request-Id': 'hdr-9' },
    })
    const e = await errorFromResponse(res)
    expect(e.status).toBe(502)
    expect(e.message).toBe('Bad Gateway (request id hdr-9)')
  })

  it('keeps the status and code of a 404 and a 405 with the server message', async () => {
    const { fn } = fakeFetch(
      () => problem(404, { title: 'Not Found', detail: 'Dispatch not found.', code: 'not_found', request_id: 'r1' }),
      () => problem(405, { title: 'Method Not Allowed', detail: 'Use GET or POST.', code: 'method_not_allowed', request_id: 'r2' }),
    )
    const client = new ApiClient({ fetch: fn })
    const a = (await client.get('/dispatches/d1').catch((e: unknown) => e)) as ApiError
    const b = (await client.get('/dispatches').catch((e: unknown) => e)) as ApiError
    expect([a.status, a.code]).toEqual([404, 'not_found'])
    expect([b.status, b.code]).toEqual([405, 'method_not_allowed'])
    expect(a.message).toBe('Dispatch not found. (request id r1)')
  })

  it('reads field errors only as the server sends them: errors[].field and errors[].reason', async () => {
    const { fn } = fakeFetch(() =>
      problem(422, {
        title: 'Unprocessable Content',
        detail: 'vendor_ids[3]: no such vendor',
        code: 'validation_failed',
        request_id: 'r3',
        field: 'vendor_ids[3]',
        errors: [
          { field: 'vendor_ids[3]', reason: 'no such vendor' },
          { field: 'sender_identity_id', code: 'domain_not_verified', reason: 'the domain is not verified' },
          // missing_merge_value names recipients, not a reason a form can show
          { field: 'vendor.custom.region', recipient: 'ann@acme.test' },
          // other spellings are not the server's
          { pointer: '/name', message: 'is required' },
          { name: 'code', detail: 'is taken' },
        ],
        invalid_params: [{ name: 'q', reason: 'too long' }],
      }),
    )
    const client = new ApiClient({ fetch: fn })
    const e = (await client.post('/lists/l1/members', { vendor_ids: [] }).catch((x: unknown) => x)) as ApiError
    expect(e.fieldErrors).toEqual([
      { field: 'vendor_ids.3', message: 'no such vendor' },
      { field: 'sender_identity_id', message: 'the domain is not verified' },
    ])
  })

  it('keeps Retry-After of a 429', async () => {
    const { fn } = fakeFetch(() => problem(429, { title: 'Too Many Requests' }, { 'Retry-After': '120' }))
    const client = new ApiClient({ fetch: fn })
    const e = (await client.login('a@b.co', 'x').catch((x: unknown) => x)) as ApiError
    expect(e.status).toBe(429)
    expect(e.retryAfter).toBe(120)
  })

  it('wraps network failures in an ApiError with status 0', async () => {
    const client = new ApiClient({ fetch: vi.fn(async () => Promise.reject(new TypeError('Failed to fetch'))) })
    const e = (await client.get('/me').catch((x: unknown) => x)) as ApiError
    expect(e).toBeInstanceOf(ApiError)
    expect(e.status).toBe(0)
    expect(e.message).toContain('could not be reached')
  })
})

describe('ApiClient requests', () => {
  it('sends JSON to /api/v1 with the bearer token and query parameters', async () => {
    const { fn, calls } = fakeFetch(() => json(200, { items: [{ id: 'v1' }], next_cursor: 'c2' }))
    const client = new ApiClient({ fetch: fn })
    client.setAccessToken('tok-1')
    const page = await client.list<{ id: string }>('/vendors', { q: 'acme', status: '', limit: 50, cursor: null })
    expect(page).toEqual({ items: [{ id: 'v1' }], next_cursor: 'c2' })
    expect(calls[0].url).toBe('/api/v1/vendors?q=acme&limit=50')
    expect(header(calls[0], 'Authorization')).toBe('Bearer tok-1')
  })

  it('JSON-encodes object bodies and passes raw bodies through with their content type', async () => {
    const { fn, calls } = fakeFetch(() => json(201, { id: 'x' }), () => json(200, { rows: 1 }))
    const client = new ApiClient({ fetch: fn })
    await client.post('/lists', { name: 'EU' })
    expect(header(calls[0], 'Content-Type')).toBe('application/json')
    expect(calls[0].init.body).toBe('{"name":"EU"}')
    const csv = new Blob(['name\nAcme\n'], { type: 'text/csv' })
    await client.request('POST', '/vendors/import', { body: csv, contentType: 'text/csv' })
    expect(calls[1].init.body).toBe(csv)
    expect(header(calls[1], 'Content-Type')).toBe('text/csv')
  })

  it('returns undefined for 204', async () => {
    const { fn } = fakeFetch(() => new Response(null, { status: 204 }))
    const client = new ApiClient({ fetch: fn })
    await expect(client.del('/suppressions/1')).resolves.toBeUndefined()
  })
})

describe('ApiClient session', () => {
  it('on 401 refreshes once with the cookie and retries the request with the new token', async () => {
    const { fn, calls } = fakeFetch(
      () => problem(401, { title: 'Unauthorized', code: 'token_expired' }),
      () => json(200, { access_token: 'new-token', expires_in: 900 }),
      () => json(200, { user: { id: 'u1' } }),
    )
    const client = new ApiClient({ fetch: fn })
    client.setAccessToken('old-token')
    const me = await client.get<{ user: { id: string } }>('/me')
    expect(me.user.id).toBe('u1')
    expect(calls.map((c) => `${c.init.method} ${c.url}`)).toEqual([
      'GET /api/v1/me',
      'POST /api/v1/auth/refresh',
      'GET /api/v1/me',
    ])
    const refresh = calls[1]
    expect(refresh.init.credentials).toBe('include')
    expect(refresh.init.body).toBe('{}')
    expect(header(refresh, 'Authorization')).toBeNull()
    expect(header(calls[0], 'Authorization')).toBe('Bearer old-token')
    expect(header(calls[2], 'Authorization')).toBe('Bearer new-token')
    expect(client.getAccessToken()).toBe('new-token')
  })

  it('retries only once: a second 401 is returned as an error and signs out', async () => {
    const { fn, calls } = fakeFetch(
      () => problem(401, { title: 'Unauthorized' }),
      () => json(200, { access_token: 'new-token', expires_in: 900 }),
      () => problem(401, { title: 'Unauthorized', request_id: 'r-2' }),
    )
    const client = new ApiClient({ fetch: fn })
    client.setAccessToken('old-token')
    const signedOut = vi.fn()
    client.onSignedOut(signedOut)
    const e = (await client.get('/vendors').catch((x: unknown) => x)) as ApiError
    expect(e.status).toBe(401)
    expect(calls).toHaveLength(3)
    expect(signedOut).toHaveBeenCalledTimes(1)
    expect(client.getAccessToken()).toBeNull()
  })

  it('when the refresh fails the client signs out and the original 401 surfaces', async () => {
    const { fn, calls } = fakeFetch(
      () => problem(401, { title: 'Unauthorized', request_id: 'r-1' }),
      () => problem(401, { title: 'Refresh token reused', code: 'refresh_reused' }),
    )
    const client = new ApiClient({ fetch: fn })
    client.setAccessToken('old-token')
    const signedOut = vi.fn()
    client.onSignedOut(signedOut)
    const e = (await client.get('/dispatches').catch((x: unknown) => x)) as ApiError
    expect(e).toBeInstanceOf(ApiError)
    expect(e.status).toBe(401)
    expect(e.requestId).toBe('r-1')
    expect(calls).toHaveLength(2)
    expect(signedOut).toHaveBeenCalledTimes(1)
    expect(client.getAccessToken()).toBeNull()
  })

  it('concurrent 401s share a single refresh request', async () => {
    let refreshes = 0
    const fn = vi.fn(async (input: RequestInfo | URL, init?: RequestInit) => {
      const url = String(input)
      const auth = new Headers(init?.headers).get('Authorization')
      if (url.endsWith('/auth/refresh')) {
        refreshes++
        await new Promise((r) => setTimeout(r, 5))
        return json(200, { access_token: 'fresh', expires_in: 900 })
      }
      return auth === 'Bearer fresh' ? json(200, { ok: url }) : problem(401, { title: 'Unauthorized' })
    })
    const client = new ApiClient({ fetch: fn })
    client.setAccessToken('stale')
    const results = await Promise.all([client.get('/a'), client.get('/b'), client.get('/c')])
    expect(results).toEqual([{ ok: '/api/v1/a' }, { ok: '/api/v1/b' }, { ok: '/api/v1/c' }])
    expect(refreshes).toBe(1)
  })

  it('does not try to refresh on a failed login', async () => {
    const { fn, calls } = fakeFetch(() => problem(401, { title: 'Invalid credentials', request_id: 'r-l' }))
    const client = new ApiClient({ fetch: fn })
    await expect(client.login('a@b.co', 'wrong')).rejects.toMatchObject({ status: 401, requestId: 'r-l' })
    expect(calls).toHaveLength(1)
  })

  it('login stores the access token in memory and omits an empty tenant', async () => {
    const { fn, calls } = fakeFetch(
      () => json(200, { access_token: 't1', expires_in: 900, refresh_token: 'r1', user: { id: 'u' } }),
      () => json(200, { access_token: 't2', expires_in: 900 }),
    )
    const client = new ApiClient({ fetch: fn })
    await client.login('a@b.co', 'pw')
    expect(JSON.parse(String(calls[0].init.body))).toEqual({ email: 'a@b.co', password: 'pw' })
    expect(client.getAccessToken()).toBe('t1')
    await client.login('a@b.co', 'pw', 'acme')
    expect(JSON.parse(String(calls[1].init.body))).toEqual({ email: 'a@b.co', password: 'pw', tenant: 'acme' })
  })

  it('refresh() resolves false (and never throws) when the endpoint is missing or unreachable', async () => {
    const missing = new ApiClient({ fetch: fakeFetch(() => problem(404, { title: 'Not Found' })).fn })
    await expect(missing.refresh()).resolves.toBe(false)
    const down = new ApiClient({ fetch: vi.fn(async () => Promise.reject(new TypeError('network'))) })
    await expect(down.refresh()).resolves.toBe(false)
  })

  it('logout posts to /auth/logout with the token and forgets it even if the call fails', async () => {
    const { fn, calls } = fakeFetch(() => problem(500, { title: 'boom' }))
    const client = new ApiClient({ fetch: fn })
    client.setAccessToken('t')
    await client.logout()
    expect(calls[0].url).toBe('/api/v1/auth/logout')
    expect(calls[0].init.method).toBe('POST')
    expect(header(calls[0], 'Authorization')).toBe('Bearer t')
    expect(client.getAccessToken()).toBeNull()
  })

  it('download() sends the Authorization header and reads the file name', async () => {
    const { fn, calls } = fakeFetch(
      () =>
        new Response('name\nAcme\n', {
          status: 200,
          headers: { 'Content-Type': 'text/csv', 'Content-Disposition': 'attachment; filename="vendors.csv"' },
        }),
    )
    const client = new ApiClient({ fetch: fn })
    client.setAccessToken('t')
    const { blob, filename } = await client.download('/vendors/export')
    expect(filename).toBe('vendors.csv')
    expect(await blob.text()).toBe('name\nAcme\n')
    expect(header(calls[0], 'Authorization')).toBe('Bearer t')
  })
})

describe('helpers', () => {
  it('buildQuery skips empty values', () => {
    expect(buildQuery({ a: 1, b: '', c: null, d: undefined, e: 'x y' })).toBe('?a=1&e=x+y')
    expect(buildQuery({})).toBe('')
  })
  it('normaliseField turns the server’s bracket paths into the forms’ dotted ones', () => {
    expect(normaliseField('contacts[1].role')).toBe('contacts.1.role')
    expect(normaliseField('recipient_attachments[0].attachment_id')).toBe('recipient_attachments.0.attachment_id')
    expect(normaliseField('limits.send_rate_per_second')).toBe('limits.send_rate_per_second')
    expect(normaliseField('name')).toBe('name')
  })
  it('filenameFromDisposition handles RFC 5987 names', () => {
    expect(filenameFromDisposition("attachment; filename*=UTF-8''vendors%20%C3%A4.csv")).toBe('vendors ä.csv')
    expect(filenameFromDisposition(null)).toBeNull()
  })
})

describe('ApiClient and a suspended workspace (403 tenant_suspended)', () => {
  const suspended = () =>
    problem(403, {
      title: 'Forbidden',
      detail: 'This workspace is suspended; contact the platform operator.',
      code: 'tenant_suspended',
      request_id: 'r-s',
    })

  it('tells the suspension listeners and throws the answer, without signing out', async () => {
    const { fn } = fakeFetch(suspended)
    const client = new ApiClient({ fetch: fn })
    client.setAccessToken('tok')
    const onSuspended = vi.fn()
    const signedOut = vi.fn()
    client.onSuspended(onSuspended)
    client.onSignedOut(signedOut)
    const e = await client.get('/users').catch((x: unknown) => x)
    expect(isSuspension(e)).toBe(true)
    expect((e as ApiError).requestId).toBe('r-s')
    expect(onSuspended).toHaveBeenCalledTimes(1)
    expect(signedOut).not.toHaveBeenCalled()
  })

  it('a refresh refused for suspension resolves false and names the suspension', async () => {
    const { fn } = fakeFetch(suspended)
    const client = new ApiClient({ fetch: fn })
    const onSuspended = vi.fn()
    client.onSuspended(onSuspended)
    await expect(client.refresh()).resolves.toBe(false)
    expect(client.refreshSuspension?.code).toBe('tenant_suspended')
    expect(onSuspended).toHaveBeenCalledTimes(1)
  })

  it('a 401 whose refresh is refused for suspension surfaces the suspension, not a sign-out', async () => {
    const { fn, calls } = fakeFetch(() => problem(401, { title: 'Unauthorized' }), suspended)
    const client = new ApiClient({ fetch: fn })
    client.setAccessToken('expired')
    const signedOut = vi.fn()
    client.onSignedOut(signedOut)
    const e = await client.get('/users').catch((x: unknown) => x)
    expect(isSuspension(e)).toBe(true)
    expect(calls).toHaveLength(2)
    expect(signedOut).not.toHaveBeenCalled()
  })

  it('a refused login does not count as a suspension of the current session', async () => {
    const { fn } = fakeFetch(suspended)
    const client = new ApiClient({ fetch: fn })
    const onSuspended = vi.fn()
    client.onSuspended(onSuspended)
    const e = await client.login('a@b.test', 'pw-pw-pw-pw-pw', 'acme').catch((x: unknown) => x)
    expect(isSuspension(e)).toBe(true)
    expect(onSuspended).not.toHaveBeenCalled()
  })

  it('isSuspension needs the code, not just a 403', () => {
    expect(isSuspension(new ApiError({ status: 403, code: 'forbidden' }))).toBe(false)
    expect(isSuspension(new ApiError({ status: 403, code: 'tenant_suspended' }))).toBe(true)
  })
})

describe('error wording', () => {
  it('drops a bare HTTP reason phrase when there is a detail', () => {
    expect(new ApiError({ status: 422, title: 'Unprocessable Content', detail: 'Price must be positive.' }).message).toBe('Price must be positive.')
    expect(new ApiError({ status: 409, title: 'Conflict', detail: 'Code W1 is taken.', requestId: 'r' }).message).toBe('Code W1 is taken. (request id r)')
    expect(new ApiError({ status: 422, title: 'Invalid input', detail: 'x' }).message).toBe('Invalid input: x')
  })
  it('labels fields as the forms do', () => {
    expect(fieldLabel('price_cents')).toBe('Price')
    expect(fieldLabel('contacts[0].email')).toBe('Contact 1 email')
    expect(fieldLabel('sender_identity_id')).toBe('Sender identity')
  })
})
