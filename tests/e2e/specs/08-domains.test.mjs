// A tenant admin adds a sending domain from Settings: a name that is no domain is refused under the
// field; the domain's records are listed with their statuses `missing` and copy buttons; a sender
// on it is refused with a link to the domains; once the records are published in the local DNS
// server (run.sh points the product's DNS_RESOLVER at it), "Check now" verifies it, the sender is
// accepted and Compose offers it; the optional Ed25519 key is added and removed. Deleted and added
// again, the domain is pending: Compose lists the sender disabled with the reason, and the server
// refuses a dispatch from it. The super admin sees the domain among every tenant's.
import assert from 'node:assert/strict'
import { after, before } from 'node:test'
import { api, apiLogin, browserTest, clickNav, createTenant, openBrowser, publishTxt, ROOT, uiLogin, uiLogout } from '../lib/harness.mjs'

const DOMAIN = 'acme-e2e.example'
const SENDER = `billing@${DOMAIN}`

let b
let admin
let tenant
let token

before(async () => {
  ;({ tenant, admin } = await createTenant('Domains E2E', 'e2e-domains'))
  token = await apiLogin(admin.email, admin.password, admin.tenant)
  publishTxt([])
  b = await openBrowser('08-domains', { permissions: ['clipboard-read', 'clipboard-write'] })
})
after(async () => {
  await b?.close()
})

/** Chromium logs each refused request as a console error: only the expected 422 answers may show. */
function only422(what) {
  const seen = b.errors.splice(0)
  assert.ok(seen.length > 0 && seen.every((e) => /status of 422/.test(e)), `unexpected errors ${what}:\n${seen.join('\n')}`)
}

/** The records table as [purpose, status] pairs. */
async function recordStatuses(page) {
  const table = page.getByRole('table', { name: `DNS records of ${DOMAIN}` })
  await table.waitFor()
  const rows = await table.locator('tbody tr').all()
  const out = []
  for (const row of rows) {
    const cells = row.getByRole('cell')
    out.push([(await cells.nth(0).locator('strong').innerText()).trim(), (await cells.nth(4).textContent()).trim()])
  }
  return out
}

async function addDomain(page) {
  const form = page.getByRole('form', { name: 'Add domain' })
  await form.getByLabel('Domain', { exact: true }).fill(DOMAIN)
  await form.getByRole('button', { name: 'Add domain' }).click()
  await page.getByRole('heading', { level: 1, name: DOMAIN }).waitFor()
}

async function senderSelect(page) {
  await clickNav(page, 'Dispatch', 'New dispatch')
  const select = page.getByLabel('Sender', { exact: true })
  // The choices are complete once the domains are in: the platform address is always offered.
  await select.locator('option', { hasText: 'Workspace default:' }).waitFor({ state: 'attached' })
  return select
}

browserTest('Settings → Sending domains refuses a name that is no domain, under the field', () => [b], async () => {
  const { page } = b
  await uiLogin(page, admin)
  await clickNav(page, 'Settings')
  await page.getByRole('link', { name: 'Manage domains' }).click()
  await page.getByRole('heading', { level: 1, name: 'Sending domains' }).waitFor()
  assert.equal(new URL(page.url()).pathname, '/settings/domains')
  await page.getByText('No sending domains yet. Add one below.').waitFor()
  await b.shot('domains-empty')
  b.assertNoErrors('the domains page')

  const form = page.getByRole('form', { name: 'Add domain' })
  await form.getByLabel('Domain', { exact: true }).fill('192.0.2.10')
  await form.getByRole('button', { name: 'Add domain' }).click()
  await form.locator('.field-error', { hasText: 'Enter a domain name, not an IP address.' }).waitFor()
  assert.equal(await form.getByLabel('Domain', { exact: true }).getAttribute('aria-invalid'), 'true')
  assert.match(await form.getByRole('alert').innerText(), /request id/i)
  await b.shot('domain-422')
  only422('adding an IP address')
  assert.deepEqual((await api('GET', '/domains', { token })).data.items, [], 'nothing was added')
})

