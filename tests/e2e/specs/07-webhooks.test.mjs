// A tenant admin manages webhooks from Settings: the form's own checks, the server's 422 naming the
// field, an endpoint registered with its signing secret shown once (copy button, how to verify),
// listed, its (empty) deliveries with the status filter, its secret rotated after an inline confirm,
// deleted with an inline confirm; a member is refused the page and the API.
//
// The server runs with its production target policy (https only, public addresses only). The
// endpoint's URL is a public IPv4 literal, so registering it needs no DNS (the test machine may
// have none) and passes that policy. It is never contacted: this workspace sends and receives
// nothing, so no event is ever due to it, and the spec deletes it.
import assert from 'node:assert/strict'
import { after, before } from 'node:test'
import { api, apiLogin, browserTest, clickNav, createTenant, openBrowser, settle, uiLogin, uiLogout } from '../lib/harness.mjs'

const ENDPOINT = 'https://192.0.32.10/dispatchhub/events'
const DESCRIPTION = 'ERP production (e2e)'

let b
let admin
let tenant
let token
const member = { email: 'max.member@e2e-hooks.test', name: 'Max Member', password: 'Max-Member-Passw0rd!' }

before(async () => {
  ;({ tenant, admin } = await createTenant('Hooks E2E', 'e2e-hooks'))
  token = await apiLogin(admin.email, admin.password, admin.tenant)
  const created = await api('POST', '/users', { token, body: { ...member, role: 'tenant_member' } })
  assert.equal(created.status, 201, `create member: HTTP ${created.status} ${JSON.stringify(created.data)}`)
  b = await openBrowser('07-webhooks', { permissions: ['clipboard-read', 'clipboard-write'] })
})
after(async () => {
  await b?.close()
})

browserTest('Settings leads a tenant admin to the Webhooks page', () => [b], async () => {
  const { page } = b
  await uiLogin(page, admin)
  await clickNav(page, 'Settings')
  await page.getByRole('link', { name: 'Manage webhooks' }).click()
  await page.getByRole('heading', { level: 1, name: 'Webhooks' }).waitFor()
  assert.equal(new URL(page.url()).pathname, '/settings/webhooks')
  await page.getByText('No webhooks yet. Add an endpoint below.').waitFor()
  await b.shot('webhooks-empty')
  b.assertNoErrors('the Webhooks page')
})

browserTest('the form checks its fields, then shows the server’s 422 under the URL', () => [b], async () => {
  const { page } = b
  const form = page.getByRole('form', { name: 'Add webhook' })
  await form.getByRole('button', { name: 'Add webhook' }).click()
  await form.locator('.field-error', { hasText: 'URL is required.' }).waitFor()
  await form.locator('.field-error', { hasText: 'Choose at least one event.' }).waitFor()
  await b.shot('webhook-form-checks')

  // Plain http passes the form (the operator may allow it) but not this server's policy.
  await form.getByLabel('URL', { exact: true }).fill('http://hooks.example.com/dispatchhub')
  await form.getByRole('group', { name: 'Events' }).getByLabel(/delivery\.sent/).check()
  await form.getByRole('button', { name: 'Add webhook' }).click()
  await form.locator('.field-error', { hasText: 'must be an https URL' }).waitFor()
  assert.equal(await form.getByLabel('URL', { exact: true }).getAttribute('aria-invalid'), 'true')
  const problem = form.getByRole('alert')
  assert.match(await problem.innerText(), /url: must be an https URL/)
  assert.match(await problem.innerText(), /request id/i)
  await b.shot('webhook-422-url')
  // Chromium logs the refused request as a console error: that 422 is the point, nothing else may show.
  const seen = b.errors.splice(0)
  assert.ok(seen.length > 0 && seen.every((e) => /status of 422/.test(e)), `unexpected errors:\n${seen.join('\n')}`)
})

let secretValue
browserTest('an endpoint is registered; its secret is shown once with a copy button and how to verify', () => [b], async () => {
  const { page } = b
  const form = page.getByRole('form', { name: 'Add webhook' })
  await form.getByLabel('URL', { exact: true }).fill(ENDPOINT)
  await form.getByLabel('Description', { exact: true }).fill(DESCRIPTION)
  const events = form.getByRole('group', { name: 'Events' })
  await events.getByLabel(/delivery\.sent/).uncheck() // still chosen from the refused attempt
  await events.getByLabel(/delivery\.failed/).check()
  await events.getByLabel(/dispatch\.completed/).check()
  await form.getByRole('button', { name: 'Add webhook' }).click()

  const panel = page.getByRole('region', { name: 'New webhook secret' })
  const secret = panel.getByLabel('Signing secret')
  await secret.waitFor()
  secretValue = await secret.inputValue()
  assert.match(secretValue, /^whsec_/, 'the secret is shown')
  assert.match(await panel.innerText(), /will not be shown again/)
  for (const header of ['DispatchHub-Event-Id', 'DispatchHub-Event-Type', 'DispatchHub-Timestamp', 'DispatchHub-Signature'])
    assert.ok((await panel.innerText()).includes(header), `the instructions name ${header}`)
  assert.ok((await panel.innerText()).includes('<timestamp>.<body>'), 'the instructions give the signed string')
  await panel.getByRole('button', { name: 'Copy', exact: true }).click()
  await panel.getByRole('button', { name: 'Copied', exact: true }).waitFor()
  assert.equal(await page.evaluate(() => navigator.clipboard.readText()), secretValue, 'the copy button puts the secret on the clipboard')
  await b.shot('webhook-created-secret')

  // Listed at once, with what it listens to.
  const row = page.getByRole('table', { name: 'Webhook endpoints' }).getByRole('row').filter({ hasText: ENDPOINT })
  await row.waitFor()
  const text = await row.innerText()
  for (const part of ['delivery.failed', 'dispatch.completed', DESCRIPTION]) assert.ok(text.includes(part), `the row shows ${part}`)
  assert.ok(!text.includes('delivery.sent'), 'only the chosen events')

  // The server agrees, and never hands the secret out again.
  const list = await api('GET', '/webhooks', { token })
  assert.equal(list.status, 200)
  assert.equal(list.data.items.length, 1)
  const stored = list.data.items[0]
  assert.equal(stored.url, ENDPOINT)
  assert.deepEqual(stored.events, ['delivery.failed', 'dispatch.completed'])
  assert.equal(stored.description, DESCRIPTION)
  assert.ok(!JSON.stringify(list.data).includes(secretValue), 'the list carries no secret')
  b.assertNoErrors('registering a webhook')
})

