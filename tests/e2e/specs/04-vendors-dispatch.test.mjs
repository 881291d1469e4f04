// A tenant admin imports a large CSV of vendors through the UI (column-mapping step, background
// progress bar, per-row error report), composes a dispatch to the list the import built, with a
// merge field, a shared and a per-recipient attachment and the live preview, sends it, watches the
// progress reach 100 %, and the captured messages exist in the server's outbox. A dispatch above
// the approval threshold waits until a second tenant admin approves it.
import assert from 'node:assert/strict'
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { after, before } from 'node:test'
import { api, apiLogin, browserTest, clickNav, createTenant, eventually, openBrowser, OUTBOX, settle, uiLogin } from '../lib/harness.mjs'
import { capturedMessages } from '../lib/mail.mjs'

// Over 2,000 lines: the server imports it in the background and the page shows a progress bar.
const BULK_ROWS = 2400
const PILOTS = [1, 2, 3].map((n) => ({ name: `Pilot Vendor ${n}`, code: `PIL${n}`, email: `pilot${n}@pilot.e2e.test`, contact: `Pat Pilot ${n}` }))

let b
let approver
let admin
let dir

function csv() {
  const lines = ['Vendor Name,Code,E-mail,Contact,Payment terms,Lists,Internal']
  for (const p of PILOTS) lines.push(`${p.name},${p.code},${p.email},${p.contact},30 days,E2E Pilot,x`)
  lines.push('Broken Mail Ltd,BAD1,not-an-address,Bob,,,x') // a per-row error: invalid email
  lines.push(',NONAME,nobody@bulk.e2e.test,Nina,,,x') // a per-row error: no name
  for (let i = 1; i <= BULK_ROWS; i++) lines.push(`Bulk Vendor ${i},B${i},bulk${i}@bulk.e2e.test,Contact ${i},60 days,,x`)
  return lines.join('\r\n') + '\r\n'
}

before(async () => {
  ;({ admin } = await createTenant('Vendors E2E', 'e2e-vendors'))
  dir = mkdtempSync(join(tmpdir(), 'dispatchhub-e2e-files-'))
  b = await openBrowser('04-vendors-dispatch')
})
after(async () => {
  await b?.close()
  await approver?.close()
  if (dir) rmSync(dir, { recursive: true, force: true })
})

browserTest('imports a CSV with the column-mapping step, a progress bar and the per-row error report', () => [b], async () => {
  const { page } = b
  await uiLogin(page, admin)
  await clickNav(page, 'Vendors')
  await page.getByRole('link', { name: 'Import CSV' }).click()
  await page.getByRole('heading', { level: 1, name: 'Import vendors' }).waitFor()

  const file = join(dir, 'vendors.csv')
  writeFileSync(file, csv())
  await page.getByLabel('CSV file').setInputFiles(file)

  // The mapping step guesses each column; the user skips one.
  const mapping = page.getByRole('group', { name: 'Columns' })
  await mapping.waitFor()
  assert.equal(await mapping.getByLabel('Import column Vendor Name as').inputValue(), 'name')
  assert.equal(await mapping.getByLabel('Import column E-mail as').inputValue(), 'email')
  assert.equal(await mapping.getByLabel('Import column Contact as').inputValue(), 'contact_name')
  assert.equal(await mapping.getByLabel('Import column Payment terms as').inputValue(), 'custom.payment_terms')
  assert.equal(await mapping.getByLabel('Import column Lists as').inputValue(), 'list')
  // Choosing a field twice is refused before anything is sent.
  await mapping.getByLabel('Import column Code as').selectOption('name')
  await mapping.getByText('“Vendor name” is chosen for more than one column.').waitFor()
  assert.equal(await page.getByRole('button', { name: 'Import' }).isDisabled(), true)
  await mapping.getByLabel('Import column Code as').selectOption('code')
  await mapping.getByLabel('Import column Internal as').selectOption('')
  await b.shot('import-mapping')

  await page.getByRole('button', { name: 'Import' }).click()
  const progress = page.getByRole('progressbar', { name: 'Import progress' })
  await progress.waitFor()
  await b.shot('import-progress')
  await page.getByRole('heading', { name: 'Import report' }).waitFor({ timeout: 60_000 })
  assert.equal(await progress.getAttribute('value'), await progress.getAttribute('max'), 'the bar is full when done')

  const errors = page.getByRole('table', { name: 'Rows with errors' })
  await errors.waitFor()
  const errorRows = await errors.locator('tbody tr').allInnerTexts()
  assert.equal(errorRows.length, 2, `two rows with errors: ${errorRows.join(' | ')}`)
  assert.ok(errorRows.some((r) => /email/i.test(r)), 'the invalid address is reported')
  assert.ok(errorRows.some((r) => /name/i.test(r)), 'the missing name is reported')
  const created = await page.locator('.stat').filter({ hasText: 'Vendors created' }).locator('.stat-value').innerText()
  assert.equal(created.replace(/\D/g, ''), String(BULK_ROWS + PILOTS.length))
  await b.shot('import-report')

  // The import built the list the dispatch goes to.
  await clickNav(page, 'Lists')
  await page.getByRole('table', { name: 'Vendor lists' }).getByRole('row').filter({ hasText: 'E2E Pilot' }).waitFor()
  b.assertNoErrors('the import')
})

