// A tenant's whole working day, in one browser: a small CSV import whose later row reuses an earlier
// vendor code under another name (reported as that row's error), a list built from the UI (bulk
// select on the vendor list, then add by search on the list page), a suppressed address, a compose
// with a custom field one vendor lacks (the preview warns, a default fills it), a test send to the
// signed-in user only, the confirm step with its exclusion, the send to 100 %, a vendor's reply in
// the Inbox, a vendor deleted while the dispatch keeps its delivery, and a password change.
// Every mail claim is checked on the captured .eml files (recipients, Reply-To, merged values).
import assert from 'node:assert/strict'
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { after, before } from 'node:test'
import { api, apiLogin, browserTest, clickNav, createTenant, eventually, openBrowser, OUTBOX, settle, SMTP_PORT, uiLogin, uiLogout } from '../lib/harness.mjs'
import { addressOf, capturedMessages, sendSmtp } from '../lib/mail.mjs'

const VENDORS = [
  { code: 'DAY1', name: 'Northwind Supplies', contact: 'Nora North', email: 'nora@northwind.e2e.test', region: 'EMEA' },
  { code: 'DAY2', name: 'Contoso Parts', contact: 'Carl Contoso', email: 'carl@contoso.e2e.test', region: 'APAC' },
  { code: 'DAY3', name: 'Fabrikam Metals', contact: 'Fay Fabrikam', email: 'fay@fabrikam.e2e.test', region: '' },
  { code: 'DAY4', name: 'Tailspin Tools', contact: 'Tom Tailspin', email: 'tom@tailspin.e2e.test', region: 'AMER' },
  { code: 'DAY5', name: 'Wingtip Logistics', contact: 'Wendy Wingtip', email: 'wendy@wingtip.e2e.test', region: 'EMEA' },
]
const [NORTHWIND, , FABRIKAM, TAILSPIN, WINGTIP] = VENDORS
// The sixth row reuses Contoso's code under another name: an error of that row, not a silent merge.
const IMPOSTOR = { code: 'DAY2', name: 'Contoso Impostor Ltd', contact: 'Ivan Impostor', email: 'ivan@impostor.e2e.test', region: 'LATAM' }
const LIST = 'Spring RFQ'
const SUBJECT = 'Spring RFQ for {{vendor.name}}'
const BUYER = 'buyer@e2e-day.test' // the dispatch's own reply-to address
const NEW_PASSWORD = 'Working-Day-N3w-Passw0rd!'
// Mailed: the list minus the suppressed Tailspin contact.
const MAILED = VENDORS.filter((v) => v !== TAILSPIN)

let b
let admin
let dir
let dispatchPath
let beforeTestSend = new Set()

/** The addresses of a header such as `Acme <reply+x@host>, buyer@example.com`. */
function addressesOf(value) {
  return (value ?? '')
    .split(',')
    .map((part) => addressOf(part).toLowerCase())
    .filter(Boolean)
}

/** The decoded text of a captured message: quoted-printable soft breaks and escapes undone. */
function decodedBody(raw) {
  const body = raw.split(/\r?\n\r?\n/).slice(1).join('\n\n')
  return body.replace(/=\r?\n/g, '').replace(/=([0-9A-F]{2})/g, (_, h) => String.fromCharCode(parseInt(h, 16)))
}

before(async () => {
  ;({ admin } = await createTenant('Working Day E2E', 'e2e-day'))
  dir = mkdtempSync(join(tmpdir(), 'dispatchhub-e2e-day-'))
  b = await openBrowser('10-working-day')
})
after(async () => {
  await b?.close()
  if (dir) rmSync(dir, { recursive: true, force: true })
})

