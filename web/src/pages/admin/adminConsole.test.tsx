// The super admin's console against the API shapes (src/tenancy/plan_routes.cpp,
// tenancy_routes.cpp, src/billing/billing_routes.cpp): plans edited and retired, limit overrides
// set and cleared from the tenant page, the plan picker and admin name of a new tenant, and
// "Close period now".
import { cleanup, fireEvent, screen, within } from '@testing-library/react'
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { api } from '../../api/client'
import { ADMIN_TENANT, bodyOf, installFetch, jsonRes, problemRes, renderApp, ROOT_ME } from '../../test/fakeServer'
import { LIMIT_SPECS, limitInput, overridePatch, parseLimit, planDraftOf, planPatch, type LimitKey } from './limits'
import { utcMonth } from './AdminPages'
import { offeredPlans } from './TenantsPage'

vi.setConfig({ testTimeout: 20_000 })
beforeEach(() => api.setAccessToken(null))
afterEach(() => {
  cleanup()
  vi.unstubAllGlobals()
})

const asRoot = { 'GET /api/v1/me': () => jsonRes(200, ROOT_ME) }
const LIMITS = { emails_per_period: 1000, recipients_per_dispatch: 500, vendors: 100, users: 5, send_rate_per_second: 10, attachment_bytes: 1000000 }
const plan = (id: string, name: string, extra: Record<string, unknown> = {}) => ({
  id,
  name,
  price_cents: 4900,
  currency: 'EUR',
  overage_cents_per_1000: null,
  limits: LIMITS,
  retired: false,
  is_default: false,
  tenants_count: 0,
  ...extra,
})
const TENANT = ADMIN_TENANT
const spec = (key: LimitKey) => LIMIT_SPECS.find((s) => s.key === key)!

describe('limits as the server checks them', () => {
  it('counts are whole numbers up to 10^15, rates any non-negative number, sizes MB', () => {
    expect(parseLimit(spec('vendors'), '2,500')).toEqual({ value: 2500 })
    expect(parseLimit(spec('vendors'), '1.5')).toEqual({ error: 'Vendors is a whole number (0 or more).' })
    expect(parseLimit(spec('vendors'), '-1')).toHaveProperty('error')
    expect(parseLimit(spec('vendors'), '')).toHaveProperty('error')
    expect(parseLimit(spec('emails_per_period'), '1000000000000001')).toEqual({ error: 'Emails per period is at most 10^15.' })
    expect(parseLimit(spec('send_rate_per_second'), '0.5')).toEqual({ value: 0.5 })
    expect(parseLimit(spec('send_rate_per_second'), 'fast')).toHaveProperty('error')
    expect(parseLimit(spec('attachment_bytes'), '2.5')).toEqual({ value: 2621440 })
    expect(limitInput(spec('attachment_bytes'), 1000000)).toBe('0.95')
    expect(limitInput(spec('vendors'), undefined)).toBe('')
    expect(overridePatch('vendors', null)).toEqual({ limit_overrides: { vendors: null } })
  })

  it('a plan edit sends only what changed, never a rounded size it only displayed', () => {
    const p = plan('p1', 'Standard', { overage_cents_per_1000: 150 })
    const draft = planDraftOf(p)
    expect(draft).toMatchObject({ price: '49.00', attachmentMb: '0.95', overage: '1.50' })
    expect(planPatch(p, draft)).toEqual({})
    expect(planPatch(p, { ...draft, name: ' Standard 2 ', emails: '2000', overage: '' })).toEqual({
      name: 'Standard 2',
      overage_cents_per_1000: null,
      limits: { emails_per_period: 2000 },
    })
  })

  it('a new tenant is offered the plans that are not retired, the default first', () => {
    const plans = [plan('a', 'A'), plan('r', 'Retired', { retired: true }), plan('d', 'Default', { is_default: true })]
    expect(offeredPlans(plans).map((p) => p.id)).toEqual(['d', 'a'])
  })
})

