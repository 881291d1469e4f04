// The web UI as delivered (security headers, compressed JS, first paint) and the super admin's
// console: a plan edited and retired, a tenant created on a chosen plan with a named admin, a
// vendor-limit override set from the tenant page (and felt by the tenant), cleared again, and a
// billing period closed with "Close period now", whose answer is the CLI's line.
import assert from 'node:assert/strict'
import { after, before } from 'node:test'
import { adminCommand, api, apiLogin, BASE, browserTest, clickNav, openBrowser, ROOT, uiLogin } from '../lib/harness.mjs'

const SILVER = 'E2E Silver'
const BRONZE = 'E2E Bronze'
const NEW_TENANT = { name: 'Console E2E', slug: 'console-e2e', admin: 'Grace Console', email: 'grace@console-e2e.test', password: 'Console-E2e-Passw0rd!' }
/** What the login page may transfer as JavaScript (compressed); about 100 KB today. */
const LOGIN_JS_BUDGET_BYTES = 200 * 1024

let b
let root
before(async () => {
  root = await apiLogin(ROOT.email, ROOT.password)
  for (const [name, emails] of [[SILVER, 3000], [BRONZE, 1000]]) {
    const { status, data } = await api('POST', '/admin/plans', {
      token: root,
      body: {
        name,
        price_cents: 1900,
        currency: 'EUR',
        overage_cents_per_1000: null,
        limits: { emails_per_period: emails, recipients_per_dispatch: 500, vendors: 100, users: 5, send_rate_per_second: 0, attachment_bytes: 10485760 },
      },
    })
    assert.equal(status, 201, `create plan ${name}: ${JSON.stringify(data)}`)
  }
  b = await openBrowser('08-admin-console')
})
after(async () => {
  await b?.close()
})

const kb = (n) => (n / 1024).toFixed(1)

browserTest('the login page comes with its security headers, compressed JS and a first paint', () => [b], async (t) => {
  const { page } = b
  const scripts = []
  page.on('response', (res) => {
    if (/\/assets\/[^/]+\.js$/.test(new URL(res.url()).pathname)) scripts.push(res)
  })
  const doc = await page.goto('/login')
  await page.getByRole('heading', { name: 'Sign in' }).waitFor()
  const headers = doc.headers()
  assert.match(headers['content-security-policy'] ?? '', /script-src 'self';/)
  assert.match(headers['content-security-policy'] ?? '', /frame-ancestors 'none'/)
  assert.equal(headers['x-frame-options'], 'DENY')
  assert.equal(headers['referrer-policy'], 'same-origin')
  assert.equal(headers['x-content-type-options'], 'nosniff')

  assert.ok(scripts.length > 0, 'the login page loads its bundle')
  for (const res of scripts) {
    assert.match(res.headers()['content-encoding'] ?? '', /^(br|gzip)$/, `${res.url()} is sent compressed`)
    assert.equal(res.headers()['vary'], 'Accept-Encoding')
  }
  // Resource Timing: what crossed the wire (encoded) against what the browser ran (decoded).
  const perf = await page.evaluate(() => {
    const fcp = performance.getEntriesByName('first-contentful-paint')[0]
    const js = performance
      .getEntriesByType('resource')
      .filter((e) => new URL(e.name).pathname.endsWith('.js'))
      .map((e) => ({ name: e.name, encoded: e.encodedBodySize, decoded: e.decodedBodySize }))
    return { fcp: fcp ? fcp.startTime : null, js }
  })
  assert.ok(perf.fcp !== null, 'the browser recorded a first contentful paint')
  const encoded = perf.js.reduce((n, e) => n + e.encoded, 0)
  const decoded = perf.js.reduce((n, e) => n + e.decoded, 0)
  for (const e of perf.js) assert.ok(e.encoded * 2 < e.decoded, `${e.name}: ${e.encoded} bytes sent for ${e.decoded}`)
  assert.ok(encoded <= LOGIN_JS_BUDGET_BYTES, `login JS transferred ${kb(encoded)} KB, budget ${kb(LOGIN_JS_BUDGET_BYTES)} KB`)
  const line = `budget: /login first contentful paint ${perf.fcp.toFixed(0)} ms; JS ${kb(encoded)} KB transferred (${kb(decoded)} KB uncompressed, ${scripts.map((r) => r.headers()['content-encoding']).join(', ')})`
  console.log(line)
  t.diagnostic(line)
  await b.shot('login')
  b.assertNoErrors('the login page under its CSP')
})

browserTest('no other site can frame the app', () => [b], async () => {
  const probe = await b.ctx.newPage()
  // A page of another origin (about:blank) framing the sign-in page; load waits for the frame.
  await probe.setContent(`<iframe src="${BASE}/login" title="framed"></iframe>`, { waitUntil: 'load' })
  const framed = probe.frameLocator('iframe[title="framed"]')
  assert.equal(await framed.getByRole('heading', { name: 'Sign in' }).count(), 0, 'the framed app did not render')
  await probe.close()
  // Chromium reports the refused frame on the console; that refusal is the point here.
  const other = b.errors.splice(0).filter((e) => !/frame-ancestors|Refused to (frame|display)/.test(e))
  assert.deepEqual(other, [])
})