browserTest('working day: a CSV import reports the row that reuses a vendor code under another name', () => [b], async () => {
  const { page } = b
  await uiLogin(page, admin)
  await clickNav(page, 'Vendors')
  await page.getByRole('link', { name: 'Import CSV' }).click()
  await page.getByRole('heading', { level: 1, name: 'Import vendors' }).waitFor()

  const lines = ['Vendor Name,Code,E-mail,Contact,Region']
  for (const v of [...VENDORS, IMPOSTOR]) lines.push([v.name, v.code, v.email, v.contact, v.region].join(','))
  const file = join(dir, 'vendors.csv')
  writeFileSync(file, lines.join('\r\n') + '\r\n')
  await page.getByLabel('CSV file').setInputFiles(file)
  const mapping = page.getByRole('group', { name: 'Columns' })
  await mapping.waitFor()
  assert.equal(await mapping.getByLabel('Import column Code as').inputValue(), 'code')
  assert.equal(await mapping.getByLabel('Import column Region as').inputValue(), 'custom.region')
  await page.getByRole('button', { name: 'Import' }).click()

  await page.getByRole('heading', { name: 'Import report' }).waitFor({ timeout: 30_000 })
  const stat = async (label) => (await page.locator('.stat').filter({ hasText: label }).locator('.stat-value').innerText()).trim()
  assert.equal(await stat('Vendors created'), String(VENDORS.length))
  assert.equal(await stat('Rows with errors'), '1')
  const errors = page.getByRole('table', { name: 'Rows with errors' })
  const rows = errors.locator('tbody tr')
  assert.equal(await rows.count(), 1, `one row with an error: ${(await rows.allInnerTexts()).join(' | ')}`)
  const cells = (await rows.first().locator('td, th').allInnerTexts()).map((s) => s.trim())
  assert.equal(cells[0], '7', `the file's seventh line (the sixth vendor row): ${cells.join(' | ')}`)
  assert.equal(cells[1], 'code', `the error names the field code: ${cells.join(' | ')}`)
  assert.match(cells[2], /DAY2/, 'the problem names the repeated code')
  await b.shot('import-report')

  // Contoso keeps its name; the impostor created nothing.
  await clickNav(page, 'Vendors')
  const table = page.getByRole('table', { name: 'Vendors' })
  for (const v of VENDORS) await table.getByRole('row').filter({ hasText: v.name }).waitFor()
  assert.equal(await table.getByRole('row').filter({ hasText: IMPOSTOR.name }).count(), 0, 'the duplicate code created no vendor')
  assert.equal(await table.locator('tbody tr').count(), VENDORS.length)
  b.assertNoErrors('the import')
})

browserTest('working day: a list is built from the UI (bulk select, then add by search)', () => [b], async () => {
  const { page } = b
  await clickNav(page, 'Lists')
  await page.getByLabel('Name', { exact: true }).fill(LIST)
  await page.getByRole('button', { name: 'Create list' }).click()
  await page.getByText(`List “${LIST}” created.`).waitFor()

  // Vendors page: select four, add them to the list.
  await clickNav(page, 'Vendors')
  for (const v of VENDORS.slice(0, 4)) await page.getByRole('checkbox', { name: `Select ${v.name}` }).check()
  const bulk = page.getByRole('group', { name: 'Selected vendors' })
  await bulk.getByText('4 selected').waitFor()
  await bulk.getByLabel('List', { exact: true }).selectOption({ label: LIST })
  await bulk.getByRole('button', { name: 'Add to list' }).click()
  await bulk.getByText(`4 vendors added to “${LIST}”.`).waitFor()
  await b.shot('bulk-add-to-list')

  // List page: the four members; the fifth found by search and added.
  await clickNav(page, 'Lists')
  await page.getByRole('table', { name: 'Vendor lists' }).getByRole('link', { name: LIST }).click()
  await page.getByRole('heading', { level: 1, name: LIST }).waitFor()
  const members = page.getByRole('table', { name: 'Members' })
  for (const v of VENDORS.slice(0, 4)) await members.getByRole('row').filter({ hasText: v.name }).waitFor()
  await page.getByLabel('Find vendor').fill('Wingtip')
  await page.getByRole('list', { name: 'Search results' }).getByRole('button', { name: `Add ${WINGTIP.name}` }).click()
  await members.getByRole('row').filter({ hasText: WINGTIP.name }).waitFor()
  await page.getByText('5 members').waitFor()
  await b.shot('list-members')
  b.assertNoErrors('building the list')
})