browserTest('composes a dispatch with live preview and attachments, sends it, progress reaches 100 %', () => [b], async () => {
  const { page } = b
  await clickNav(page, 'Dispatch', 'New dispatch')
  await page.getByLabel('Subject', { exact: true }).fill('Quote request for {{vendor.name}}')
  const body = page.getByLabel('Message (Markdown)')
  await body.fill('Hello ')
  // The merge-field picker inserts at the caret.
  await page.getByRole('group', { name: 'Insert merge field' }).getByRole('button', { name: '{{contact.name}}' }).click()
  await body.press('End')
  await body.pressSequentially(',\n\nplease quote by Friday. Your terms on file: **{{vendor.custom.payment_terms}}**.')
  await page.getByRole('checkbox', { name: /^E2E Pilot/ }).check()

  const shared = join(dir, 'terms-and-conditions.txt')
  writeFileSync(shared, 'General terms for every vendor.\n')
  await page.getByLabel('Attachments (every message)').setInputFiles(shared)
  await page.getByRole('list', { name: 'Attachments (every message): uploaded' }).getByText('terms-and-conditions.txt').waitFor()
  const own = join(dir, 'PIL1_statement.txt')
  writeFileSync(own, 'Statement for Pilot Vendor 1 only.\n')
  await page.getByLabel('Per-recipient attachments').setInputFiles(own)
  const code = page.getByLabel('Vendor code for PIL1_statement.txt')
  await code.waitFor()
  assert.equal(await code.inputValue(), 'PIL1', 'the vendor code is read from the file name')

  // Live preview: rendered for the first recipient without pressing anything.
  const frame = page.frameLocator('iframe[title="Message preview"]')
  await frame.locator('body').filter({ hasText: 'Hello Pat Pilot 1' }).waitFor({ timeout: 15_000 })
  assert.match(await frame.locator('body').innerText(), /30 days/)
  const preview = page.getByLabel('Rendered preview')
  assert.match(await preview.innerText(), /3\s+recipients/)
  assert.match(await preview.innerText(), /Quote request for Pilot Vendor 1/)
  await b.shot('compose-preview')

  await page.getByRole('button', { name: 'Send', exact: true }).click()
  await page.getByRole('alertdialog').getByText(/to 3 recipients/).waitFor()
  await page.getByRole('button', { name: 'Confirm and send' }).click()
  await page.waitForURL(/\/dispatches\/[0-9a-f-]{36}$/)
  await page.getByText('3 of 3 recipients done (100%)').waitFor({ timeout: 60_000 })
  // The subject template reads with its fields by name; the message section shows what was sent.
  await page.getByRole('heading', { level: 1 }).filter({ hasText: 'Quote request for ‹vendor.name›' }).waitFor()
  await page.frameLocator('iframe[title="Message body"]').locator('body').filter({ hasText: 'Hello ‹contact.name›' }).waitFor()
  await page.getByRole('list', { name: 'Reply-To' }).getByText(/the Inbox/).waitFor()
  await page.getByRole('table', { name: 'Attachments of every message' }).getByText('terms-and-conditions.txt').waitFor()
  const bar = page.getByRole('progressbar', { name: 'Dispatch progress' })
  assert.equal(await bar.getAttribute('value'), '3')
  await page.getByRole('table', { name: 'Deliveries' }).getByRole('row').filter({ hasText: 'pilot1@pilot.e2e.test' }).waitFor()
  await page.getByRole('table', { name: 'Per-recipient attachments' }).getByText('PIL1_statement.txt').waitFor()
  await settle(page)
  await b.shot('dispatch-completed')

  // Sent lists it as completed.
  await clickNav(page, 'Sent')
  await page.getByRole('row').filter({ hasText: 'Quote request for ‹vendor.name›' }).getByText('completed').waitFor()
  await b.shot('sent')
  b.assertNoErrors('compose and send')
})

