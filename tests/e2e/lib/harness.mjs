// Shared helpers of the browser end-to-end specs. run.sh starts the server and passes:
//   E2E_BASE_URL       http://127.0.0.1:<port> of a throwaway `dispatchhub serve`
//   E2E_ROOT_EMAIL / E2E_ROOT_PASSWORD   the super admin created with `admin create-superadmin`
//   E2E_ARTIFACTS      where screenshots go (tests/e2e/artifacts)
//   E2E_CHROMIUM       the browser (default /usr/bin/chromium)
//   E2E_OUTBOX         DATA_DIR/outbox, where the capture transport writes every sent message (.eml)
//   E2E_SMTP_PORT      the server's inbound SMTP listener on 127.0.0.1
//   E2E_BIN / E2E_DATA_DIR   the dispatchhub binary and the server's DATA_DIR, for `admin` commands
//   E2E_DNS_ZONE       the zone file of the DNS server the server's DNS_RESOLVER points at (publishTxt)
//   E2E_CONTRACT_LOG   where each spec appends how many JSON answers the contract check validated
//
// Contract check (lib/contract.mjs): every JSON answer of api() and every /api/v1/ JSON response a
// browser page receives must match the OpenAPI response schema of its method, path and status;
// api() throws on a mismatch, a page's mismatch is one of the errors assertNoErrors() and close() report.
import { chromium } from 'playwright-core'
import { execFileSync } from 'node:child_process'
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { mkdirSync, mkdtempSync, renameSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { checkResponse, recordCounts } from './contract.mjs'

export const BASE = required('E2E_BASE_URL').replace(/\/$/, '')
export const ROOT = { email: required('E2E_ROOT_EMAIL'), password: required('E2E_ROOT_PASSWORD') }
export const ARTIFACTS = process.env.E2E_ARTIFACTS || join(process.cwd(), 'artifacts')
const CHROMIUM = process.env.E2E_CHROMIUM || '/usr/bin/chromium'
export const OUTBOX = process.env.E2E_OUTBOX || ''
export const SMTP_PORT = Number(process.env.E2E_SMTP_PORT || 0)
recordCounts(process.env.E2E_CONTRACT_LOG)

/** Runs `dispatchhub admin …` against the running server's cluster (it adopts it); returns stdout. */
export function adminCommand(...args) {
  return execFileSync(required('E2E_BIN'), ['admin', ...args], {
    env: { ...process.env, DATA_DIR: required('E2E_DATA_DIR') },
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'pipe'], // its log lines (stderr) stay out of the test report
  })
}

// The flags that work for Debian's chromium on the CI machine (docs: TOOLCHAIN.md).
const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
]

function required(name) {
  const v = process.env[name]
  if (!v) throw new Error(`${name} is not set: run the specs through tests/e2e/run.sh`)
  return v
}

/**
 * Which failed requests are expected (Chromium logs every non-2xx fetch as a console error):
 *  - 401 from POST /auth/refresh: no session yet (first visit, after logout);
 *  - 403 when the spec expects a suspended workspace (`allow403`).
 * Every endpoint the UI calls exists now: a 404 from /api/v1 is a bug.
 */
export function expectedFailure(url, status, { allow403 = false } = {}) {
  let path
  try {
    path = new URL(url).pathname
  } catch {
    return false
  }
  if (!path.startsWith('/api/v1/')) return false
  if (status === 401 && path === '/api/v1/auth/refresh') return true
  if (status === 403 && allow403) return true
  return false
}

/**
 * A fresh Chromium (persistent context on a new temporary profile) with error collection:
 * page errors, console errors (minus expected failed requests), and 5xx API answers.
 */
