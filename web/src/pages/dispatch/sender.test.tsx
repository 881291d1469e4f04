// Senders and their domains (src/domains/sender_domain.cpp): Compose offers only senders the server
// accepts and lists the others disabled with the reason and a link to the domains; a default sender
// that cannot send is not preselected; Settings shows the 422 domain_not_verified under the address
// with a link to the domains.
import { cleanup, fireEvent, screen, waitFor, within } from '@testing-library/react'
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { api } from '../../api/client'
import { bodyOf, installFetch, jsonRes, problemRes, renderApp, type Handler } from '../../test/fakeServer'

beforeEach(() => api.setAccessToken(null))
afterEach(() => {
  cleanup()
  vi.unstubAllGlobals()
})

const domain = (id: string, name: string, status: string) => ({
  id,
  domain: name,
  status,
  records: [],
  dkim: { selector: 's1', next_selector: null, algorithms: ['rsa-sha256'], signed_by: 'dispatchhub' },
  check_error: null,
  created_at: '2026-12-01T09:00:00Z',
  verified_at: status === 'pending' ? null : '2026-12-01T10:00:00Z',
  checked_at: '2026-12-01T10:00:00Z',
})
const DOMAINS = [domain('d1', 'billing.example', 'verified'), domain('d2', 'acme.example', 'pending'), domain('d3', 'old.example', 'failing')]
const PLATFORM = { id: 'default', email: 'acme@mail.dispatchhub.test', name: 'Acme', is_default: true }
const identity = (id: string, email: string, is_default = false) => ({ id, email, name: null, is_default })

/** The answer of the server to an address whose domain is not verified. */
const notVerified = (field: string, domainName: string) => {
  const reason = `the domain ${domainName} is not verified yet: publish its DNS records and check it`
  return problemRes(422, 'Unprocessable Content', {
    type: 'https://dispatchhub.dev/problems/domain_not_verified',
    code: 'domain_not_verified',
    detail: `${field}: ${reason}`,
    request_id: 'rid-dnv',
    field,
    errors: [{ field, code: 'domain_not_verified', reason }],
  })
}

function composeServer(identities: unknown[], extra: Record<string, Handler> = {}) {
  return installFetch({
    'GET /api/v1/usage': () => jsonRes(200, { period_start: '2026-12-01T00:00:00Z', period_end: '2027-01-01T00:00:00Z', limit: 1000, sent: 0, reserved: 0, remaining: 1000 }),
    'GET /api/v1/sender-identities': () => jsonRes(200, { items: identities, next_cursor: null }),
    'GET /api/v1/domains': () => jsonRes(200, { items: DOMAINS, next_cursor: null }),
    'GET /api/v1/lists': () => jsonRes(200, { items: [{ id: 'l1', name: 'EU suppliers', member_count: 3 }], next_cursor: null }),
    'GET /api/v1/vendors': () => jsonRes(200, { items: [], next_cursor: null }),
    'POST /api/v1/dispatches/preview': () => jsonRes(200, { subject: 'RFQ', html: '<p>Hi</p>', text: 'Hi', recipients_total: 3 }),
    ...extra,
  })
}

const optionTexts = (select: HTMLElement, disabled: boolean) =>
  within(select)
    .getAllByRole('option')
    .filter((o) => (o as HTMLOptionElement).disabled === disabled)
    .map((o) => o.textContent)