describe('plans page', () => {
  it('edits a plan with only the changed members and retires another after an inline confirm', async () => {
    let plans = [plan('p1', 'Standard', { is_default: true, tenants_count: 3 }), plan('p2', 'Gold', { tenants_count: 1 })]
    const calls = installFetch({
      ...asRoot,
      'GET /api/v1/admin/plans': () => jsonRes(200, { items: plans, next_cursor: null }),
      'PATCH /api/v1/admin/plans/p1': (init) => jsonRes(200, { ...plans[0], ...bodyOf(init), limits: { ...LIMITS, users: 9 } }),
      'PATCH /api/v1/admin/plans/p2': (init) => {
        plans = plans.map((p) => (p.id === 'p2' ? { ...p, ...bodyOf(init) } : p))
        return jsonRes(200, plans[1])
      },
    })
    renderApp('/admin/plans')
    const table = await screen.findByRole('table', { name: 'Plans' })
    expect(within(table).getByText('offered (default)')).toBeTruthy()
    expect(within(table).queryByRole('button', { name: 'Retire Standard' })).toBeNull() // the default plan stays offered

    fireEvent.click(within(table).getByRole('button', { name: 'Edit Standard' }))
    const form = screen.getByRole('form', { name: 'Edit plan Standard' })
    expect(within(form).getByText(/3 tenants are on this plan/)).toBeTruthy()
    fireEvent.change(within(form).getByLabelText(/^Users/), { target: { value: '9' } })
    fireEvent.click(within(form).getByRole('button', { name: 'Save plan' }))
    expect(await screen.findByText('Plan Standard saved.')).toBeTruthy()
    expect(bodyOf(calls.find((c) => c.key === 'PATCH /api/v1/admin/plans/p1')!.init)).toEqual({ limits: { users: 9 } })
    expect(screen.getByRole('form', { name: 'New plan' })).toBeTruthy()

    fireEvent.click(within(table).getByRole('button', { name: 'Retire Gold' }))
    expect(calls.some((c) => c.key === 'PATCH /api/v1/admin/plans/p2')).toBe(false)
    fireEvent.click(screen.getByRole('button', { name: 'Retire plan' }))
    expect(await screen.findByText(/Plan Gold retired: its tenants keep it/)).toBeTruthy()
    expect(bodyOf(calls.find((c) => c.key === 'PATCH /api/v1/admin/plans/p2')!.init)).toEqual({ retired: true })
    expect(within(table).getByRole('button', { name: 'Offer Gold again' })).toBeTruthy()
  })

  it('shows the server refusing a currency change of a plan in use', async () => {
    installFetch({
      ...asRoot,
      'GET /api/v1/admin/plans': () => jsonRes(200, { items: [plan('p2', 'Gold', { tenants_count: 1 })], next_cursor: null }),
      'PATCH /api/v1/admin/plans/p2': () =>
        problemRes(409, 'Conflict', { code: 'plan_in_use', detail: 'Tenants or invoices use this plan in EUR: its currency cannot change.' }),
    })
    renderApp('/admin/plans')
    fireEvent.click(await screen.findByRole('button', { name: 'Edit Gold' }))
    const form = screen.getByRole('form', { name: 'Edit plan Gold' })
    fireEvent.change(within(form).getByLabelText(/^Currency/), { target: { value: 'USD' } })
    fireEvent.click(within(form).getByRole('button', { name: 'Save plan' }))
    expect(await within(form).findByText(/its currency cannot change/)).toBeTruthy()
  })
})

