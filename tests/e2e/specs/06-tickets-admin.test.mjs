// Support and billing across the two sides: a tenant opens a ticket, the super admin answers it in
// the queue and sets its status, the tenant sees the answer; the super admin creates a plan, moves
// the tenant to it and sees the invoice preview, the overview, the invoices and the audit log.
// (Suspension is 03-suspension.)
import assert from 'node:assert/strict'
import { after, before } from 'node:test'
import { adminCommand, browserTest, clickNav, createTenant, openBrowser, ROOT, uiLogin } from '../lib/harness.mjs'

const SUBJECT = 'Bounces from one carrier'
const PLAN = { name: 'E2E Gold', price: '129.00', emails: '250000', recipients: '20000', vendors: '5000', users: '25', overage: '0.80' }

let tenantUser
let operator
let admin
let tenant

before(async () => {
  ;({ tenant, admin } = await createTenant('Tickets E2E', 'e2e-tickets'))
  tenantUser = await openBrowser('06-tickets-admin-tenant')
  operator = await openBrowser('06-tickets-admin-operator')
})
after(async () => {
  await tenantUser?.close()
  await operator?.close()
})

browserTest('a tenant opens a ticket', () => [tenantUser, operator], async () => {
  const { page } = tenantUser
  await uiLogin(page, admin)
  await clickNav(page, 'Tickets')
  const form = page.getByRole('region', { name: 'New ticket' })
  await form.getByLabel('Subject', { exact: true }).fill(SUBJECT)
  await form.getByLabel('Category').selectOption('deliverability')
  await form.getByLabel('Priority').selectOption('high')
  await form.getByLabel('Description').fill('Messages to carrier.example bounce with 5.7.1 since Monday.')
  await page.getByRole('button', { name: 'Open ticket' }).click()
  await page.getByText('Ticket sent. We will answer here.').waitFor()
  const row = page.getByRole('table', { name: 'Tickets' }).getByRole('row').filter({ hasText: SUBJECT })
  await row.getByText('open', { exact: true }).waitFor()
  await tenantUser.shot('ticket-opened')
  tenantUser.assertNoErrors('opening a ticket')
})

browserTest('the super admin answers it in the queue and marks it pending', () => [tenantUser, operator], async () => {
  const { page } = operator
  await uiLogin(page, ROOT)
  await clickNav(page, 'Tickets', 'Ticket queue')
  const row = page.getByRole('table', { name: 'Tickets' }).getByRole('row').filter({ hasText: SUBJECT })
  assert.match(await row.innerText(), /Tickets E2E/, 'the queue names the tenant')
  assert.match(await row.innerText(), /high/)
  await row.getByRole('link', { name: SUBJECT }).click()
  await page.getByRole('heading', { level: 1, name: SUBJECT }).waitFor()
  await page.getByText('Messages to carrier.example bounce with 5.7.1 since Monday.').waitFor()
  await page.getByLabel('Reply', { exact: true }).fill('The carrier blocks your sending IP; we asked them to lift it. Please retry the failed ones tomorrow.')
  await page.getByRole('button', { name: 'Send reply' }).click()
  await page.getByText(/we asked them to lift it/).waitFor()
  await page.getByLabel('Status').selectOption('pending')
  await page.locator('.page-header .badge').filter({ hasText: /^pending$/ }).waitFor()
  await operator.shot('ticket-answered')
  operator.assertNoErrors('answering the ticket')
})

browserTest('the tenant sees the answer from platform support', () => [tenantUser, operator], async () => {
  const { page } = tenantUser
  await page.getByRole('table', { name: 'Tickets' }).getByRole('link', { name: SUBJECT }).click()
  await page.getByRole('heading', { level: 1, name: SUBJECT }).waitFor()
  const answer = page.locator('.conversation li.from-platform')
  await answer.waitFor()
  assert.match(await answer.innerText(), /Platform support/)
  assert.match(await answer.innerText(), /we asked them to lift it/)
  await page.getByLabel('Reply', { exact: true }).fill('Thanks, we will retry tomorrow.')
  await page.getByRole('button', { name: 'Send reply' }).click()
  await page.getByText('Thanks, we will retry tomorrow.').waitFor()
  await tenantUser.shot('ticket-conversation')
  tenantUser.assertNoErrors('the conversation')
})

