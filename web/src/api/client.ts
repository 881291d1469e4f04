// The one HTTP client of the web UI.
//
// * Base path /api/v1, JSON in and out.
// * The access token lives in memory only (never localStorage); the refresh token is an
//   HttpOnly cookie the browser sends to POST /auth/refresh.
// * On 401 the client refreshes once (concurrent callers share one refresh request, because
//   a second refresh with an already rotated token would revoke the whole token family)
//   and retries the request once.
// * Error answers (RFC 9457 application/problem+json) become ApiError with a readable
//   message that names the request id.

import type { FieldError, Me, Problem as ProblemSchema, Session } from './schema.gen'

/** One page of a cursor-paginated list (`{items, next_cursor}`, every list answer of the API). */
export interface Page<T> {
  items: T[]
  next_cursor: string | null
}

/** A problem+json answer: the Problem schema plus the extension members some codes add (field, remaining, …). */
export type Problem = ProblemSchema & { [extension: string]: unknown }

/** One field error of a problem answer, with the field named as the forms name it ("contacts.0.email"). */
export interface ProblemFieldError {
  field: string
  message: string
}

export class ApiError extends Error {
  readonly status: number
  readonly type?: string
  readonly title?: string
  readonly detail?: string
  readonly code?: string
  readonly requestId?: string
  readonly retryAfter?: number
  readonly fieldErrors: ProblemFieldError[]
  readonly problem?: Problem

  constructor(init: {
    status: number
    title?: string
    detail?: string
    type?: string
    code?: string
    requestId?: string
    retryAfter?: number
    fieldErrors?: ProblemFieldError[]
    problem?: Problem
  }) {
    super(ApiError.compose(init))
    this.name = 'ApiError'
    this.status = init.status
    this.title = init.title
    this.detail = init.detail
    this.type = init.type
    this.code = init.code
    this.requestId = init.requestId
    this.retryAfter = init.retryAfter
    this.fieldErrors = init.fieldErrors ?? []
    this.problem = init.problem
  }

  /** The message without the request id, for places that show the id separately. */
  get summary(): string {
    return ApiError.compose({ ...this, requestId: undefined })
  }

  private static compose(init: { status: number; title?: string; detail?: string; requestId?: string }): string {
    const detail = init.detail?.trim()
    const rawTitle = init.title?.trim()
    // A bare HTTP reason phrase ("Unprocessable Content", "Conflict") says nothing the detail does not.
    const phraseOnly = !!rawTitle && !!detail && HTTP_PHRASES.has(rawTitle.toLowerCase())
    const title = rawTitle || defaultTitle(init.status)
    let text = phraseOnly && detail ? detail : detail && detail !== title ? `${title}: ${detail}` : title
    if (init.requestId) text += ` (request id ${init.requestId})`
    return text
  }
}

const HTTP_PHRASES = new Set(
  [
    'Bad Request',
    'Unauthorized',
    'Forbidden',
    'Not Found',
    'Method Not Allowed',
    'Conflict',
    'Gone',
    'Payload Too Large',
    'Content Too Large',
    'Unsupported Media Type',
    'Unprocessable Entity',
    'Unprocessable Content',
    'Too Many Requests',
    'Internal Server Error',
    'Bad Gateway',
    'Service Unavailable',
    'Gateway Timeout',
  ].map((p) => p.toLowerCase()),
)

/** "price_cents" → "Price", "contacts.0.email" → "Contact 1 email": field names as the form labels them. */
export function fieldLabel(field: string): string {
  const parts = normaliseField(field).split('.')
  const words: string[] = []
  for (let i = 0; i < parts.length; i++) {
    const p = parts[i]
    if (/^\d+$/.test(p)) continue
    const next = parts[i + 1]
    let w = p.replace(/_(cents|id|ids)$/, '').replace(/[_-]+/g, ' ')
    if (next !== undefined && /^\d+$/.test(next)) w = `${w.replace(/s$/, '')} ${Number(next) + 1}`
    words.push(w)
  }
  const s = words.join(' ').trim()
  return s.charAt(0).toUpperCase() + s.slice(1)
}

function defaultTitle(status: number): string {
  switch (status) {
    case 0:
      return 'Network error: the server could not be reached'
    case 400:
      return 'Bad request'
    case 401:
      return 'Not signed in'
    case 403:
      return 'Not allowed'
    case 404:
      return 'Not found'
    case 405:
      return 'Method not allowed'
    case 409:
      return 'Conflict'
    case 413:
      return 'Request too large'
    case 422:
      return 'Invalid input'
    case 429:
      return 'Too many requests'
    default:
      return status >= 500 ? `Server error (HTTP ${status})` : `Request failed (HTTP ${status})`
  }
}

