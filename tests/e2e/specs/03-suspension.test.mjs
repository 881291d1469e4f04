// Suspension locks a tenant out (I4): the super admin suspends the workspace in one browser; the
// tenant admin, signed in in another, sees "Workspace suspended" on the next request, after a
// reload, and when signing in again; reactivation lets them back in.
import assert from 'node:assert/strict'
import { after, before } from 'node:test'
import { browserTest, clickNav, createTenant, openBrowser, ROOT, settle, uiLogin } from '../lib/harness.mjs'

let tenantUser // the tenant admin's browser
let operator // the super admin's browser
let admin
let tenant

before(async () => {
  ;({ tenant, admin } = await createTenant('Globex E2E', 'e2e-globex'))
  tenantUser = await openBrowser('03-suspension-tenant')
  operator = await openBrowser('03-suspension-operator')
})
after(async () => {
  await tenantUser?.close()
  await operator?.close()
})

async function setStatus(action, reason) {
  const { page } = operator
  await clickNav(page, 'Tenants')
  const row = page.getByRole('row').filter({ hasText: tenant.name })
  const label = action === 'suspend' ? 'Suspend' : 'Activate'
  await row.getByRole('button', { name: `${label} ${tenant.name}` }).click()
  const form = page.getByRole('form', { name: `${label} ${tenant.name}` })
  await form.getByLabel(/^Reason/).fill(reason)
  await form.getByRole('button', { name: `${label} tenant` }).click()
  await form.waitFor({ state: 'detached' })
  await row.getByText(action === 'suspend' ? 'suspended' : 'active', { exact: true }).waitFor()
}

browserTest('the tenant admin works normally before the suspension', () => [tenantUser, operator], async () => {
  await uiLogin(tenantUser.page, admin)
  await tenantUser.page.getByRole('heading', { level: 1, name: 'Dashboard' }).waitFor()
  await clickNav(tenantUser.page, 'Settings')
  await tenantUser.shot('before-suspension')
  await clickNav(tenantUser.page, 'Dashboard')
  tenantUser.assertNoErrors('the workspace before the suspension')

  await uiLogin(operator.page, ROOT)
  await operator.page.getByRole('heading', { level: 1, name: 'Overview' }).waitFor()
})

browserTest('after the super admin suspends the workspace, the next request shows "Workspace suspended"', () => [tenantUser, operator], async () => {
  await setStatus('suspend', 'Compliance review (e2e)')
  await operator.shot('tenant-suspended')

  const { page } = tenantUser
  tenantUser.allow403() // from here on the server answers 403 tenant_suspended, as it should
  // The next request of the already signed-in admin: opening Settings loads /users and /api-keys.
  // (Vendors, Dispatch, Inbox… are not built yet; their endpoints answer 404 before any auth check.)
  await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Settings', exact: true }).click()
  const heading = page.getByRole('heading', { level: 1, name: 'Workspace suspended' })
  await heading.waitFor()
  const text = await page.locator('main').innerText()
  assert.match(text, /suspended by the platform operator/)
  assert.match(text, /Request id/i)
  assert.equal(await page.getByRole('navigation', { name: 'Main' }).count(), 0, 'the workspace is locked: no navigation')
  await tenantUser.shot('suspended-next-request')

  // A reload cannot get around it: the refresh answers 403 too.
  await page.reload()
  await heading.waitFor()
  await tenantUser.shot('suspended-after-reload')

  // "Check again" while still suspended says so.
  await page.getByRole('button', { name: 'Check again' }).click()
  await page.getByText('The workspace is still suspended.').waitFor()
  tenantUser.assertNoErrors('the suspended workspace')
})

browserTest('signing in to a suspended workspace explains why it is refused', () => [tenantUser, operator], async () => {
  const { page } = tenantUser
  await page.getByRole('button', { name: 'Sign out' }).click()
  await page.waitForURL('**/login')
  await page.getByLabel('Email', { exact: true }).fill(admin.email)
  await page.getByLabel('Password', { exact: true }).fill(admin.password)
  await page.getByLabel(/^Workspace/).fill(admin.tenant)
  await page.getByRole('button', { name: 'Sign in' }).click()
  const alert = page.getByRole('alert')
  await alert.waitFor()
  assert.match(await alert.innerText(), /workspace is suspended/i)
  assert.equal(new URL(page.url()).pathname, '/login')
  await tenantUser.shot('login-refused-suspended')
  tenantUser.assertNoErrors('the refused sign-in')
})

browserTest('after reactivation the tenant admin signs in again', () => [tenantUser, operator], async () => {
  await setStatus('activate', 'Review passed (e2e)')
  await operator.shot('tenant-reactivated')
  const { page } = tenantUser
  tenantUser.allow403(false)
  await uiLogin(page, admin)
  await page.getByRole('heading', { level: 1, name: 'Dashboard' }).waitFor()
  await clickNav(page, 'Vendors')
  await settle(page)
  await tenantUser.shot('after-reactivation')
  tenantUser.assertNoErrors('the reactivated workspace')
  operator.assertNoErrors('the operator pages')
})