export async function openBrowser(spec, { allow403 = false, permissions = [] } = {}) {
  const profile = mkdtempSync(join(tmpdir(), 'dispatchhub-e2e-profile-'))
  const ctx = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    headless: true,
    args: CHROMIUM_ARGS,
    viewport: { width: 1366, height: 850 },
    baseURL: BASE,
  })
  if (permissions.length) await ctx.grantPermissions(permissions, { origin: BASE })
  // The server's Content-Security-Policy must never get in the app's way: every violation (also
  // one Chromium would only report, not log) becomes a console error, which fails the spec.
  await ctx.addInitScript(() => {
    document.addEventListener('securitypolicyviolation', (e) => {
      console.error(`CSP violation: ${e.effectiveDirective} blocked ${e.blockedURI || 'an inline resource'} at ${e.sourceFile || location.href}:${e.lineNumber}`)
    })
  })
  ctx.setDefaultTimeout(10_000)
  ctx.setDefaultNavigationTimeout(15_000)
  const state = { allow403 }
  const errors = []
  const shotsDir = join(ARTIFACTS, spec)
  mkdirSync(shotsDir, { recursive: true })
  let shotNo = 0

  const watched = new WeakSet()
  // Contract checks of the responses seen, still reading their bodies.
  const checking = new Set()
  const checkContract = async (res) => {
    const url = new URL(res.url())
    if (!url.pathname.startsWith('/api/v1/')) return
    const contentType = res.headers()['content-type'] ?? ''
    if (!contentType.includes('json')) return
    let text
    try {
      text = await res.text()
    } catch {
      return // the page went away before the body was read (a navigation): nothing to check
    }
    let body
    try {
      body = JSON.parse(text)
    } catch {
      errors.push(`contract: ${res.request().method()} ${url.pathname} → ${res.status()}: the ${contentType} body is not JSON`)
      return
    }
    const why = checkResponse({ method: res.request().method(), path: url.pathname, status: res.status(), contentType, body, source: 'browser' })
    if (why) errors.push(why)
  }
  const watch = (page) => {
    if (watched.has(page)) return
    watched.add(page)
    page.on('pageerror', (e) => errors.push(`pageerror on ${page.url()}: ${e.message}`))
    page.on('console', (msg) => {
      if (msg.type() !== 'error') return
      const text = msg.text()
      const failed = /Failed to load resource: the server responded with a status of (\d{3})/.exec(text)
      if (failed && expectedFailure(msg.location().url, Number(failed[1]), state)) return
      errors.push(`console error on ${page.url()}: ${text} ${msg.location().url ?? ''}`.trim())
    })
    page.on('response', (res) => {
      if (res.status() >= 500) errors.push(`HTTP ${res.status()} from ${res.request().method()} ${res.url()}`)
      const check = checkContract(res).catch((e) => errors.push(`contract: checking ${res.url()} failed: ${e.message}`))
      checking.add(check)
      void check.finally(() => checking.delete(check))
    })
  }
  ctx.on('page', watch)
  const page = ctx.pages()[0] ?? (await ctx.newPage())
  watch(page)

  return {
    ctx,
    page,
    errors,
    /** Lets the spec expect 403 answers (a suspended workspace) from now on. */
    allow403(on = true) {
      state.allow403 = on
    },
    /** Saves a full-page screenshot as artifacts/<spec>/<NN>-<name>.png. */
    async shot(name, p = page) {
      shotNo += 1
      const file = join(shotsDir, `${String(shotNo).padStart(2, '0')}-${name.replace(/[^a-z0-9-]+/gi, '-').toLowerCase()}.png`)
      // From the top: a full-page shot of a scrolled page would paint the sticky header mid-page.
      await p.evaluate(() => window.scrollTo(0, 0)).catch(() => {})
      await p.screenshot({ path: file, fullPage: true })
      return file
    },
    /** Fails with every page/console error seen so far, then forgets them. */
    assertNoErrors(what = 'the pages') {
      const seen = errors.splice(0)
      assert.deepEqual(seen, [], `errors while visiting ${what}:\n${seen.join('\n')}`)
    },
    /** Closes the browser; fails when a contract mismatch was seen after the last assertNoErrors(). */
    async close() {
      await Promise.all([...checking])
      await ctx.close().catch(() => {})
      rmSync(profile, { recursive: true, force: true })
      const mismatches = errors.filter((e) => e.startsWith('contract: '))
      assert.deepEqual(mismatches, [], `OpenAPI contract mismatches of ${spec}:\n${mismatches.join('\n')}`)
    },
  }
}

/** Signs in through the login form; resolves when the app has left /login. */
export async function uiLogin(page, { email, password, tenant }) {
  await page.goto('/login')
  await page.getByRole('heading', { name: 'Sign in' }).waitFor()
  await page.getByLabel('Email', { exact: true }).fill(email)
  await page.getByLabel('Password', { exact: true }).fill(password)
  if (tenant) await page.getByLabel(/^Workspace/).fill(tenant)
  await page.getByRole('button', { name: 'Sign in' }).click()
  await page.waitForURL((url) => !url.pathname.startsWith('/login'))
}

/** The accessible names of the main navigation links, in order. */
export async function navLabels(page) {
  const nav = page.getByRole('navigation', { name: 'Main' })
  await nav.waitFor()
  return (await nav.getByRole('link').allTextContents()).map((s) => s.trim())
}

