// A vendor answers a dispatch over SMTP, the way its mail server would: to the captured message's
// Reply-To, In-Reply-To its Message-ID. The reply shows up as unread in the Inbox and on the
// Dashboard, opens as plain text (its HTML, script and remote image never rendered), its attachment
// downloads as a file, it is linked to the vendor and the dispatch, and the user answers it from
// the UI; the answer is captured.
import assert from 'node:assert/strict'
import { readFileSync } from 'node:fs'
import { after, before } from 'node:test'
import { api, apiLogin, browserTest, clickNav, createTenant, eventually, openBrowser, OUTBOX, settle, SMTP_PORT, uiLogin } from '../lib/harness.mjs'
import { addressOf, capturedMessages, sendSmtp } from '../lib/mail.mjs'

const VENDOR = { name: 'Globex Inbox', code: 'GLXI', contact: 'Gina Globex', email: 'gina@globex-inbox.e2e.test' }
const SUBJECT = 'Price list for {{vendor.name}}'

let b
let admin
let original

before(async () => {
  ;({ admin } = await createTenant('Inbox E2E', 'e2e-inbox'))
  const token = await apiLogin(admin.email, admin.password, admin.tenant)
  const vendor = await api('POST', '/vendors', {
    token,
    body: { name: VENDOR.name, code: VENDOR.code, contacts: [{ name: VENDOR.contact, email: VENDOR.email, primary: true }] },
  })
  assert.equal(vendor.status, 201, JSON.stringify(vendor.data))
  const d = await api('POST', '/dispatches', {
    token,
    body: { subject: SUBJECT, body_markdown: 'Please send your price list.', recipients: { vendor_ids: [vendor.data.id] } },
  })
  assert.equal(d.status, 201, JSON.stringify(d.data))
  original = await eventually('the captured dispatch to the vendor', () =>
    capturedMessages(OUTBOX).find((m) => (m.headers.to ?? '').includes(VENDOR.email)),
  )
  b = await openBrowser('05-inbox')
})
after(async () => {
  await b?.close()
})

browserTest('a reply sent over SMTP appears unread in the Inbox and on the Dashboard', () => [b], async () => {
  assert.ok(SMTP_PORT, 'E2E_SMTP_PORT is set by run.sh')
  const to = addressOf(original.headers['reply-to'])
  assert.match(to, /@/, `the captured message has a Reply-To: ${original.headers['reply-to']}`)
  const reply = [
    `From: ${VENDOR.contact} <${VENDOR.email}>`,
    `To: ${to}`,
    `Subject: Re: ${original.headers.subject}`,
    'Message-ID: <reply-1@globex-inbox.e2e.test>',
    `In-Reply-To: ${original.headers['message-id']}`,
    `References: ${original.headers['message-id']}`,
    'MIME-Version: 1.0',
    'Content-Type: multipart/mixed; boundary="b1"',
    '',
    '--b1',
    'Content-Type: text/html; charset=utf-8',
    '',
    '<p>Our price list: <b>widgets 4.20 EUR</b>.</p>',
    '<script>window.__inboxScriptRan = true</script>',
    '<img src="http://tracker.e2e.test/pixel.png" alt="pixel">',
    '--b1',
    'Content-Type: text/csv; name="price-list.csv"',
    'Content-Disposition: attachment; filename="price-list.csv"',
    '',
    'item,price',
    'widget,4.20',
    '--b1--',
    '',
  ].join('\n')
  const last = await sendSmtp({ port: SMTP_PORT, from: VENDOR.email, to, message: reply })
  assert.match(last, /^221/, `the server accepted the reply and closed: ${last}`)

  const { page } = b
  await uiLogin(page, admin)
  const unread = page.getByRole('region', { name: 'Unread inbox' })
  await eventually('the unread count on the dashboard', async () => {
    await page.reload()
    await page.getByRole('heading', { level: 1, name: 'Dashboard' }).waitFor()
    await settle(page)
    return /\b1\b/.test(await unread.locator('.stat-value').innerText())
  })
  await b.shot('dashboard-unread')

  await clickNav(page, 'Inbox')
  const item = page.getByRole('list', { name: 'Messages' }).getByRole('listitem').filter({ hasText: 'Re: Price list for Globex Inbox' })
  await item.waitFor()
  assert.match(await item.getAttribute('class'), /unread/)
  assert.match(await item.innerText(), /Unread:/)
  assert.match(await item.innerText(), /Gina Globex <gina@globex-inbox\.e2e\.test>/)
  await b.shot('inbox-unread')
  b.assertNoErrors('the inbox list')
})