browserTest('working day: an address is suppressed (letter case as the vendor typed it)', () => [b], async () => {
  const { page } = b
  await clickNav(page, 'Suppressions')
  await page.getByLabel('Address', { exact: true }).fill('Tom@Tailspin.E2E.test')
  await page.getByRole('button', { name: 'Add to suppression list' }).click()
  await page.getByRole('table', { name: 'Suppressed addresses' }).getByRole('row').filter({ hasText: /tom@tailspin\.e2e\.test/i }).waitFor()
  await b.shot('suppressed')
  b.assertNoErrors('the suppression')
})

browserTest('working day: compose warns about the missing region, a default fills it, the test send goes to the user only', () => [b], async () => {
  const { page } = b
  await clickNav(page, 'Dispatch', 'New dispatch')
  await page.getByLabel('Subject', { exact: true }).fill(SUBJECT)
  const body = page.getByLabel('Message (Markdown)')
  const chips = page.getByRole('group', { name: 'Insert merge field' })
  await body.fill('Hello ')
  await chips.getByRole('button', { name: '{{contact.name}}' }).click()
  await body.press('End')
  await body.pressSequentially(',\n\nplease quote for the spring season. Region on file: ')
  // The custom field has its own chip; inserted without a default first.
  await chips.getByRole('button', { name: '{{vendor.custom.region}}' }).click()
  await page.getByRole('checkbox', { name: new RegExp(`^${LIST}`) }).check()
  await page.getByLabel('Reply-to (optional)').fill(BUYER)

  // The preview warns: one recipient (Fabrikam) lacks a region; the suppressed one is not counted.
  const preview = page.getByLabel('Rendered preview')
  const missing = preview.getByRole('list', { name: 'Missing merge values' })
  await missing.waitFor({ timeout: 15_000 })
  const warning = await missing.getByRole('listitem').filter({ hasText: 'vendor.custom.region' }).first().innerText()
  assert.match(warning, /1 recipient lacks a value/, warning)
  await missing.getByRole('button', { name: 'Show who' }).click()
  const who = page.getByRole('region', { name: 'Recipients without vendor.custom.region' })
  await who.getByRole('row').filter({ hasText: FABRIKAM.email }).waitFor()
  assert.equal(await who.getByRole('row').filter({ hasText: NORTHWIND.email }).count(), 0, 'only those lacking the value are listed')
  await b.shot('compose-missing-value')

  // The region again, now with a default: the warning goes, the preview renders.
  await body.fill('Hello ')
  await chips.getByRole('button', { name: '{{contact.name}}' }).click()
  await body.press('End')
  await body.pressSequentially(',\n\nplease quote for the spring season. Region on file: ')
  await page.getByRole('group', { name: 'Merge field default' }).getByRole('checkbox', { name: 'Insert with a default' }).check()
  assert.equal(await page.getByLabel('Default text').inputValue(), 'n/a')
  await chips.getByRole('button', { name: '{{vendor.custom.region}}' }).click()
  await body.press('End')
  await body.pressSequentially('.')
  assert.match(await body.inputValue(), /Region on file: \{\{vendor\.custom\.region \| default: "n\/a"\}\}\.$/)
  // Rendered for the first recipient by vendor name (Contoso, with a region).
  const frame = page.frameLocator('iframe[title="Message preview"]')
  await frame.locator('body').filter({ hasText: 'Region on file: APAC.' }).waitFor({ timeout: 15_000 })
  await eventually('the preview without the warning', async () => (await missing.count()) === 0, { timeoutMs: 15_000 })
  // The count includes the suppressed address (as a dispatch's recipients_total does).
  assert.match(await preview.innerText(), /5\s+recipients/)
  await b.shot('compose-with-default')

  // Send test: one captured message, to the signed-in user only.
  beforeTestSend = new Set(capturedMessages(OUTBOX).map((m) => m.file))
  await page.getByRole('button', { name: `Send test to ${admin.email}` }).click()
  await page.getByText(`Test message sent to ${admin.email}.`).waitFor()
  const fresh = await eventually('the captured test message', () => {
    const found = capturedMessages(OUTBOX).filter((m) => !beforeTestSend.has(m.file))
    return found.length ? found : null
  })
  // Only to the user (the next test checks that nothing else was captured since).
  assert.equal(fresh.length, 1, `one test message: ${fresh.map((m) => m.headers.to).join(', ')}`)
  assert.deepEqual(addressesOf(fresh[0].headers.to), [admin.email])
  assert.equal(fresh[0].headers.cc, undefined, 'no Cc')
  assert.equal(fresh[0].headers.bcc, undefined, 'no Bcc')
  assert.match(decodedBody(fresh[0].raw), /Region on file: /)
  await b.shot('test-sent')
  b.assertNoErrors('compose and the test send')
})