browserTest('the super admin creates a plan, assigns it and sees the invoice preview', () => [tenantUser, operator], async () => {
  const { page } = operator
  await clickNav(page, 'Plans')
  const form = page.getByRole('form', { name: 'New plan' })
  await form.getByRole('button', { name: 'Create plan' }).click()
  await form.getByText('Name is required.').waitFor() // inline validation before any request
  await form.getByLabel('Name', { exact: true }).fill(PLAN.name)
  await form.getByLabel('Monthly price').fill(PLAN.price)
  await form.getByLabel('Emails per period').fill(PLAN.emails)
  await form.getByLabel('Recipients per dispatch').fill(PLAN.recipients)
  await form.getByLabel('Vendors', { exact: true }).fill(PLAN.vendors)
  await form.getByLabel('Users', { exact: true }).fill(PLAN.users)
  await form.getByLabel('Overage per 1000 emails').fill(PLAN.overage)
  await form.getByRole('button', { name: 'Create plan' }).click()
  await form.getByText(`Plan ${PLAN.name} created.`).waitFor()
  const planRow = page.getByRole('table', { name: 'Plans' }).getByRole('row').filter({ hasText: PLAN.name })
  assert.match(await planRow.innerText(), /€129\.00/)
  assert.match(await planRow.innerText(), /250,000/)
  await operator.shot('plan-created')

  await clickNav(page, 'Tenants')
  await page.getByRole('table', { name: 'Tenants' }).getByRole('link', { name: tenant.name, exact: true }).click()
  await page.getByRole('heading', { level: 1, name: tenant.name }).waitFor()
  const change = page.getByRole('form', { name: 'Change plan' })
  await change.getByRole('combobox').selectOption({ label: PLAN.name })
  await change.getByRole('button', { name: 'Change plan' }).click()
  await change.getByText(`Plan changed to ${PLAN.name}.`).waitFor()
  assert.equal(await page.getByTestId('tenant-plan').innerText(), PLAN.name)
  const lines = page.getByRole('table', { name: 'Invoice lines' })
  await lines.getByRole('row').filter({ hasText: 'Total' }).waitFor()
  assert.match(await lines.innerText(), /Plan E2E Gold/)
  assert.match(await lines.innerText(), /€129\.00/)
  await operator.shot('tenant-invoice-preview')
  operator.assertNoErrors('plans and the tenant page')
})

browserTest('overview, invoices and audit log render with their figures', () => [tenantUser, operator], async () => {
  const { page } = operator
  await clickNav(page, 'Overview')
  const figures = page.getByLabel('Platform figures')
  await figures.getByText('Active tenants').waitFor()
  await figures.getByText('Open tickets').waitFor()
  await page.getByRole('heading', { name: 'Delivery queue' }).waitFor()
  // serve runs an embedded worker: it reports in, with no relay problem on the capture transport.
  await page.getByRole('table', { name: 'Workers' }).getByText('healthy').first().waitFor()
  await operator.shot('overview')
  await clickNav(page, 'Invoices')
  await operator.shot('invoices')
  await clickNav(page, 'Audit log')
  const audit = page.getByRole('table', { name: 'Audit entries' })
  await audit.getByRole('row').filter({ hasText: 'plan' }).first().waitFor()
  await operator.shot('audit')
  operator.assertNoErrors('overview, invoices, audit')
})

browserTest('an invoice of a closed period is issued, paid and printable', () => [tenantUser, operator], async () => {
  const period = new Date().toISOString().slice(0, 7)
  const out = adminCommand('close-period', '--period', period)
  assert.match(out, /invoice\(s\) created/, out)
  const { page } = operator
  await clickNav(page, 'Invoices')
  const row = page.getByRole('table', { name: 'Invoices' }).getByRole('row').filter({ hasText: tenant.name })
  await row.getByRole('link', { name: /^INV-/ }).click()
  await page.getByRole('heading', { level: 1, name: /^Invoice / }).waitFor()
  await page.getByRole('table', { name: 'Invoice lines' }).getByText(/Plan E2E Gold/).waitFor()
  if (await page.getByRole('button', { name: 'Issue' }).count()) {
    await page.getByRole('button', { name: 'Issue' }).click()
    await page.getByText('Invoice issued.').waitFor()
  }
  const pay = page.getByRole('form', { name: 'Record payment' })
  assert.equal(await pay.getByLabel('Amount').inputValue(), '129.00', 'the form proposes the balance')
  await pay.getByLabel('Reference').fill('Bank transfer 4711')
  await pay.getByRole('button', { name: 'Record payment' }).click()
  await page.getByText('Payment recorded.').waitFor()
  await page.getByRole('table', { name: 'Payments' }).getByText('Bank transfer 4711').waitFor()
  await page.locator('.page-header .badge').filter({ hasText: /^paid$/ }).waitFor()
  await operator.shot('invoice-paid')

  const [tab] = await Promise.all([
    page.context().waitForEvent('page'),
    page.getByRole('button', { name: /^Printable invoice/ }).click(),
  ])
  await tab.waitForURL(/^blob:/)
  await tab.getByText(/129\.00/).first().waitFor()
  await operator.shot('invoice-printable', tab)
  await tab.close()

  // The tenant sees it under Settings, paid.
  await clickNav(tenantUser.page, 'Settings')
  await tenantUser.page.getByRole('table', { name: 'Invoices of this workspace' }).getByText('paid', { exact: true }).waitFor()
  await tenantUser.shot('tenant-invoices')
  operator.assertNoErrors('the invoice')
  tenantUser.assertNoErrors('the tenant invoices')
})