/**
 * The field errors of a problem answer: the server sends `errors: [{field, reason}]` (the
 * FieldError schema of the OpenAPI document); entries without a reason (the recipients of
 * missing_merge_value) are not field errors a form can show.
 */
export function problemFieldErrors(problem: Pick<Problem, 'errors'> | undefined): ProblemFieldError[] {
  if (!problem || !Array.isArray(problem.errors)) return []
  const out: ProblemFieldError[] = []
  for (const e of problem.errors as unknown[]) {
    if (!e || typeof e !== 'object') continue
    const { field, reason } = e as Partial<FieldError>
    if (typeof field === 'string' && typeof reason === 'string') out.push({ field: normaliseField(field), message: reason })
  }
  return out
}

/** The server names array elements with brackets ("contacts[0].email"); the forms with dots ("contacts.0.email"). */
export function normaliseField(raw: string): string {
  return raw.replace(/\[(\d+)\]/g, '.$1')
}

export type Query = Record<string, string | number | boolean | null | undefined>

export interface RequestOptions {
  query?: Query
  /** JSON-serialisable value, or a raw body (string, Blob, FormData, …) sent as is. */
  body?: unknown
  /** Content type for a raw body (default: the Blob's own type, or text/plain). */
  contentType?: string
  headers?: Record<string, string>
  signal?: AbortSignal
  /** Send the Authorization header and refresh on 401 (default true). */
  auth?: boolean
}

type FetchFn = typeof fetch

export interface ClientOptions {
  baseUrl?: string
  fetch?: FetchFn
}

export function buildQuery(query: Query | undefined): string {
  if (!query) return ''
  const params = new URLSearchParams()
  for (const [k, v] of Object.entries(query)) {
    if (v === undefined || v === null || v === '') continue
    params.set(k, String(v))
  }
  const s = params.toString()
  return s ? `?${s}` : ''
}

function isRawBody(body: unknown): body is BodyInit {
  return (
    typeof body === 'string' ||
    (typeof Blob !== 'undefined' && body instanceof Blob) ||
    (typeof FormData !== 'undefined' && body instanceof FormData) ||
    (typeof URLSearchParams !== 'undefined' && body instanceof URLSearchParams) ||
    body instanceof ArrayBuffer ||
    ArrayBuffer.isView(body)
  )
}

function parseRetryAfter(value: string | null): number | undefined {
  if (!value) return undefined
  const n = Number(value)
  if (Number.isFinite(n)) return n
  const date = Date.parse(value)
  return Number.isNaN(date) ? undefined : Math.max(0, Math.round((date - Date.now()) / 1000))
}

/** Turns a non-2xx response into an ApiError (problem+json, other JSON, or text). */
export async function errorFromResponse(res: Response): Promise<ApiError> {
  const headerId = res.headers.get('x-request-id') ?? undefined
  const retryAfter = parseRetryAfter(res.headers.get('retry-after'))
  const type = res.headers.get('content-type') ?? ''
  let problem: Problem | undefined
  let text = ''
  try {
    if (type.includes('json')) {
      const data: unknown = await res.json()
      if (data && typeof data === 'object') problem = data as Problem
    } else {
      text = (await res.text()).trim()
    }
  } catch {
    // unreadable body: fall back to the status line
  }
  if (problem) {
    return new ApiError({
      status: typeof problem.status === 'number' ? problem.status : res.status,
      title: typeof problem.title === 'string' ? problem.title : undefined,
      detail: typeof problem.detail === 'string' ? problem.detail : undefined,
      type: typeof problem.type === 'string' ? problem.type : undefined,
      code: typeof problem.code === 'string' ? problem.code : undefined,
      requestId: typeof problem.request_id === 'string' ? problem.request_id : headerId,
      retryAfter,
      fieldErrors: problemFieldErrors(problem),
      problem,
    })
  }
  // Plain text / HTML (e.g. a proxy error page): keep it short and readable.
  const short = text && !text.startsWith('<') && text.length <= 200 ? text : undefined
  return new ApiError({
    status: res.status,
    title: res.statusText || undefined,
    detail: short,
    requestId: headerId,
    retryAfter,
  })
}

export class ApiClient {
  readonly baseUrl: string
  private readonly fetchFn: FetchFn
  private accessToken: string | null = null
  private refreshing: Promise<boolean> | null = null
  private signedOutListeners = new Set<() => void>()
  private suspendedListeners = new Set<(error: ApiError) => void>()
  /** Why the last refresh failed (null after a success or when it simply had no session). */
  private lastRefreshError: ApiError | null = null