browserTest('working day: the confirm step shows the count and the exclusion; the send reaches 100 %', () => [b], async () => {
  const { page } = b
  await page.getByRole('button', { name: 'Send', exact: true }).click()
  const confirm = page.getByRole('alertdialog')
  await confirm.waitFor()
  const facts = confirm.getByRole('list', { name: 'Before sending' })
  // The count is what will be mailed: the suppressed address is listed below as left out.
  assert.match(await confirm.innerText(), /to 4 recipients\?/)
  await facts.getByText('Recipients: 4 recipients').waitFor()
  await facts.getByText('1 address on the suppression list').waitFor()
  // The sample of the resolved recipients: the suppressed address is marked, never mailed.
  await confirm.getByText('Look through the recipients').click()
  const sample = confirm.getByRole('region', { name: 'Recipients of this dispatch' })
  await sample.getByRole('row').filter({ hasText: NORTHWIND.email }).waitFor()
  await sample.getByRole('row').filter({ hasText: `${TAILSPIN.email} (suppressed, not mailed)` }).waitFor()
  await b.shot('confirm-step')

  await confirm.getByRole('button', { name: 'Confirm and send' }).click()
  await page.waitForURL(/\/dispatches\/[0-9a-f-]{36}$/)
  dispatchPath = new URL(page.url()).pathname
  await page.getByText(/recipients done \(100%\)/).waitFor({ timeout: 60_000 })
  const counts = page.getByRole('list', { name: 'Recipients by state' })
  const count = async (label) => (await counts.getByRole('listitem').filter({ hasText: label }).locator('.state-count').innerText()).trim()
  assert.equal(await count('Sent'), '4')
  assert.equal(await count('Suppressed'), '1')
  const replyTo = page.getByRole('list', { name: 'Reply-To' })
  await replyTo.getByText(/the Inbox/).waitFor()
  await replyTo.getByText(BUYER).waitFor()
  await settle(page)
  await b.shot('dispatch-completed')
  b.assertNoErrors('the send')
})