browserTest('the super admin edits a plan and retires it; its tenants would keep it', () => [b], async () => {
  const { page } = b
  await uiLogin(page, ROOT)
  await clickNav(page, 'Plans')
  const table = page.getByRole('table', { name: 'Plans' })
  await table.getByRole('button', { name: `Edit ${SILVER}` }).click()
  const form = page.getByRole('form', { name: `Edit plan ${SILVER}` })
  assert.equal(await form.getByLabel('Emails per period').inputValue(), '3000')
  await form.getByLabel('Emails per period').fill('3500')
  await form.getByRole('button', { name: 'Save plan' }).click()
  await page.getByText(`Plan ${SILVER} saved.`).waitFor()
  const row = table.getByRole('row').filter({ hasText: SILVER })
  assert.match(await row.innerText(), /3,500/)

  await table.getByRole('button', { name: `Retire ${SILVER}` }).click()
  await page.getByRole('button', { name: 'Retire plan' }).click()
  await page.getByText(`Plan ${SILVER} retired: its tenants keep it, new tenants cannot choose it.`).waitFor()
  await row.getByText('retired', { exact: true }).waitFor()
  await row.getByRole('button', { name: `Offer ${SILVER} again` }).waitFor()
  await b.shot('plans-retired')
  b.assertNoErrors('editing and retiring a plan')
})

browserTest('a new tenant starts on the chosen plan with a named admin; retired plans are not offered', () => [b], async () => {
  const { page } = b
  await clickNav(page, 'Tenants')
  const form = page.getByRole('form', { name: 'New tenant' })
  const picker = form.getByLabel('Plan', { exact: true })
  await picker.locator('option').filter({ hasText: BRONZE }).waitFor({ state: 'attached' })
  const offered = await picker.locator('option').allTextContents()
  assert.ok(!offered.some((o) => o.startsWith(SILVER)), `a retired plan is not offered: ${offered}`)
  await picker.selectOption({ label: `${BRONZE} · €19.00 a month` })
  await form.getByLabel('Name', { exact: true }).fill(NEW_TENANT.name)
  await form.getByLabel('Admin name', { exact: true }).fill(NEW_TENANT.admin)
  await form.getByLabel('Admin email', { exact: true }).fill(NEW_TENANT.email)
  await form.getByLabel('Admin password', { exact: true }).fill(NEW_TENANT.password)
  await form.getByRole('button', { name: 'Create tenant' }).click()
  await form.getByText(`plan ${BRONZE}, admin ${NEW_TENANT.email} (${NEW_TENANT.admin})`).waitFor()
  await b.shot('tenant-created')

  const token = await apiLogin(NEW_TENANT.email, NEW_TENANT.password, NEW_TENANT.slug)
  const users = await api('GET', '/users', { token })
  assert.equal(users.data.items[0].name, NEW_TENANT.admin)
  const usage = await api('GET', '/usage', { token })
  assert.equal(usage.data.limit, 1000, "the Bronze plan's emails per period")
  b.assertNoErrors('creating a tenant')
})

browserTest('an override set on the tenant page binds that tenant at once and clears again', () => [b], async () => {
  const { page } = b
  await page.getByRole('table', { name: 'Tenants' }).getByRole('link', { name: NEW_TENANT.name, exact: true }).click()
  await page.getByRole('heading', { level: 1, name: NEW_TENANT.name }).waitFor()
  await page.getByRole('button', { name: 'Set override for Vendors' }).click()
  const form = page.getByRole('form', { name: 'Override Vendors' })
  await form.getByLabel('Vendors override').fill('1.5')
  await form.getByRole('button', { name: 'Save' }).click()
  await form.getByText('Vendors is a whole number (0 or more).').waitFor()
  await form.getByLabel('Vendors override').fill('2')
  await form.getByRole('button', { name: 'Save' }).click()
  await page.getByTestId('override-vendors').getByText('2', { exact: true }).waitFor()
  await b.shot('override-set')

  const token = await apiLogin(NEW_TENANT.email, NEW_TENANT.password, NEW_TENANT.slug)
  for (const name of ['First', 'Second']) assert.equal((await api('POST', '/vendors', { token, body: { name } })).status, 201)
  const over = await api('POST', '/vendors', { token, body: { name: 'Third' } })
  assert.equal(over.status, 409)
  assert.equal(over.data.code, 'vendor_limit_reached')

  await page.getByRole('button', { name: 'Clear override for Vendors' }).click()
  await page.getByRole('button', { name: 'Set override for Vendors' }).waitFor()
  assert.equal(await page.getByTestId('override-vendors').innerText(), '—')
  assert.equal((await api('POST', '/vendors', { token, body: { name: 'Third' } })).status, 201, "the plan's limit again")
  b.assertNoErrors('overrides')
})

browserTest('Close period now asks first and answers what the CLI prints', () => [b], async () => {
  const { page } = b
  await clickNav(page, 'Invoices')
  await page.getByRole('button', { name: 'Close period now' }).click()
  const form = page.getByRole('form', { name: 'Close billing period' })
  await form.getByText('a tenant already invoiced for the period gets no second invoice', { exact: false }).waitFor()
  // The running month: the tenant created above exists in it (last month it did not yet).
  const month = new Date().toISOString().slice(0, 7)
  await form.getByLabel(/^Period/).fill(month)
  await form.getByText(`${month} is still running`, { exact: false }).waitFor()
  await b.shot('close-period-confirm')
  await form.getByRole('button', { name: `Close period ${month}` }).click()
  const summary = await page.getByTestId('close-summary').innerText()
  const m = new RegExp(`^period ${month} closed: (\\d+) invoice\\(s\\) created, (\\d+) already invoiced$`).exec(summary)
  assert.ok(m, summary)
  assert.ok(Number(m[1]) >= 1, `the new tenant is invoiced: ${summary}`)
  const invoices = page.getByRole('table', { name: 'Invoices' })
  await invoices.getByRole('row').filter({ hasText: NEW_TENANT.name }).waitFor()
  await b.shot('close-period-done')

  const total = Number(m[1]) + Number(m[2])
  const cli = adminCommand('close-period', '--period', month)
  assert.match(cli, new RegExp(`period ${month} closed: 0 invoice\\(s\\) created, ${total} already invoiced`), cli)
  b.assertNoErrors('closing a period')
})