  constructor(options: ClientOptions = {}) {
    this.baseUrl = options.baseUrl ?? '/api/v1'
    // Bind lazily so tests can replace globalThis.fetch after construction.
    this.fetchFn = options.fetch ?? ((input, init) => globalThis.fetch(input, init))
  }

  getAccessToken(): string | null {
    return this.accessToken
  }

  setAccessToken(token: string | null): void {
    this.accessToken = token
  }

  /** Called when the session is gone (refresh refused after a 401). Returns an unsubscribe function. */
  onSignedOut(listener: () => void): () => void {
    this.signedOutListeners.add(listener)
    return () => this.signedOutListeners.delete(listener)
  }

  /**
   * Called when the server answers 403 `tenant_suspended` to a signed-in request or to a refresh:
   * the workspace was suspended. Returns an unsubscribe function.
   */
  onSuspended(listener: (error: ApiError) => void): () => void {
    this.suspendedListeners.add(listener)
    return () => this.suspendedListeners.delete(listener)
  }

  /** The suspension answer of the last refresh, if that is why it failed. */
  get refreshSuspension(): ApiError | null {
    return this.lastRefreshError && isSuspension(this.lastRefreshError) ? this.lastRefreshError : null
  }

  private notifySuspended(error: ApiError): void {
    for (const l of Array.from(this.suspendedListeners)) l(error)  // a copy: a listener may unsubscribe
  }

  private signOutLocally(): void {
    const hadToken = this.accessToken !== null
    this.accessToken = null
    if (hadToken) for (const l of Array.from(this.signedOutListeners)) l()
  }

  private async send(method: string, path: string, opts: RequestOptions, token: string | null): Promise<Response> {
    const headers: Record<string, string> = { Accept: 'application/json, application/problem+json', ...opts.headers }
    let body: BodyInit | undefined
    if (opts.body !== undefined) {
      if (isRawBody(opts.body)) {
        body = opts.body
        const blobType = typeof Blob !== 'undefined' && opts.body instanceof Blob ? opts.body.type : ''
        const ct = opts.contentType ?? (blobType || (typeof opts.body === 'string' ? 'text/plain' : ''))
        if (ct) headers['Content-Type'] = ct
      } else {
        body = JSON.stringify(opts.body)
        headers['Content-Type'] = 'application/json'
      }
    }
    if (token && opts.auth !== false) headers.Authorization = `Bearer ${token}`
    try {
      return await this.fetchFn(this.baseUrl + path + buildQuery(opts.query), {
        method,
        headers,
        body,
        signal: opts.signal,
        credentials: 'include',
      })
    } catch (e) {
      if (e instanceof DOMException && e.name === 'AbortError') throw e
      if (e instanceof Error && e.name === 'AbortError') throw e
      throw new ApiError({ status: 0, detail: e instanceof Error ? e.message : undefined })
    }
  }

  /** Sends a request and returns the raw successful Response (after 401 → refresh → retry). */
  async fetchResponse(method: string, path: string, opts: RequestOptions = {}): Promise<Response> {
    const token = this.accessToken
    let res = await this.send(method, path, opts, token)
    if (res.status === 401 && opts.auth !== false) {
      // Another request may already have obtained a fresh token; otherwise refresh now.
      const current = this.accessToken
      const ok = current !== null && current !== token ? true : await this.refresh()
      if (ok) {
        res = await this.send(method, path, opts, this.accessToken)
        if (res.status === 401) this.signOutLocally()
      } else {
        // A suspended workspace is not a lost session: keep the user where they are and say why.
        const suspended = this.refreshSuspension
        if (suspended) throw suspended
        this.signOutLocally()
      }
    }
    if (!res.ok) {
      const error = await errorFromResponse(res)
      if (opts.auth !== false && isSuspension(error)) this.notifySuspended(error)
      throw error
    }
    return res
  }

  async request<T>(method: string, path: string, opts: RequestOptions = {}): Promise<T> {
    const res = await this.fetchResponse(method, path, opts)
    if (res.status === 204 || res.status === 205) return undefined as T
    const type = res.headers.get('content-type') ?? ''
    if (type.includes('json')) {
      const text = await res.text()
      return (text ? JSON.parse(text) : undefined) as T
    }
    return (await res.text()) as T
  }

  get<T>(path: string, query?: Query, signal?: AbortSignal): Promise<T> {
    return this.request<T>('GET', path, { query, signal })
  }