/** Clicks a main-navigation link and waits for the page heading. */
export async function clickNav(page, label, heading = label) {
  await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: label, exact: true }).click()
  await page.getByRole('heading', { level: 1, name: heading, exact: true }).waitFor()
  await settle(page)
}

/**
 * Lets the page's requests settle so a screenshot shows loaded data. Best effort: a page that polls
 * may never be idle for long on a loaded machine, and a tardy screenshot is no failure. Assertions
 * wait for the element they read, never on this.
 */
export async function settle(page) {
  await page.waitForLoadState('networkidle', { timeout: 5_000 }).catch(() => {})
}

/** Logs out through the user menu. */
export async function uiLogout(page) {
  await page.locator('.user-button').click()
  await page.getByRole('button', { name: 'Log out' }).click()
  await page.waitForURL((url) => url.pathname === '/login')
}

/** Polls `fn` until it returns a truthy value; fails with `what` after `timeoutMs`. */
export async function eventually(what, fn, { timeoutMs = 30_000, intervalMs = 250 } = {}) {
  const end = Date.now() + timeoutMs
  for (;;) {
    const v = await fn()
    if (v) return v
    if (Date.now() > end) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`)
    await new Promise((r) => setTimeout(r, intervalMs))
  }
}

// ---- the API, for setting up what a spec does not test through the UI --------------------

export async function api(method, path, { token, body } = {}) {
  const headers = { Accept: 'application/json' }
  if (token) headers.Authorization = `Bearer ${token}`
  if (body !== undefined) headers['Content-Type'] = 'application/json'
  const res = await fetch(BASE + '/api/v1' + path, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) })
  const text = await res.text()
  let data
  try {
    data = text ? JSON.parse(text) : undefined
  } catch {
    data = text
  }
  const contentType = res.headers.get('content-type') ?? ''
  if (contentType.includes('json')) {
    const why = checkResponse({ method, path: '/api/v1' + path, status: res.status, contentType, body: data, source: 'api' })
    if (why) assert.fail(`${why}\nbody: ${text.slice(0, 2000)}`)
  }
  return { status: res.status, data }
}

export async function apiLogin(email, password, tenant) {
  const { status, data } = await api('POST', '/auth/login', { body: tenant ? { email, password, tenant } : { email, password } })
  assert.equal(status, 200, `login ${email}: HTTP ${status} ${JSON.stringify(data)}`)
  return data.access_token
}

/** Creates a tenant as the super admin; returns it with its admin's credentials. */
export async function createTenant(name, slug) {
  const root = await apiLogin(ROOT.email, ROOT.password)
  const admin = { email: `admin@${slug}.test`, password: `Tenant-${slug}-Passw0rd!`, tenant: slug }
  const { status, data } = await api('POST', '/admin/tenants', {
    token: root,
    body: { name, slug, admin_email: admin.email, admin_password: admin.password, admin_name: `${name} Admin` },
  })
  assert.equal(status, 201, `create tenant ${slug}: HTTP ${status} ${JSON.stringify(data)}`)
  return { tenant: data, admin }
}

export const TENANT_NAV = ['Dashboard', 'Vendors', 'Lists', 'Suppressions', 'Dispatch', 'Sent', 'Inbox', 'Tickets']
export const ADMIN_NAV = ['Overview', 'Tenants', 'Domains', 'Plans', 'Invoices', 'Tickets', 'Audit log']

/**
 * Publishes exactly these TXT records ([{name, value}]) in the local DNS server the product looks
 * sending domains up at. Written aside and renamed: a query never reads half a zone.
 */
export function publishTxt(records) {
  const zone = required('E2E_DNS_ZONE')
  const body = { mode: 'answer', records: records.map((r) => ({ name: r.name, type: 'TXT', value: r.value })) }
  writeFileSync(`${zone}.tmp`, JSON.stringify(body))
  renameSync(`${zone}.tmp`, zone)
}

/**
 * node:test's test() plus a screenshot of every open browser when the test fails
 * (artifacts/<spec>/NN-failed-<test>.png), so a red run shows what the page looked like. After a
 * failure the spec's remaining tests are skipped.
 */
let earlierFailure = null
export function browserTest(name, browsers, fn) {
  return test(name, async (t) => {
    // The tests of a spec build on each other: after a failure the rest would only time out.
    if (earlierFailure) return t.skip(`skipped: "${earlierFailure}" failed`)
    try {
      await fn(t)
    } catch (e) {
      earlierFailure = name
      for (const b of browsers()) if (b) await b.shot(`failed-${name.slice(0, 40)}`).catch(() => {})
      throw e
    }
  })
}