browserTest('working day: the captured mail goes exactly to the four, with both reply addresses and the default', () => [b], async () => {
  const isDispatch = (m) => !beforeTestSend.has(m.file) && /^Spring RFQ for /.test(m.headers.subject ?? '')
  const mine = await eventually('four captured messages of the dispatch', () => {
    const found = capturedMessages(OUTBOX).filter((m) => isDispatch(m) && !addressesOf(m.headers.to).includes(admin.email))
    return found.length >= MAILED.length ? found : null
  })
  assert.deepEqual(
    mine.map((m) => addressesOf(m.headers.to).join(',')).sort(),
    MAILED.map((v) => v.email).sort(),
    'exactly the expected recipients, one message each',
  )
  // Since the test send: one message to the user, one to each of the four, nothing else.
  const since = capturedMessages(OUTBOX).filter((m) => !beforeTestSend.has(m.file))
  assert.deepEqual(
    since.map((m) => addressesOf(m.headers.to).join(',')).sort(),
    [admin.email, ...MAILED.map((v) => v.email)].sort(),
    'the test message and the dispatch, nothing to the suppressed address',
  )
  for (const v of MAILED) {
    const m = mine.find((x) => addressesOf(x.headers.to).includes(v.email))
    assert.equal(m.headers.subject, `Spring RFQ for ${v.name}`)
    const replyTo = addressesOf(m.headers['reply-to'])
    assert.ok(replyTo.some((a) => /^reply\+[^@]+@/.test(a)), `the platform reply address is a Reply-To of ${v.email}: ${m.headers['reply-to']}`)
    assert.ok(replyTo.includes(BUYER), `the custom reply-to is beside it: ${m.headers['reply-to']}`)
    const text = decodedBody(m.raw)
    assert.match(text, new RegExp(`Hello ${v.contact}`))
    assert.match(text, new RegExp(`Region on file: ${v.region || 'n/a'}\\.`), `${v.email} reads its region or the default`)
  }
})

browserTest('working day: a vendor replies over SMTP and the reply shows in the Inbox', () => [b], async () => {
  const original = capturedMessages(OUTBOX).find((m) => /^Spring RFQ for /.test(m.headers.subject ?? '') && addressesOf(m.headers.to).includes(NORTHWIND.email))
  const to = addressesOf(original.headers['reply-to']).find((a) => a.startsWith('reply+'))
  const reply = [
    `From: ${NORTHWIND.contact} <${NORTHWIND.email}>`,
    `To: ${to}`,
    `Subject: Re: ${original.headers.subject}`,
    'Message-ID: <day-reply-1@northwind.e2e.test>',
    `In-Reply-To: ${original.headers['message-id']}`,
    `References: ${original.headers['message-id']}`,
    'MIME-Version: 1.0',
    'Content-Type: text/plain; charset=utf-8',
    '',
    'Our spring quote: 1,200 units at 3.10 EUR.',
    '',
  ].join('\n')
  const last = await sendSmtp({ port: SMTP_PORT, from: NORTHWIND.email, to, message: reply })
  assert.match(last, /^221/, `the server accepted the reply and closed: ${last}`)

  const { page } = b
  const subject = `Re: Spring RFQ for ${NORTHWIND.name}`
  // Stored first (read over the API, so a loaded machine only waits longer), then shown.
  const token = await apiLogin(admin.email, admin.password, admin.tenant)
  await eventually(
    'the reply stored in the inbox',
    async () => {
      const { status, data } = await api('GET', '/inbox', { token })
      assert.equal(status, 200, `GET /inbox: HTTP ${status} ${JSON.stringify(data)}`)
      return JSON.stringify(data).includes(subject)
    },
    { timeoutMs: 60_000 },
  )
  await clickNav(page, 'Inbox')
  const item = page.getByRole('list', { name: 'Messages' }).getByRole('listitem').filter({ hasText: subject })
  await item.waitFor({ timeout: 30_000 })
  assert.match(await item.innerText(), /Unread:/)
  assert.match(await item.innerText(), new RegExp(NORTHWIND.email.replace(/\./g, '\\.')))
  await page.getByRole('link', { name: new RegExp(subject) }).click()
  await page.getByRole('heading', { level: 1, name: subject }).waitFor()
  assert.match(await page.getByLabel('Message text').innerText(), /1,200 units at 3\.10 EUR/)
  await b.shot('inbox-reply')
  b.assertNoErrors('the inbox')
})

