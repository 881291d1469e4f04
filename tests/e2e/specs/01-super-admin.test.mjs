// The super admin signs in, sees the platform navigation, visits every admin page, creates a
// tenant through the form, opens its detail page (plan, status), suspends and reactivates it with
// a reason; the session survives a reload (refresh cookie) and ends with logout.
import assert from 'node:assert/strict'
import { after, before } from 'node:test'
import { ADMIN_NAV, browserTest, clickNav, navLabels, openBrowser, ROOT, settle, uiLogin, uiLogout } from '../lib/harness.mjs'

const ADMIN_HEADINGS = {
  Overview: 'Overview',
  Tenants: 'Tenants',
  Domains: 'Sending domains',
  Plans: 'Plans',
  Invoices: 'Invoices',
  Tickets: 'Ticket queue',
  'Audit log': 'Audit log',
}

let b
before(async () => {
  b = await openBrowser('01-super-admin')
})
after(async () => {
  await b?.close()
})

browserTest('a wrong password is refused with a readable message that names the request id', () => [b], async () => {
  const { page } = b
  await page.goto('/')
  await page.waitForURL('**/login')
  await b.shot('login')
  await page.getByLabel('Email', { exact: true }).fill(ROOT.email)
  await page.getByLabel('Password', { exact: true }).fill('not-the-password-at-all')
  await page.getByRole('button', { name: 'Sign in' }).click()
  const alert = page.getByRole('alert')
  await alert.waitFor()
  assert.match(await alert.innerText(), /request id/i)
  await b.shot('login-refused')
  b.errors.splice(0) // the 401 of the refused sign-in is the point of this test
})

browserTest('super admin signs in and gets the platform navigation', () => [b], async () => {
  const { page } = b
  await uiLogin(page, ROOT)
  assert.equal(new URL(page.url()).pathname, '/admin')
  await page.getByRole('heading', { level: 1, name: 'Overview' }).waitFor()
  assert.deepEqual(await navLabels(page), ADMIN_NAV)
  assert.match(await page.locator('.tenant-ctx').innerText(), /Platform administration/)
  await b.shot('overview')
  b.assertNoErrors('the sign-in')
})

browserTest('every admin page renders without page errors', () => [b], async () => {
  const { page } = b
  for (const label of ADMIN_NAV) {
    await clickNav(page, label, ADMIN_HEADINGS[label])
    await b.shot(`nav-${label}`)
  }
  b.assertNoErrors('the admin pages')
})

let tenantName
browserTest('creates a tenant through the form and finds it in the list', () => [b], async () => {
  const { page } = b
  await clickNav(page, 'Tenants')
  tenantName = 'Initech E2E'
  const form = page.getByRole('form', { name: 'New tenant' })
  await form.getByLabel('Name', { exact: true }).fill(tenantName)
  assert.equal(await form.getByLabel('Slug', { exact: true }).inputValue(), 'initech-e2e', 'the slug follows the name')
  // Client-side validation first: a short password is refused before any request.
  await form.getByLabel('Admin email', { exact: true }).fill('admin@initech-e2e.test')
  await form.getByLabel('Admin password', { exact: true }).fill('short')
  await form.getByRole('button', { name: 'Create tenant' }).click()
  await form.locator('.field-error', { hasText: 'must be at least 12 characters' }).waitFor()
  await form.getByLabel('Admin password', { exact: true }).fill('Initech-Admin-Passw0rd!')
  await form.getByRole('button', { name: 'Create tenant' }).click()
  await form.getByRole('status').filter({ hasText: 'created' }).waitFor()
  const row = page.getByRole('row').filter({ hasText: tenantName })
  await row.waitFor()
  assert.match(await row.innerText(), /initech-e2e/)
  assert.match(await row.innerText(), /active/i)
  await b.shot('tenant-created')

  // The same slug again: the server's 409 is shown as a readable message.
  await form.getByLabel('Name', { exact: true }).fill(tenantName)
  await form.getByLabel('Admin email', { exact: true }).fill('other@initech-e2e.test')
  await form.getByLabel('Admin password', { exact: true }).fill('Initech-Admin-Passw0rd!')
  await form.getByRole('button', { name: 'Create tenant' }).click()
  const problem = form.getByRole('alert')
  await problem.waitFor()
  assert.match(await problem.innerText(), /already exists/i)
  assert.match(await problem.innerText(), /request id/i)
  await b.shot('tenant-slug-taken')
  b.errors.splice(0) // the 409 is the point
})

browserTest('the tenant detail page shows plan and status; suspend and reactivate with a reason', () => [b], async () => {
  const { page } = b
  await page.getByRole('table', { name: 'Tenants' }).getByRole('link', { name: tenantName, exact: true }).click()
  await page.getByRole('heading', { level: 1, name: tenantName }).waitFor()
  await settle(page)
  const status = page.getByTestId('tenant-status')
  assert.equal((await status.innerText()).trim().toLowerCase(), 'active')
  const plan = (await page.getByTestId('tenant-plan').innerText()).trim()
  assert.ok(plan && plan !== '—', `the tenant has a plan (got "${plan}")`)
  await b.shot('tenant-detail')

  await page.getByRole('button', { name: 'Suspend', exact: true }).click()
  const suspend = page.getByRole('form', { name: `Suspend ${tenantName}` })
  await suspend.getByLabel(/^Reason/).fill('Unpaid invoice (e2e)')
  await suspend.getByRole('button', { name: 'Suspend tenant' }).click()
  await suspend.waitFor({ state: 'detached' })
  assert.equal((await status.innerText()).trim().toLowerCase(), 'suspended')
  await page.getByText('Unpaid invoice (e2e)').waitFor()
  await b.shot('tenant-suspended')

  await page.getByRole('button', { name: 'Activate', exact: true }).click()
  const activate = page.getByRole('form', { name: `Activate ${tenantName}` })
  await activate.getByLabel(/^Reason/).fill('Paid (e2e)')
  await activate.getByRole('button', { name: 'Activate tenant' }).click()
  await activate.waitFor({ state: 'detached' })
  assert.equal((await status.innerText()).trim().toLowerCase(), 'active')
  await b.shot('tenant-reactivated')
  b.assertNoErrors('the tenant detail page')
})

browserTest('the session survives a reload (refresh cookie) and ends with logout', () => [b], async () => {
  const { page } = b
  const here = new URL(page.url()).pathname
  await page.reload()
  await page.getByRole('heading', { level: 1, name: tenantName }).waitFor()
  assert.equal(new URL(page.url()).pathname, here)
  await b.shot('after-reload')

  await uiLogout(page)
  await page.getByRole('heading', { name: 'Sign in' }).waitFor()
  // Gone for good: a reload and a deep link both land on the login page.
  await page.goto('/admin/tenants')
  await page.waitForURL('**/login')
  await page.getByRole('heading', { name: 'Sign in' }).waitFor()
  await b.shot('after-logout')
  b.assertNoErrors('reload and logout')
})