describe('Compose: the sender picker', { timeout: 20_000 }, () => {
  it('offers the platform address and verified (or failing) domains only; the others are disabled with the reason', async () => {
    composeServer([PLATFORM, identity('i1', 'ap@billing.example'), identity('i2', 'ap@acme.example'), identity('i3', 'ap@old.example'), identity('i4', 'x@unknown.example')])
    renderApp('/dispatches/new')
    const select = await screen.findByLabelText('Sender')
    await waitFor(() => expect(optionTexts(select, true)).toHaveLength(2))
    expect(optionTexts(select, false)).toEqual(['Workspace default: Acme <acme@mail.dispatchhub.test>', 'ap@billing.example', 'ap@old.example'])
    expect(optionTexts(select, true)).toEqual([
      'ap@acme.example (acme.example is not verified yet)',
      'x@unknown.example (unknown.example is not a sending domain of this workspace)',
    ])
    expect(within(select).getByRole('group', { name: 'Not available: domain not verified' })).toBeTruthy()
    // The reasons describe the field, each with the way to fix it.
    const hint = document.getElementById(select.getAttribute('aria-describedby')!.split(' ')[0])!
    expect(hint.textContent).toContain('ap@acme.example: acme.example is not verified yet — Settings → Domains')
    expect(within(hint).getAllByRole('link', { name: 'Settings → Domains' })[0].getAttribute('href')).toBe('/settings/domains')

    // A failing domain is offered, and says its dispatch will be held.
    fireEvent.change(select, { target: { value: 'i3' } })
    expect(await screen.findByText(/old\.example failed its latest DNS check: this dispatch will be accepted but held/)).toBeTruthy()
  })

  it('a workspace default on an unverified domain is not preselected; the chosen sender goes with the dispatch', async () => {
    const calls = composeServer([identity('i2', 'ap@acme.example', true), identity('i1', 'ap@billing.example')], {
      'POST /api/v1/dispatches': () => jsonRes(201, { id: 'disp1', subject: 'RFQ', status: 'queued', recipients_total: 3, counts: {} }),
      'GET /api/v1/dispatches/disp1': () => jsonRes(200, { id: 'disp1', subject: 'RFQ', status: 'queued', recipients_total: 3, counts: {} }),
    })
    renderApp('/dispatches/new')
    const select = (await screen.findByLabelText('Sender')) as HTMLSelectElement
    await waitFor(() => expect(select.value).toBe('i1'))
    expect(optionTexts(select, true)).toEqual(['Workspace default: ap@acme.example (acme.example is not verified yet)'])

    fireEvent.change(screen.getByLabelText(/^Subject/), { target: { value: 'RFQ' } })
    fireEvent.change(screen.getByLabelText(/^Message/), { target: { value: 'Hello' } })
    fireEvent.click(await screen.findByRole('checkbox', { name: 'EU suppliers (3)' }))
    fireEvent.click(screen.getByRole('button', { name: 'Preview' }))
    await waitFor(() => expect(calls.some((c) => c.key === 'POST /api/v1/dispatches/preview')).toBe(true))
    fireEvent.click(screen.getByRole('button', { name: 'Send' }))
    const dialog = await screen.findByRole('alertdialog')
    fireEvent.click(await within(dialog).findByRole('button', { name: 'Confirm and send' }))
    await waitFor(() => expect(calls.some((c) => c.key === 'POST /api/v1/dispatches')).toBe(true))
    expect(bodyOf(calls.find((c) => c.key === 'POST /api/v1/dispatches')!.init).sender_identity_id).toBe('i1')
  })
})

describe('Settings: sender identities', { timeout: 20_000 }, () => {
  it('shows which addresses can send, and the 422 domain_not_verified under the address with a link to the domains', async () => {
    installFetch({
      'GET /api/v1/users': () => jsonRes(200, { items: [], next_cursor: null }),
      'GET /api/v1/api-keys': () => jsonRes(200, { items: [], next_cursor: null }),
      'GET /api/v1/sender-identities': () => jsonRes(200, { items: [PLATFORM, identity('i1', 'ap@billing.example'), identity('i2', 'ap@acme.example')], next_cursor: null }),
      'GET /api/v1/domains': () => jsonRes(200, { items: DOMAINS, next_cursor: null }),
      'POST /api/v1/sender-identities': () => notVerified('email', 'acme.example'),
    })
    renderApp('/settings')
    const table = await screen.findByRole('table', { name: 'Sender identities' })
    await within(table).findByText('Yes (platform address)')
    const canSend = within(table)
      .getAllByRole('row')
      .slice(1)
      .map((r) => within(r).getAllByRole('cell')[3].textContent)
    expect(canSend).toEqual(['Yes (platform address)', 'Yes', 'No: acme.example is not verified yet'])
    // The platform address is the server's own: nothing to delete.
    expect(within(table).queryByRole('button', { name: 'Delete acme@mail.dispatchhub.test' })).toBeNull()
    expect(screen.getByText(/3 added, 1 verified\./)).toBeTruthy()

    const form = screen.getByRole('form', { name: 'Add sender identity' })
    const email = within(form).getByLabelText(/^Sender address/)
    fireEvent.change(email, { target: { value: 'billing@acme.example' } })
    fireEvent.submit(form)
    await waitFor(() => expect(email.getAttribute('aria-invalid')).toBe('true'))
    const described = (email.getAttribute('aria-describedby') ?? '').split(' ').map((id) => document.getElementById(id)!)
    expect(described.map((e) => e.textContent)).toContain('the domain acme.example is not verified yet: publish its DNS records and check it')
    const link = within(form).getByRole('link', { name: 'Settings → Sending domains' })
    expect(link.getAttribute('href')).toBe('/settings/domains')
    expect(within(form).getByRole('alert').textContent).toContain('rid-dnv')
  })
})
