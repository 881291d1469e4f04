// A tenant admin signs in with the workspace slug, visits every page of the navigation without
// page errors, manages users (create, change role, disable, delete with an inline confirm) and
// API keys (created, shown once with a copy button, revoked); a member gets no Settings.
import assert from 'node:assert/strict'
import { after, before } from 'node:test'
import { api, apiLogin, browserTest, clickNav, createTenant, navLabels, openBrowser, settle, TENANT_NAV, uiLogin, uiLogout } from '../lib/harness.mjs'

const HEADINGS = {
  Dashboard: 'Dashboard',
  Vendors: 'Vendors',
  Lists: 'Lists',
  Suppressions: 'Suppressions',
  Dispatch: 'New dispatch',
  Sent: 'Sent',
  Inbox: 'Inbox',
  Tickets: 'Tickets',
  Settings: 'Settings',
}

let b
let admin
let tenant
const member = { email: 'mia.member@e2e-acme.test', name: 'Mia Member', password: 'Mia-Member-Passw0rd!' }

before(async () => {
  ;({ tenant, admin } = await createTenant('Acme E2E', 'e2e-acme'))
  b = await openBrowser('02-tenant-admin', { permissions: ['clipboard-read', 'clipboard-write'] })
})
after(async () => {
  await b?.close()
})

browserTest('tenant admin signs in with the workspace slug and gets the tenant navigation', () => [b], async () => {
  const { page } = b
  await uiLogin(page, admin)
  assert.equal(new URL(page.url()).pathname, '/dashboard')
  await page.getByRole('heading', { level: 1, name: 'Dashboard' }).waitFor()
  assert.deepEqual(await navLabels(page), [...TENANT_NAV, 'Settings'])
  const ctx = await page.locator('.tenant-ctx').innerText()
  assert.match(ctx, /Acme E2E/, 'the header names the workspace')
  assert.match(ctx, /plan/i, 'the header names the plan')
  await settle(page)
  await b.shot('dashboard')
  b.assertNoErrors('the sign-in')
})

browserTest('every page of the navigation renders without page errors', () => [b], async () => {
  const { page } = b
  for (const label of [...TENANT_NAV, 'Settings']) {
    await clickNav(page, label, HEADINGS[label])
    await b.shot(`nav-${label}`)
  }
  b.assertNoErrors('the tenant pages')
})

browserTest('Settings: add a user; change a role, disable and delete another (inline confirm)', () => [b], async () => {
  const { page } = b
  await clickNav(page, 'Settings')
  const users = page.getByRole('table', { name: 'Users' })
  await users.getByRole('row').filter({ hasText: admin.email }).waitFor()
  assert.match(await users.getByRole('row').filter({ hasText: admin.email }).innerText(), /\(you\)/)

  const addUser = async (u) => {
    const form = page.getByRole('form', { name: 'Add user' })
    await form.getByLabel('Email', { exact: true }).fill(u.email)
    await form.getByLabel('Name', { exact: true }).fill(u.name)
    await form.getByLabel('Initial password', { exact: true }).fill(u.password)
    await form.getByRole('button', { name: 'Add user' }).click()
    await form.getByRole('status').filter({ hasText: `User ${u.email} added` }).waitFor()
    await users.getByRole('row').filter({ hasText: u.email }).waitFor()
  }
  await addUser(member)
  const temp = { email: 'temp.user@e2e-acme.test', name: 'Temp User', password: 'Temp-User-Passw0rd!' }
  await addUser(temp)
  await b.shot('users-added')

  const row = users.getByRole('row').filter({ hasText: temp.email })
  await row.getByLabel(`Role of ${temp.email}`).selectOption('tenant_admin')
  await page.getByRole('status').filter({ hasText: `${temp.email}: role changed to Tenant admin` }).waitFor()
  await row.getByRole('button', { name: `Disable ${temp.email}` }).click()
  await page.getByRole('status').filter({ hasText: `${temp.email}: disabled` }).waitFor()
  assert.match(await row.innerText(), /disabled/i)
  await b.shot('user-disabled')

  // The server agrees: the role and status were stored.
  const token = await apiLogin(admin.email, admin.password, admin.tenant)
  const list = await api('GET', '/users', { token })
  const stored = list.data.items.find((u) => u.email === temp.email)
  assert.equal(stored.role, 'tenant_admin')
  assert.equal(stored.status, 'disabled')

  await row.getByRole('button', { name: `Delete ${temp.email}` }).click()
  const confirm = row.getByRole('group', { name: /Delete temp\.user@e2e-acme\.test\?/ })
  await confirm.waitFor()
  await b.shot('user-delete-confirm')
  await confirm.getByRole('button', { name: 'Delete user' }).click()
  await row.waitFor({ state: 'detached' })
  await page.getByRole('status').filter({ hasText: `${temp.email} deleted` }).waitFor()
  await b.shot('user-deleted')
  b.assertNoErrors('user management')
})

browserTest('Settings: an API key is shown once with a copy button, works, and is revoked', () => [b], async () => {
  const { page } = b
  const form = page.getByRole('form', { name: 'Create API key' })
  await form.getByLabel('Key name', { exact: true }).fill('ERP production')
  await form.getByRole('button', { name: 'Create API key' }).click()
  const secret = page.getByLabel('New API key')
  await secret.waitFor()
  const key = await secret.inputValue()
  assert.match(key, /^dh_/, 'the secret is shown')
  await page.getByRole('button', { name: 'Copy', exact: true }).click()
  await page.getByRole('button', { name: 'Copied', exact: true }).waitFor()
  assert.equal(await page.evaluate(() => navigator.clipboard.readText()), key, 'the copy button puts the key on the clipboard')
  await b.shot('api-key-created')

  // The key authenticates as a machine client of this tenant.
  const me = await api('GET', '/me', { token: key })
  assert.equal(me.status, 200)
  assert.equal(me.data.tenant.slug, tenant.slug)

  // Shown once: after "Done" and a reload, only the prefix remains.
  await page.getByRole('button', { name: 'Done', exact: true }).click()
  await secret.waitFor({ state: 'detached' })
  await page.reload()
  await page.getByRole('heading', { level: 1, name: 'Settings' }).waitFor()
  const keys = page.getByRole('table', { name: 'API keys' })
  const row = keys.getByRole('row').filter({ hasText: 'ERP production' })
  await row.waitFor()
  assert.ok(!(await page.content()).includes(key), 'the secret is not shown again')

  await row.getByRole('button', { name: 'Revoke ERP production' }).click()
  await row.getByRole('button', { name: 'Revoke', exact: true }).click()
  await row.getByText('revoked').waitFor()
  await b.shot('api-key-revoked')
  assert.equal((await api('GET', '/me', { token: key })).status, 401, 'a revoked key no longer works')
  b.assertNoErrors('API keys')
})

browserTest('a member signs in without Settings in the navigation and cannot open it', () => [b], async () => {
  const { page } = b
  await uiLogout(page)
  await uiLogin(page, { ...member, tenant: tenant.slug })
  await page.getByRole('heading', { level: 1, name: 'Dashboard' }).waitFor()
  assert.deepEqual(await navLabels(page), TENANT_NAV)
  await page.goto('/settings')
  await page.getByRole('heading', { level: 1, name: 'Not available for your role' }).waitFor()
  await settle(page)
  await b.shot('member-no-settings')
  b.assertNoErrors('the member session')
})