  post<T>(path: string, body?: unknown, opts: Omit<RequestOptions, 'body'> = {}): Promise<T> {
    return this.request<T>('POST', path, { ...opts, body: body ?? {} })
  }

  patch<T>(path: string, body: unknown, opts: Omit<RequestOptions, 'body'> = {}): Promise<T> {
    return this.request<T>('PATCH', path, { ...opts, body })
  }

  put<T>(path: string, body: unknown, opts: Omit<RequestOptions, 'body'> = {}): Promise<T> {
    return this.request<T>('PUT', path, { ...opts, body })
  }

  del<T = void>(path: string, opts: RequestOptions = {}): Promise<T> {
    return this.request<T>('DELETE', path, opts)
  }

  /** One page of a cursor-paginated list. */
  async list<T>(path: string, query: Query = {}, signal?: AbortSignal): Promise<Page<T>> {
    const page = await this.get<Page<T> | T[] | undefined>(path, query, signal)
    if (Array.isArray(page)) return { items: page, next_cursor: null }
    return { items: Array.isArray(page?.items) ? page.items : [], next_cursor: page?.next_cursor ?? null }
  }

  /** Downloads a file with the Authorization header (the token is not a cookie). */
  async download(path: string, query?: Query): Promise<{ blob: Blob; filename: string | null }> {
    const res = await this.fetchResponse('GET', path, {
      query,
      headers: { Accept: 'text/csv, application/octet-stream, */*' },
    })
    return { blob: await res.blob(), filename: filenameFromDisposition(res.headers.get('content-disposition')) }
  }

  // ---- session -------------------------------------------------------------------------

  /**
   * Exchanges the HttpOnly refresh cookie for a new access token. Resolves true on success.
   * Concurrent calls share a single request.
   */
  refresh(): Promise<boolean> {
    if (!this.refreshing) {
      this.refreshing = this.doRefresh().finally(() => {
        this.refreshing = null
      })
    }
    return this.refreshing
  }

  private async doRefresh(): Promise<boolean> {
    this.lastRefreshError = null
    try {
      const res = await this.send('POST', '/auth/refresh', { body: {}, auth: false }, null)
      if (!res.ok) {
        const error = await errorFromResponse(res)
        this.lastRefreshError = error
        if (isSuspension(error)) this.notifySuspended(error)
        return false
      }
      const data = (await res.json()) as Partial<Session>
      if (!data || typeof data.access_token !== 'string' || !data.access_token) return false
      this.accessToken = data.access_token
      return true
    } catch {
      return false
    }
  }

  async login(email: string, password: string, tenant?: string): Promise<Session> {
    const body: Record<string, string> = { email, password }
    if (tenant) body.tenant = tenant
    const data = await this.request<Session>('POST', '/auth/login', { body, auth: false })
    if (!data || typeof data.access_token !== 'string') {
      throw new ApiError({ status: 502, title: 'Unexpected answer from the server', detail: 'no access token' })
    }
    this.accessToken = data.access_token
    return data
  }

  me(signal?: AbortSignal): Promise<Me> {
    return this.get<Me>('/me', undefined, signal)
  }

  /** Ends the session on the server (best effort) and forgets the token. */
  async logout(): Promise<void> {
    const token = this.accessToken
    this.accessToken = null
    try {
      const res = await this.send('POST', '/auth/logout', { body: {}, auth: true }, token)
      void res.body?.cancel()
    } catch {
      // the local session is gone either way
    }
  }
}

export function filenameFromDisposition(header: string | null): string | null {
  if (!header) return null
  const star = /filename\*\s*=\s*(?:UTF-8'')?([^;]+)/i.exec(header)
  if (star) {
    try {
      return decodeURIComponent(star[1].trim().replace(/^"|"$/g, ''))
    } catch {
      /* fall through */
    }
  }
  const plain = /filename\s*=\s*"?([^";]+)"?/i.exec(header)
  return plain ? plain[1].trim() : null
}

/** 403 `tenant_suspended`: the caller's workspace is suspended by the platform operator. */
export function isSuspension(err: unknown): err is ApiError {
  return err instanceof ApiError && err.status === 403 && err.code === 'tenant_suspended'
}

/** Error → text for the UI. */
export function errorMessage(err: unknown): string {
  if (err instanceof ApiError) return err.message
  if (err instanceof Error) return err.message
  return String(err)
}

export function isAbort(err: unknown): boolean {
  return (
    (err instanceof DOMException && err.name === 'AbortError') ||
    (err instanceof Error && err.name === 'AbortError')
  )
}

/** The application's shared client. */
export const api = new ApiClient()