describe('tenant page overrides', () => {
  it('sets an override checked like the API, then clears it', async () => {
    let overrides: Record<string, number> = {}
    const calls = installFetch({
      ...asRoot,
      'GET /api/v1/admin/tenants/t1': () => jsonRes(200, { ...TENANT, limit_overrides: overrides, usage_history: [] }),
      'GET /api/v1/admin/plans': () => jsonRes(200, { items: [plan('p1', 'Standard')], next_cursor: null }),
      'PATCH /api/v1/admin/tenants/t1': (init) => {
        const patch = bodyOf(init).limit_overrides as Record<string, number | null>
        for (const [k, v] of Object.entries(patch)) {
          if (v === null) delete overrides[k]
          else overrides = { ...overrides, [k]: v }
        }
        return jsonRes(200, { ...TENANT, limit_overrides: overrides })
      },
    })
    renderApp('/admin/tenants/t1')
    fireEvent.click(await screen.findByRole('button', { name: 'Set override for Vendors' }))
    const form = screen.getByRole('form', { name: 'Override Vendors' })
    fireEvent.change(within(form).getByLabelText('Vendors override'), { target: { value: '1.5' } })
    fireEvent.submit(form)
    expect(within(form).getByText('Vendors is a whole number (0 or more).')).toBeTruthy()
    expect(calls.some((c) => c.key === 'PATCH /api/v1/admin/tenants/t1')).toBe(false)

    fireEvent.change(within(form).getByLabelText('Vendors override'), { target: { value: '250' } })
    fireEvent.submit(form)
    expect((await screen.findByTestId('override-vendors')).textContent).toBe('250')
    expect(bodyOf(calls.find((c) => c.key === 'PATCH /api/v1/admin/tenants/t1')!.init)).toEqual({ limit_overrides: { vendors: 250 } })
    expect(screen.getByTestId('override-users').textContent).toBe('—')

    fireEvent.click(screen.getByRole('button', { name: 'Clear override for Vendors' }))
    expect(await screen.findByRole('button', { name: 'Set override for Vendors' })).toBeTruthy()
    expect(bodyOf(calls.filter((c) => c.key === 'PATCH /api/v1/admin/tenants/t1')[1].init)).toEqual({ limit_overrides: { vendors: null } })
    expect(screen.getByTestId('override-vendors').textContent).toBe('—')
  })

  it('names the limit when the server refuses a value', async () => {
    installFetch({
      ...asRoot,
      'GET /api/v1/admin/tenants/t1': () => jsonRes(200, { ...TENANT, usage_history: [] }),
      'PATCH /api/v1/admin/tenants/t1': () =>
        problemRes(422, 'Unprocessable Content', {
          code: 'validation_failed',
          detail: 'limit_overrides.attachment_bytes: must be a whole number from 0 to 10^15',
          errors: [{ field: 'limit_overrides.attachment_bytes', reason: 'must be a whole number from 0 to 10^15' }],
        }),
    })
    renderApp('/admin/tenants/t1')
    fireEvent.click(await screen.findByRole('button', { name: 'Set override for Attachment size' }))
    const form = screen.getByRole('form', { name: 'Override Attachment size' })
    fireEvent.change(within(form).getByLabelText('Attachment size override (MB)'), { target: { value: '20' } })
    fireEvent.submit(form)
    expect(await within(form).findByText('Attachment size must be a whole number from 0 to 10^15')).toBeTruthy()
  })
})