browserTest('the message opens as plain text, read, its attachment downloads, linked to the vendor and the dispatch', () => [b], async () => {
  const { page } = b
  const tracker = []
  page.on('request', (r) => r.url().includes('tracker.e2e.test') && tracker.push(r.url()))
  await page.getByRole('link', { name: /Re: Price list for Globex Inbox/ }).click()
  await page.getByRole('heading', { level: 1, name: 'Re: Price list for Globex Inbox' }).waitFor()
  const body = page.getByLabel('Message text')
  await body.waitFor()
  assert.match(await body.innerText(), /Our price list: widgets 4\.20 EUR\./)
  assert.equal(await body.evaluate((el) => el.tagName), 'PRE')
  assert.equal(await page.locator('main img, main iframe').count(), 0, 'no markup of the message is rendered')
  assert.equal(await page.evaluate(() => window.__inboxScriptRan === true), false, 'the message script never ran')
  assert.deepEqual(tracker, [], 'no remote content was fetched')
  await page.getByRole('button', { name: 'Mark as unread' }).waitFor() // opening it marked it read
  await b.shot('message')

  // Its attachment is listed and downloads as a file, never rendered.
  const [download] = await Promise.all([
    page.waitForEvent('download'),
    page.getByRole('button', { name: 'Download price-list.csv' }).click(),
  ])
  assert.equal(download.suggestedFilename(), 'price-list.csv')
  assert.match(readFileSync(await download.path(), 'utf8'), /widget,4\.20/)

  await page.getByRole('link', { name: VENDOR.name }).click()
  await page.getByRole('heading', { level: 1, name: VENDOR.name }).waitFor()
  const thread = page.getByRole('table', { name: 'Messages sent to and received from this vendor' })
  await thread.getByRole('row').filter({ hasText: 'Received' }).filter({ hasText: 'Re: Price list' }).waitFor()
  // The sent message's subject as this vendor received it, not the template.
  await thread.getByRole('row').filter({ hasText: 'Sent' }).filter({ hasText: `Price list for ${VENDOR.name}` }).waitFor()
  await b.shot('vendor-thread')
  await page.goBack()
  await page.getByRole('heading', { level: 1, name: 'Re: Price list for Globex Inbox' }).waitFor()
  b.assertNoErrors('the message view')
})

browserTest('the user replies from the UI; the reply is captured, threaded to the vendor message', () => [b], async () => {
  const { page } = b
  await page.getByLabel('Reply (Markdown)').fill('Thank you, **Gina**. We will order next week.')
  await b.shot('reply-form')
  await page.getByRole('button', { name: 'Send reply' }).click()
  await page.getByText(`Reply sent to ${VENDOR.email}.`).waitFor()
  await b.shot('reply-sent')

  const answer = await eventually('the captured reply', () =>
    capturedMessages(OUTBOX).find((m) => (m.headers.to ?? '').includes(VENDOR.email) && /^Re:/i.test(m.headers.subject ?? '')),
  )
  assert.equal(answer.headers.subject, 'Re: Price list for Globex Inbox')
  assert.match(answer.headers['in-reply-to'] ?? '', /reply-1@globex-inbox\.e2e\.test/, 'the answer is threaded to the vendor message')
  assert.match(answer.raw, /We will order next week/)

  await page.getByRole('link', { name: 'Follow its delivery' }).click()
  await page.getByText('1 of 1 recipient done (100%)').waitFor({ timeout: 30_000 })
  await b.shot('reply-dispatch')
  b.assertNoErrors('the reply')
})