browserTest('after "Done" and a reload only the endpoint remains; its deliveries page is empty', () => [b], async () => {
  const { page } = b
  await page.getByRole('button', { name: 'Done', exact: true }).click()
  await page.getByLabel('Signing secret').waitFor({ state: 'detached' })
  await page.reload()
  await page.getByRole('heading', { level: 1, name: 'Webhooks' }).waitFor()
  const table = page.getByRole('table', { name: 'Webhook endpoints' })
  await table.getByRole('row').filter({ hasText: ENDPOINT }).waitFor()
  assert.ok(!(await page.content()).includes(secretValue), 'the secret is not shown again')
  await b.shot('webhooks-listed')

  await table.getByRole('link', { name: `Deliveries of ${ENDPOINT}` }).click()
  await page.getByRole('heading', { level: 1, name: 'Webhook' }).waitFor()
  await page.getByText(/No deliveries yet/).waitFor()
  assert.match(await page.locator('.kv').innerText(), /ERP production \(e2e\)/)
  await b.shot('webhook-deliveries-empty')
  await page.getByLabel('Status', { exact: true }).selectOption('failed')
  await page.getByText('No failed deliveries.').waitFor()
  await b.shot('webhook-deliveries-failed-filter')

  // Rotating the secret asks first, then shows the new one once.
  await page.getByRole('button', { name: 'Rotate secret', exact: true }).click()
  const confirm = page.getByRole('group', { name: /Rotate the signing secret\?/ })
  await confirm.waitFor()
  await confirm.getByRole('button', { name: 'Yes, rotate' }).click()
  const rotated = page.getByRole('region', { name: 'New webhook secret' }).getByLabel('Signing secret')
  await rotated.waitFor()
  const newSecret = await rotated.inputValue()
  assert.match(newSecret, /^whsec_/)
  assert.notEqual(newSecret, secretValue, 'a new secret')
  await b.shot('webhook-secret-rotated')
  const audit = await api('GET', '/audit?action=webhook.secret_rotated', { token })
  assert.equal(audit.status, 200)
  assert.equal(audit.data.items.length, 1, 'the rotation is audited')
  assert.ok(!JSON.stringify(audit.data).includes(newSecret), 'without the secret')
  await page.getByRole('link', { name: 'All webhooks' }).click()
  await page.getByRole('heading', { level: 1, name: 'Webhooks' }).waitFor()
  b.assertNoErrors('the webhook detail page')
})

browserTest('deleting asks first, then the endpoint is gone', () => [b], async () => {
  const { page } = b
  const row = page.getByRole('table', { name: 'Webhook endpoints' }).getByRole('row').filter({ hasText: ENDPOINT })
  await row.getByRole('button', { name: `Delete webhook ${ENDPOINT}` }).click()
  const confirm = row.getByRole('group', { name: /Delete this webhook\?/ })
  await confirm.waitFor()
  await b.shot('webhook-delete-confirm')
  assert.equal((await api('GET', '/webhooks', { token })).data.items.length, 1, 'nothing deleted before the confirmation')
  await confirm.getByRole('button', { name: 'Delete webhook' }).click()
  await page.getByRole('status').filter({ hasText: `Webhook to ${ENDPOINT} deleted.` }).waitFor()
  await page.getByText('No webhooks yet. Add an endpoint below.').waitFor()
  await b.shot('webhook-deleted')
  assert.deepEqual((await api('GET', '/webhooks', { token })).data.items, [], 'the server deleted it')
  b.assertNoErrors('deleting a webhook')
})

browserTest('a member has no webhooks: the page and the API refuse', () => [b], async () => {
  const { page } = b
  await uiLogout(page)
  await uiLogin(page, { ...member, tenant: tenant.slug })
  await page.getByRole('heading', { level: 1, name: 'Dashboard' }).waitFor()
  await page.goto('/settings/webhooks')
  await page.getByRole('heading', { level: 1, name: 'Not available for your role' }).waitFor()
  await settle(page)
  await b.shot('member-no-webhooks')
  const memberToken = await apiLogin(member.email, member.password, tenant.slug)
  assert.equal((await api('GET', '/webhooks', { token: memberToken })).status, 403)
  b.assertNoErrors('the member session')
})