describe('new tenant', () => {
  it('picks an offered plan and names the admin', async () => {
    const calls = installFetch({
      ...asRoot,
      'GET /api/v1/admin/tenants': () => jsonRes(200, { items: [TENANT], next_cursor: null }),
      'GET /api/v1/admin/plans': (_init, url) => {
        expect(url.searchParams.get('include_retired')).toBe('false')
        return jsonRes(200, { items: [plan('p1', 'Standard', { is_default: true }), plan('p2', 'Gold', { price_cents: 12900 })], next_cursor: null })
      },
      'POST /api/v1/admin/tenants': (init) => {
        const b = bodyOf(init)
        return jsonRes(201, {
          ...TENANT,
          id: 't2',
          name: b.name,
          slug: b.slug,
          plan_id: b.plan_id,
          plan_name: 'Gold',
          admin: { id: 'a2', email: b.admin_email, name: b.admin_name, role: 'tenant_admin' },
        })
      },
    })
    renderApp('/admin/tenants')
    const form = await screen.findByRole('form', { name: 'New tenant' })
    const picker = (await within(form).findByLabelText(/^Plan/)) as HTMLSelectElement
    expect(picker.value).toBe('p1')
    expect([...picker.options].map((o) => o.text)).toEqual(['Standard · €49.00 a month (default)', 'Gold · €129.00 a month'])
    fireEvent.change(picker, { target: { value: 'p2' } })
    fireEvent.change(within(form).getByLabelText(/^Name/), { target: { value: 'Globex Corp' } })
    fireEvent.change(within(form).getByLabelText(/^Admin name/), { target: { value: 'Grace Hopper' } })
    fireEvent.change(within(form).getByLabelText(/^Admin email/), { target: { value: 'grace@globex.test' } })
    fireEvent.change(within(form).getByLabelText(/^Admin password/), { target: { value: 'Globex-Passw0rd!' } })
    fireEvent.submit(form)
    expect(await within(form).findByText(/plan Gold, admin grace@globex\.test \(Grace Hopper\)/)).toBeTruthy()
    expect(bodyOf(calls.find((c) => c.key === 'POST /api/v1/admin/tenants')!.init)).toEqual({
      name: 'Globex Corp',
      slug: 'globex-corp',
      admin_name: 'Grace Hopper',
      admin_email: 'grace@globex.test',
      admin_password: 'Globex-Passw0rd!',
      plan_id: 'p2',
    })
  })
})

describe('close period now', () => {
  it('months are UTC months', () => {
    expect(utcMonth(new Date('2026-03-01T00:30:00Z'), -1)).toBe('2026-02')
    expect(utcMonth(new Date('2026-01-15T12:00:00Z'), -1)).toBe('2025-12')
    expect(utcMonth(new Date('2026-12-31T23:59:00Z'))).toBe('2026-12')
  })

  it('asks first, closes the last finished month and shows what the CLI prints', async () => {
    let invoiceLoads = 0
    const lastMonth = utcMonth(new Date(), -1)
    const calls = installFetch({
      ...asRoot,
      'GET /api/v1/admin/invoices': () => {
        invoiceLoads += 1
        return jsonRes(200, { items: [], next_cursor: null })
      },
      'POST /api/v1/admin/billing/close-period': (init) => {
        const period = String(bodyOf(init).period)
        return jsonRes(200, { period, period_start: `${period}-01`, period_end: '', created: 2, existing: 1, summary: `period ${period} closed: 2 invoice(s) created, 1 already invoiced` })
      },
    })
    renderApp('/admin/invoices')
    fireEvent.click(await screen.findByRole('button', { name: 'Close period now' }))
    const form = screen.getByRole('form', { name: 'Close billing period' })
    expect(within(form).getByText(/a tenant already invoiced for the period gets no second invoice/)).toBeTruthy()
    const month = within(form).getByLabelText(/^Period/) as HTMLInputElement
    expect(month.value).toBe(lastMonth)
    expect(calls.some((c) => c.key === 'POST /api/v1/admin/billing/close-period')).toBe(false)

    fireEvent.change(month, { target: { value: utcMonth(new Date(), 1) } })
    fireEvent.submit(form)
    expect(within(form).getByText('That month has not begun yet.')).toBeTruthy()
    fireEvent.change(month, { target: { value: utcMonth(new Date()) } })
    expect(within(form).getByText(/is still running/)).toBeTruthy()
    fireEvent.change(month, { target: { value: lastMonth } })
    expect(calls.some((c) => c.key === 'POST /api/v1/admin/billing/close-period')).toBe(false)

    const loadsBefore = invoiceLoads
    fireEvent.click(within(form).getByRole('button', { name: `Close period ${lastMonth}` }))
    expect((await screen.findByTestId('close-summary')).textContent).toBe(`period ${lastMonth} closed: 2 invoice(s) created, 1 already invoiced`)
    expect(bodyOf(calls.find((c) => c.key === 'POST /api/v1/admin/billing/close-period')!.init)).toEqual({ period: lastMonth })
    await vi.waitFor(() => expect(invoiceLoads).toBeGreaterThan(loadsBefore)) // the list shows the new drafts
  })
})