browserTest('the captured messages are in the outbox, merged and with the right attachments', () => [b], async () => {
  assert.ok(OUTBOX, 'E2E_OUTBOX is set by run.sh')
  const mine = await eventually('three captured messages to the pilot vendors', () => {
    const found = capturedMessages(OUTBOX).filter((m) => /@pilot\.e2e\.test/.test(m.headers.to ?? ''))
    return found.length === 3 ? found : null
  })
  for (const p of PILOTS) {
    const m = mine.find((x) => x.headers.to.includes(p.email))
    assert.ok(m, `a message to ${p.email}`)
    assert.equal(m.headers.subject, `Quote request for ${p.name}`)
    assert.match(m.raw, /terms-and-conditions\.txt/, 'the shared attachment is in every message')
    if (p.code === 'PIL1') assert.match(m.raw, /PIL1_statement\.txt/, 'the per-recipient file reaches its vendor')
    else assert.doesNotMatch(m.raw, /PIL1_statement\.txt/, 'the per-recipient file reaches no one else')
  }
})

browserTest('a dispatch above the approval threshold waits for another tenant admin to approve it', () => [b, approver], async () => {
  const { page } = b
  await clickNav(page, 'Settings')
  const approval = page.getByRole('form', { name: 'Approval threshold' })
  await approval.getByLabel('Approval threshold (recipients)').fill('2')
  await approval.getByRole('button', { name: 'Save' }).click()
  await approval.getByText('Approval threshold saved.').waitFor()
  await b.shot('settings-approval')

  await clickNav(page, 'Dispatch', 'New dispatch')
  await page.getByLabel('Subject', { exact: true }).fill('Approval needed for {{vendor.name}}')
  await page.getByLabel('Message (Markdown)').fill('Hello {{contact.name}}, this one needed an approval.')
  await page.getByRole('checkbox', { name: /^E2E Pilot/ }).check()
  await page.frameLocator('iframe[title="Message preview"]').locator('body').filter({ hasText: 'needed an approval' }).waitFor({ timeout: 15_000 })
  await page.getByRole('button', { name: 'Send', exact: true }).click()
  await page.getByRole('button', { name: 'Confirm and send' }).click()
  await page.waitForURL(/\/dispatches\/[0-9a-f-]{36}$/)
  const box = page.getByRole('region', { name: 'Approval' })
  await box.getByText(/above the workspace’s approval threshold/).waitFor()
  await page.locator('.page-header .badge').filter({ hasText: 'pending approval' }).waitFor()
  await b.shot('dispatch-pending-approval')
  b.assertNoErrors('the dispatch waiting for approval')

  // Four eyes: a second tenant admin approves it.
  const second = { email: 'second.admin@e2e-vendors.test', password: 'Second-Admin-Passw0rd!', tenant: admin.tenant }
  const token = await apiLogin(admin.email, admin.password, admin.tenant)
  const created = await api('POST', '/users', { token, body: { email: second.email, name: 'Second Admin', role: 'tenant_admin', password: second.password } })
  assert.equal(created.status, 201, JSON.stringify(created.data))
  approver = await openBrowser('04-vendors-dispatch-approver')
  await uiLogin(approver.page, second)
  await approver.page.goto(new URL(page.url()).pathname)
  const theirBox = approver.page.getByRole('region', { name: 'Approval' })
  await theirBox.getByRole('button', { name: 'Approve and send' }).click()
  await approver.page.getByText('3 of 3 recipients done (100%)').waitFor({ timeout: 60_000 })
  await approver.shot('dispatch-approved')
  approver.assertNoErrors('the approval')
})