browserTest('working day: a vendor is deleted; the sent dispatch still lists its delivery', () => [b], async () => {
  const { page } = b
  await clickNav(page, 'Vendors')
  await page.getByRole('table', { name: 'Vendors' }).getByRole('link', { name: WINGTIP.name }).click()
  await page.getByRole('heading', { level: 1, name: WINGTIP.name }).waitFor()
  await page.getByRole('button', { name: 'Delete vendor' }).click()
  const ask = page.getByRole('group', { name: `Delete ${WINGTIP.name}? It leaves every list; mail already sent stays in the Sent history.` })
  await ask.waitFor()
  await b.shot('delete-vendor-confirm')
  await ask.getByRole('button', { name: 'Yes, delete' }).click()
  await page.waitForURL((url) => url.pathname === '/vendors')
  await page.getByRole('heading', { level: 1, name: 'Vendors' }).waitFor()
  const table = page.getByRole('table', { name: 'Vendors' })
  await table.getByRole('row').filter({ hasText: NORTHWIND.name }).waitFor()
  assert.equal(await table.getByRole('row').filter({ hasText: WINGTIP.name }).count(), 0, 'gone from the vendor list')
  await page.getByRole('searchbox', { name: 'Search' }).fill('Wingtip')
  await page.getByText('No vendors match these filters.').waitFor()
  await b.shot('vendor-deleted')

  await page.goto(dispatchPath)
  const deliveries = page.getByRole('table', { name: 'Deliveries' })
  await deliveries.getByRole('row').filter({ hasText: WINGTIP.email }).waitFor()
  assert.match(await deliveries.getByRole('row').filter({ hasText: WINGTIP.email }).innerText(), /sent/i)
  await settle(page)
  await b.shot('dispatch-keeps-deleted-vendor')
  b.assertNoErrors('deleting a vendor')
})

browserTest('working day: the password is changed; the old one is refused, the new one signs in', () => [b], async () => {
  const { page } = b
  await page.locator('.user-button').click()
  await page.getByRole('link', { name: 'Account and password' }).click()
  await page.getByRole('heading', { level: 1, name: 'Account' }).waitFor()
  await page.getByLabel('Current password').fill(admin.password)
  await page.getByLabel('New password', { exact: true }).fill(NEW_PASSWORD)
  await page.getByLabel('Repeat new password').fill(NEW_PASSWORD)
  await page.getByRole('button', { name: 'Change password' }).click()
  await page.getByText('Password changed.').waitFor()
  await b.shot('password-changed')
  b.assertNoErrors('the password change')

  await uiLogout(page)
  // The session ended with the change: a 401 from logging it out is expected, nothing else.
  const seen = b.errors.splice(0)
  assert.ok(seen.every((e) => /status of 401/.test(e) && /\/api\/v1\/auth\/logout/.test(e)), seen.join('\n'))

  await page.getByRole('heading', { name: 'Sign in' }).waitFor()
  await page.getByLabel('Email', { exact: true }).fill(admin.email)
  await page.getByLabel('Password', { exact: true }).fill(admin.password)
  await page.getByLabel(/^Workspace/).fill(admin.tenant)
  await page.getByRole('button', { name: 'Sign in' }).click()
  await page.getByRole('alert').filter({ hasText: 'The email or password is wrong.' }).waitFor()
  assert.equal(new URL(page.url()).pathname, '/login', 'the old password does not sign in')
  await b.shot('old-password-refused')
  // The refused sign-in's 401 is the point of this step.
  const refused = b.errors.splice(0)
  assert.ok(refused.every((e) => /status of 401/.test(e) && /\/api\/v1\/auth\/login/.test(e)), refused.join('\n'))

  await uiLogin(page, { ...admin, password: NEW_PASSWORD })
  await page.getByRole('heading', { level: 1, name: 'Dashboard' }).waitFor()
  await b.shot('new-password-signed-in')
  b.assertNoErrors('signing in with the new password')
})