browserTest('an added domain lists its records, ownership and DKIM missing, with copy buttons', () => [b], async () => {
  const { page } = b
  await addDomain(page)
  await page.getByText(`${DOMAIN} added. Publish the ownership and DKIM records`).waitFor()
  assert.deepEqual(await recordStatuses(page), [
    ['Ownership', 'missing'],
    ['DKIM key', 'missing'],
    ['Return path', 'missing'],
    ['SPF', 'advisory'],
    ['DMARC', 'advisory'],
  ])
  assert.match(await page.locator('.kv').innerText(), /DispatchHub signs every message from this domain/)

  // The copy button puts exactly the server's value on the clipboard.
  const stored = (await api('GET', '/domains', { token })).data.items[0]
  const dkim = stored.records.find((r) => r.purpose === 'dkim')
  await page.getByRole('button', { name: 'Copy value of the DKIM key record' }).click()
  await page.getByRole('status').filter({ hasText: 'Copied value of the DKIM key record.' }).waitFor()
  assert.equal(await page.evaluate(() => navigator.clipboard.readText()), dkim.value)
  await b.shot('domain-records-missing')

  // Looked up in the (empty) local DNS: still missing, and the lookup itself worked.
  await page.getByRole('button', { name: 'Check now' }).click()
  await page.getByText(`Checked just now: ${DOMAIN} is pending.`).waitFor()
  assert.deepEqual((await recordStatuses(page)).slice(0, 2), [
    ['Ownership', 'missing'],
    ['DKIM key', 'missing'],
  ])
  const ownershipRow = page.getByRole('table', { name: `DNS records of ${DOMAIN}` }).locator('tbody tr').first()
  await ownershipRow.getByText('Not found: this name has no matching TXT record yet.').waitFor()
  assert.equal(await page.getByText('The latest DNS lookup could not be made.').count(), 0)
  await b.shot('domain-checked-missing')
  b.assertNoErrors('the domain page')
})

browserTest('a sender on the unverified domain is refused, with a link to the domains', () => [b], async () => {
  const { page } = b
  await clickNav(page, 'Settings')
  const form = page.getByRole('form', { name: 'Add sender identity' })
  await form.getByLabel('Sender address', { exact: true }).fill(SENDER)
  await form.getByRole('button', { name: 'Add sender identity' }).click()
  await form.locator('.field-error', { hasText: `the domain ${DOMAIN} is not verified yet` }).waitFor()
  const link = form.getByRole('link', { name: 'Settings → Sending domains' })
  assert.equal(await link.getAttribute('href'), '/settings/domains')
  await b.shot('sender-refused')
  only422('adding a sender on an unverified domain')
  const senders = (await api('GET', '/sender-identities', { token })).data.items
  assert.ok(!senders.some((s) => s.email === SENDER), 'the sender was not added')
})

browserTest('published records verify with “Check now”; the sender is then accepted and offered', () => [b], async () => {
  const { page } = b
  const stored = (await api('GET', '/domains', { token })).data.items[0]
  publishTxt(stored.records.filter((r) => r.purpose === 'ownership' || r.purpose === 'dkim'))

  await page.getByRole('link', { name: 'Manage domains' }).click()
  await page.getByRole('table', { name: 'Sending domains' }).getByRole('link', { name: DOMAIN }).click()
  await page.getByRole('heading', { level: 1, name: DOMAIN }).waitFor()
  await page.getByRole('button', { name: 'Check now' }).click()
  await page.getByText(`Checked just now: ${DOMAIN} is verified.`).waitFor()
  assert.deepEqual((await recordStatuses(page)).slice(0, 2), [
    ['Ownership', 'verified'],
    ['DKIM key', 'verified'],
  ])
  await b.shot('domain-verified')

  // The optional Ed25519 key adds its own record; the domain stays verified on its RSA key.
  await page.getByRole('button', { name: 'Add Ed25519 signature' }).click()
  await page.getByRole('button', { name: 'Remove Ed25519 key' }).waitFor()
  assert.deepEqual((await recordStatuses(page)).filter(([purpose]) => purpose.startsWith('DKIM')), [
    ['DKIM key', 'verified'],
    ['DKIM key (Ed25519)', 'missing'],
  ])
  assert.equal((await api('GET', '/domains', { token })).data.items[0].status, 'verified')
  await b.shot('domain-ed25519-added')
  await page.getByRole('button', { name: 'Remove Ed25519 key' }).click()
  await page.getByRole('group', { name: /Remove the Ed25519 key\?/ }).getByRole('button', { name: 'Yes, remove' }).click()
  await page.getByRole('button', { name: 'Add Ed25519 signature' }).waitFor()
  assert.equal((await api('GET', '/domains', { token })).data.items[0].dkim.ed25519_selector, null)

  await clickNav(page, 'Settings')
  const form = page.getByRole('form', { name: 'Add sender identity' })
  await form.getByLabel('Sender address', { exact: true }).fill(SENDER)
  await form.getByRole('button', { name: 'Add sender identity' }).click()
  const row = page.getByRole('table', { name: 'Sender identities' }).getByRole('row').filter({ hasText: SENDER })
  await row.waitFor()
  assert.equal((await row.getByRole('cell').nth(3).textContent()).trim(), 'Yes')

  const select = await senderSelect(page)
  const option = select.locator('option', { hasText: SENDER })
  assert.equal(await option.count(), 1)
  assert.equal(await option.isDisabled(), false, 'a sender on a verified domain is offered')
  await b.shot('compose-sender-offered')
  b.assertNoErrors('verifying the domain')
})

browserTest('deleted and added again, the domain is pending: Compose does not offer the sender on it', () => [b], async () => {
  const { page } = b
  await clickNav(page, 'Settings')
  await page.getByRole('link', { name: 'Manage domains' }).click()
  await page.getByRole('table', { name: 'Sending domains' }).getByRole('link', { name: DOMAIN }).click()
  await page.getByRole('button', { name: 'Delete domain', exact: true }).click()
  const confirm = page.getByRole('group', { name: new RegExp(`Delete ${DOMAIN.replace('.', '\\.')}\\?`) })
  await confirm.waitFor()
  await confirm.getByRole('button', { name: 'Yes, delete' }).click()
  await page.getByText(`${DOMAIN} deleted.`).waitFor()

  // Each copy of a domain proves itself anew: new token and key, nothing checked yet.
  await addDomain(page)
  assert.deepEqual((await recordStatuses(page)).slice(0, 2), [
    ['Ownership', 'missing'],
    ['DKIM key', 'missing'],
  ])
  await b.shot('domain-added-again')

  const select = await senderSelect(page)
  const option = select.locator('option', { hasText: SENDER })
  await option.waitFor({ state: 'attached' })
  assert.equal(await option.isDisabled(), true, 'the sender is not choosable')
  assert.equal((await option.innerText()).trim(), `${SENDER} (${DOMAIN} is not verified yet)`)
  const enabled = await select.locator('option:not([disabled])').allInnerTexts()
  assert.ok(!enabled.some((t) => t.includes(DOMAIN)), `only other senders are offered: ${enabled.join(', ')}`)
  const hint = page.locator('.field', { has: select }).locator('.hint')
  assert.match(await hint.innerText(), new RegExp(`${SENDER}: ${DOMAIN} is not verified yet — Settings → Domains`))
  assert.equal(await hint.getByRole('link', { name: 'Settings → Domains' }).getAttribute('href'), '/settings/domains')
  await b.shot('compose-sender-not-offered')
  b.assertNoErrors('the compose page')

  // The picker says what the server enforces: a dispatch from that sender is refused.
  const vendor = await api('POST', '/vendors', {
    token,
    body: { name: 'Contoso Steel', code: 'CS1', contacts: [{ name: 'Anna', email: 'anna@contoso.example', primary: true }] },
  })
  assert.equal(vendor.status, 201, `create vendor: ${JSON.stringify(vendor.data)}`)
  const sender = (await api('GET', '/sender-identities', { token })).data.items.find((s) => s.email === SENDER)
  const refused = await api('POST', '/dispatches', {
    token,
    body: {
      subject: 'Payment run',
      body_markdown: 'Hello',
      recipients: { list_ids: [], vendor_ids: [vendor.data.id], contact_role: null },
      sender_identity_id: sender.id,
    },
  })
  assert.equal(refused.status, 422, `dispatch from an unverified domain: ${JSON.stringify(refused.data)}`)
  assert.equal(refused.data.code, 'domain_not_verified')
})

browserTest('the super admin sees the domain among every tenant’s', () => [b], async () => {
  const { page } = b
  await uiLogout(page)
  await uiLogin(page, ROOT)
  await clickNav(page, 'Domains', 'Sending domains')
  const row = page.getByRole('table', { name: 'Sending domains of all tenants' }).getByRole('row').filter({ hasText: DOMAIN })
  await row.getByRole('link', { name: tenant.name }).waitFor()
  assert.equal((await row.getByRole('cell').nth(2).textContent()).trim(), 'pending')
  await b.shot('admin-domains')
  b.assertNoErrors('the admin domains page')
})
