// The sending-domain pages against the shapes the server answers (src/domains/domain_routes.cpp,
// api/openapi/75-domains.json): the list with status and latest check, adding one (the 422 reason
// in plain words under the field), the records with copy buttons and what the lookup found, "Check
// now" with its progress, check_error, the DKIM rotation and deletion (409 while in use) behind
// inline confirmations; members read without the buttons; the super admin's list of every tenant.
import { cleanup, fireEvent, screen, waitFor, within } from '@testing-library/react'
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { api } from '../../api/client'
import type { Domain as SendingDomain } from '../../api/schema.gen'
import { bodyOf, installFetch, jsonRes, problemRes, renderApp, TENANT_ME, type Handler } from '../../test/fakeServer'

const KEY = 'MIIBIjANBgkqhkiG9w0BAQEFAAOCAQ8AMIIBCgKCAQEAu1SU1LfVLPHCozMxH2Mo4lgOEePzNm0tRgeLezV6ffAt0gunVTLw7onLRnrq0'
const OTHER_KEY = 'MIIBIjANBgkqhkiG9w0BAQEFAAOCAQ8AMIIBCgKCAQEAzzzzOLDKEYzzz'

function acme(overrides: Partial<SendingDomain> = {}): SendingDomain {
  return {
    id: 'd1',
    domain: 'acme-corp.example',
    status: 'pending',
    records: [
      { purpose: 'ownership', type: 'TXT', name: '_dispatchhub.acme-corp.example', value: 'dispatchhub-verification=tok123', status: 'missing', found: [] },
      { purpose: 'dkim', type: 'TXT', name: 'dh1._domainkey.acme-corp.example', value: `v=DKIM1; k=rsa; p=${KEY}`, status: 'missing', found: [] },
      { purpose: 'spf', type: 'TXT', name: 'acme-corp.example', value: 'v=spf1 include:spf.relay.example ~all', status: 'advisory', found: [] },
      { purpose: 'dmarc', type: 'TXT', name: '_dmarc.acme-corp.example', value: 'v=DMARC1; p=none; adkim=r; aspf=r', status: 'advisory', found: [] },
    ],
    dkim: { selector: 'dh1', next_selector: null, algorithms: ['rsa-sha256'], ed25519_selector: null, signed_by: 'dispatchhub' },
    check_error: null,
    created_at: '2026-12-01T09:00:00Z',
    verified_at: null,
    checked_at: null,
    ...overrides,
  }
}

/** The domain after a lookup: ownership right, the DKIM record carrying another key. */
function checkedWithWrongKey(): SendingDomain {
  const d = acme({ checked_at: '2026-12-01T10:00:00Z' })
  d.records[0] = { ...d.records[0], status: 'verified', found: ['dispatchhub-verification=tok123'] }
  d.records[1] = { ...d.records[1], status: 'mismatch', found: [`v=DKIM1; k=rsa; p=${OTHER_KEY}`] }
  d.records[2] = { ...d.records[2], found: ['v=spf1 mx -all'] }
  return d
}

function verified(): SendingDomain {
  const d = acme({ status: 'verified', checked_at: '2026-12-01T11:00:00Z', verified_at: '2026-12-01T11:00:00Z' })
  d.records[0] = { ...d.records[0], status: 'verified', found: [d.records[0].value] }
  d.records[1] = { ...d.records[1], status: 'verified', found: [d.records[1].value] }
  return d
}

/** What Error::invalid_field becomes on the wire. */
const invalidField = (field: string, reason: string) =>
  problemRes(422, 'Unprocessable Content', {
    type: 'https://dispatchhub.dev/problems/validation_failed',
    detail: `${field}: ${reason}`,
    code: 'validation_failed',
    request_id: 'rid-422',
    field,
    errors: [{ field, reason }],
  })

const memberMe = { ...TENANT_ME, role: 'tenant_member', user: { ...TENANT_ME.user, role: 'tenant_member' } }

function server(extra: Record<string, Handler> = {}, domains: SendingDomain[] = [acme()]) {
  return installFetch({
    'GET /api/v1/domains': () => jsonRes(200, { items: domains, next_cursor: null }),
    'GET /api/v1/domains/d1': () => jsonRes(200, domains[0]),
    ...extra,
  })
}

beforeEach(() => api.setAccessToken(null))
afterEach(() => {
  cleanup()
  vi.unstubAllGlobals()
})

describe('Sending domains list', { timeout: 20_000 }, () => {
  it('is reached from Settings and lists each domain with its status and latest check', async () => {
    server(
      {
        'GET /api/v1/users': () => jsonRes(200, { items: [], next_cursor: null }),
        'GET /api/v1/api-keys': () => jsonRes(200, { items: [], next_cursor: null }),
      },
      [acme(), { ...verified(), id: 'd2', domain: 'billing.example' }, { ...acme({ id: 'd3', domain: 'old.example', status: 'failing', checked_at: '2026-12-02T08:00:00Z' }) }],
    )
    renderApp('/settings')
    fireEvent.click(await screen.findByRole('link', { name: 'Manage domains' }))
    expect(await screen.findByRole('heading', { level: 1, name: 'Sending domains' })).toBeTruthy()
    expect(screen.getByRole('link', { name: 'Settings', current: 'page' })).toBeTruthy()
    const table = await screen.findByRole('table', { name: 'Sending domains' })
    const rows = within(table).getAllByRole('row').slice(1)
    expect(rows.map((r) => within(r).getAllByRole('cell')[1].textContent)).toEqual(['pending', 'verified', 'failing'])
    expect(within(rows[0]).getByRole('link', { name: 'acme-corp.example' }).getAttribute('href')).toBe('/settings/domains/d1')
    expect(within(rows[0]).getByText('Not checked yet')).toBeTruthy()
    expect(within(rows[2]).getAllByRole('cell')[2].textContent).not.toBe('Not checked yet')
    expect(screen.getByText(/DispatchHub signs every message from a verified domain/)).toBeTruthy()
  })

  it('checks the name first, then shows the server’s 422 in plain words under the field', async () => {
    const calls = server({ 'POST /api/v1/domains': () => invalidField('domain', 'must be a registrable domain name, not an IP address') })
    renderApp('/settings/domains')
    const form = await screen.findByRole('form', { name: 'Add domain' })
    const input = within(form).getByLabelText(/^Domain/)
    fireEvent.change(input, { target: { value: 'ap@acme-corp.example' } })
    fireEvent.submit(form)
    expect(await within(form).findByText('Enter only the domain: the part after the @ of your addresses.')).toBeTruthy()
    expect(calls.some((c) => c.key === 'POST /api/v1/domains')).toBe(false)

    fireEvent.change(input, { target: { value: '192.0.2.10' } })
    fireEvent.submit(form)
    await waitFor(() => expect(input.getAttribute('aria-invalid')).toBe('true'))
    const described = (input.getAttribute('aria-describedby') ?? '').split(' ').map((id) => document.getElementById(id)?.textContent)
    expect(described).toContain('Enter a domain name, not an IP address.')
    expect(within(form).getByRole('alert').textContent).toContain('rid-422')
    expect(bodyOf(calls.find((c) => c.key === 'POST /api/v1/domains')!.init)).toEqual({ domain: '192.0.2.10' })
  })

  it('a 409 (added already) shows under the field too', async () => {
    server({ 'POST /api/v1/domains': () => problemRes(409, 'Conflict', { code: 'domain_exists', detail: 'This domain is added already.' }) })
    renderApp('/settings/domains')
    const form = await screen.findByRole('form', { name: 'Add domain' })
    fireEvent.change(within(form).getByLabelText(/^Domain/), { target: { value: 'acme-corp.example' } })
    fireEvent.submit(form)
    expect(await within(form).findByText('This domain is added already.')).toBeTruthy()
  })

  it('adding a domain opens its records: every one missing, with copy buttons', async () => {
    const writeText = vi.fn(async () => {})
    vi.stubGlobal('navigator', { ...navigator, clipboard: { writeText } })
    const calls = server({ 'POST /api/v1/domains': () => jsonRes(201, acme()), 'GET /api/v1/domains/d1': () => jsonRes(200, acme()) }, [])
    renderApp('/settings/domains')
    expect(await screen.findByText('No sending domains yet. Add one below.')).toBeTruthy()
    const form = screen.getByRole('form', { name: 'Add domain' })
    fireEvent.change(within(form).getByLabelText(/^Domain/), { target: { value: ' acme-corp.example ' } })
    fireEvent.submit(form)
    expect(await screen.findByRole('heading', { level: 1, name: 'acme-corp.example' })).toBeTruthy()
    expect(bodyOf(calls.find((c) => c.key === 'POST /api/v1/domains')!.init)).toEqual({ domain: 'acme-corp.example' })
    expect(screen.getByText(/acme-corp\.example added\. Publish the ownership and DKIM records/)).toBeTruthy()

    const table = screen.getByRole('table', { name: 'DNS records of acme-corp.example' })
    const rows = within(table).getAllByRole('row').slice(1)
    const byPurpose = Object.fromEntries(rows.map((r) => [within(r).getAllByRole('cell')[0].textContent, r]))
    expect(Object.keys(byPurpose)).toEqual(['OwnershipRequired', 'DKIM keyRequired', 'SPFAdvice', 'DMARCAdvice'])
    for (const purpose of ['OwnershipRequired', 'DKIM keyRequired']) {
      expect(within(byPurpose[purpose]).getAllByRole('cell')[4].textContent).toBe('missing')
      expect(within(byPurpose[purpose]).getByText(/Not checked yet: publish it/)).toBeTruthy()
    }
    expect(within(byPurpose['DKIM keyRequired']).getByText('dh1._domainkey')).toBeTruthy()

    fireEvent.click(within(byPurpose['DKIM keyRequired']).getByRole('button', { name: 'Copy value of the DKIM key record' }))
    await waitFor(() => expect(writeText).toHaveBeenCalledWith(`v=DKIM1; k=rsa; p=${KEY}`))
    expect(await screen.findByText('Copied value of the DKIM key record.')).toBeTruthy()
    fireEvent.click(within(byPurpose['OwnershipRequired']).getByRole('button', { name: 'Copy name of the Ownership record' }))
    await waitFor(() => expect(writeText).toHaveBeenCalledWith('_dispatchhub.acme-corp.example'))
  })
})

describe('A sending domain', { timeout: 20_000 }, () => {
  it('shows what was published against what is expected, and a lookup that could not be made', async () => {
    const d = { ...checkedWithWrongKey(), check_error: 'The DNS records could not be checked (_dispatchhub.acme-corp.example: timeout); the domain keeps its status until a lookup succeeds.' }
    server({}, [d])
    renderApp('/settings/domains/d1')
    const table = await screen.findByRole('table', { name: 'DNS records of acme-corp.example' })
    const dkim = within(table).getAllByRole('row')[2]
    expect(within(dkim).getAllByRole('cell')[4].textContent).toBe('mismatch')
    const found = within(dkim).getAllByRole('cell')[5]
    expect(found.textContent).toContain('A record is published at this name, but not this value.')
    expect(found.textContent).toContain(`You published:v=DKIM1; k=rsa; p=${OTHER_KEY}`)
    expect(found.textContent).toContain(`We expect:v=DKIM1; k=rsa; p=${KEY}`)
    const spf = within(table).getAllByRole('row')[3]
    expect(within(spf).getAllByRole('cell')[5].textContent).toContain('does not include include:spf.relay.example')
    expect(screen.getByText('The latest DNS lookup could not be made.')).toBeTruthy()
    expect(screen.getByText(/_dispatchhub\.acme-corp\.example: timeout/)).toBeTruthy()
  })

  it('“Check now” shows its progress, then the domain as the lookup left it', async () => {
    let answer: (r: Response) => void = () => {}
    const calls = server({ 'POST /api/v1/domains/d1/verify': () => new Promise<Response>((r) => (answer = r)) })
    renderApp('/settings/domains/d1')
    fireEvent.click(await screen.findByRole('button', { name: 'Check now' }))
    const busy = await screen.findByRole('button', { name: 'Checking…' })
    expect(busy.getAttribute('aria-busy')).toBe('true')
    expect((busy as HTMLButtonElement).disabled).toBe(true)
    expect(screen.getByText('Looking up the DNS records of acme-corp.example…')).toBeTruthy()
    answer(jsonRes(200, verified()))
    expect(await screen.findByText('Checked just now: acme-corp.example is verified.')).toBeTruthy()
    expect(screen.getByRole('button', { name: 'Check now' })).toBeTruthy()
    const rows = within(screen.getByRole('table', { name: 'DNS records of acme-corp.example' })).getAllByRole('row')
    expect(within(rows[1]).getByText('Found as expected.')).toBeTruthy()
    expect(calls.filter((c) => c.key === 'POST /api/v1/domains/d1/verify')).toHaveLength(1)
  })

  it('rotating the DKIM key asks first and explains when the new key signs; both records are listed', async () => {
    const rotated = verified()
    rotated.dkim = { ...rotated.dkim, next_selector: 'dh2' }
    rotated.records.splice(2, 0, { purpose: 'dkim', type: 'TXT', name: 'dh2._domainkey.acme-corp.example', value: 'v=DKIM1; k=rsa; p=NEWKEY', status: 'missing', found: [] })
    const calls = server({ 'POST /api/v1/domains/d1/rotate-dkim': () => jsonRes(200, rotated) }, [verified()])
    renderApp('/settings/domains/d1')
    expect(await screen.findByText(/the current key keeps signing until a check finds the new record/)).toBeTruthy()
    fireEvent.click(screen.getByRole('button', { name: 'Rotate DKIM key' }))
    const confirm = screen.getByRole('group', { name: /Create a new DKIM key\?/ })
    expect(calls.some((c) => c.key === 'POST /api/v1/domains/d1/rotate-dkim')).toBe(false)
    fireEvent.click(within(confirm).getByRole('button', { name: 'Yes, create a new key' }))
    expect(await screen.findByText(/New DKIM key created \(selector dh2\)/)).toBeTruthy()
    expect(screen.getByText(/A DKIM key rotation is under way/)).toBeTruthy()
    const purposes = within(screen.getByRole('table', { name: 'DNS records of acme-corp.example' }))
      .getAllByRole('row')
      .slice(1)
      .map((r) => within(r).getAllByRole('cell')[0].textContent)
    expect(purposes).toEqual(['OwnershipRequired', 'DKIM key (current)Required', 'DKIM key (new)Required', 'SPFAdvice', 'DMARCAdvice'])
  })

  it('the second, Ed25519 signature is added with its own optional record, and removed after a confirmation', async () => {
    const withEd = verified()
    withEd.dkim = { ...withEd.dkim, algorithms: ['rsa-sha256', 'ed25519-sha256'], ed25519_selector: 'dh9' }
    withEd.records.splice(2, 0, { purpose: 'dkim', type: 'TXT', name: 'dh9._domainkey.acme-corp.example', value: 'v=DKIM1; k=ed25519; p=11qYAYKxCrfVS/7TyWQHOg7hcvPapiMlrwIaaPcHURo=', status: 'missing', found: [] })
    const calls = server({ 'PATCH /api/v1/domains/d1': (init) => jsonRes(200, bodyOf(init).ed25519 ? withEd : verified()) }, [verified()])
    renderApp('/settings/domains/d1')
    fireEvent.click(await screen.findByRole('button', { name: 'Add Ed25519 signature' }))
    expect(await screen.findByText(/A second signature, ed25519-sha256 \(selector dh9\), is added once its record verifies\./)).toBeTruthy()
    expect(bodyOf(calls.find((c) => c.key === 'PATCH /api/v1/domains/d1')!.init)).toEqual({ ed25519: true })
    const purposes = within(screen.getByRole('table', { name: 'DNS records of acme-corp.example' }))
      .getAllByRole('row')
      .slice(1)
      .map((r) => within(r).getAllByRole('cell')[0].textContent)
    expect(purposes).toEqual(['OwnershipRequired', 'DKIM keyRequired', 'DKIM key (Ed25519)Optional', 'SPFAdvice', 'DMARCAdvice'])

    fireEvent.click(screen.getByRole('button', { name: 'Remove Ed25519 key' }))
    expect(calls.filter((c) => c.key === 'PATCH /api/v1/domains/d1')).toHaveLength(1)
    fireEvent.click(within(screen.getByRole('group', { name: /Remove the Ed25519 key\?/ })).getByRole('button', { name: 'Yes, remove' }))
    expect(await screen.findByRole('button', { name: 'Add Ed25519 signature' })).toBeTruthy()
    expect(bodyOf(calls.filter((c) => c.key === 'PATCH /api/v1/domains/d1')[1].init)).toEqual({ ed25519: false })
  })

  it('deleting asks first; a 409 while a dispatch uses the domain is said plainly', async () => {
    let inUse = true
    server({
      'DELETE /api/v1/domains/d1': () =>
        inUse
          ? problemRes(409, 'Conflict', { code: 'domain_in_use', detail: 'A queued or sending dispatch is from this domain.' })
          : new Response(null, { status: 204 }),
    })
    renderApp('/settings/domains/d1')
    fireEvent.click(await screen.findByRole('button', { name: 'Delete domain' }))
    fireEvent.click(within(screen.getByRole('group', { name: /Delete acme-corp\.example\?/ })).getByRole('button', { name: 'Yes, delete' }))
    expect(await screen.findByText(/acme-corp\.example cannot be deleted while a queued or sending dispatch is from it/)).toBeTruthy()
    expect(screen.getByRole('heading', { level: 1, name: 'acme-corp.example' })).toBeTruthy()

    inUse = false
    fireEvent.click(screen.getByRole('button', { name: 'Delete domain' }))
    fireEvent.click(within(screen.getByRole('group', { name: /Delete acme-corp\.example\?/ })).getByRole('button', { name: 'Yes, delete' }))
    expect(await screen.findByRole('heading', { level: 1, name: 'Sending domains' })).toBeTruthy()
    expect(screen.getByText('acme-corp.example deleted.')).toBeTruthy()
  })

  it('says when the relay signs (DKIM_SIGNING=off)', async () => {
    server({}, [acme({ dkim: { selector: 'dh1', next_selector: null, algorithms: ['rsa-sha256'], ed25519_selector: null, signed_by: 'relay' } })])
    renderApp('/settings/domains/d1')
    expect(await screen.findByText(/leaves DKIM signing to its mail relay \(DKIM_SIGNING=off\)/)).toBeTruthy()
    // Nothing to add for DispatchHub to sign with.
    expect(screen.queryByRole('button', { name: 'Add Ed25519 signature' })).toBeNull()
  })

  it('a member reads the records without the buttons', async () => {
    installFetch({
      'GET /api/v1/me': () => jsonRes(200, memberMe),
      'GET /api/v1/domains': () => jsonRes(200, { items: [acme()], next_cursor: null }),
      'GET /api/v1/domains/d1': () => jsonRes(200, acme()),
    })
    renderApp('/settings/domains')
    await screen.findByRole('table', { name: 'Sending domains' })
    expect(screen.queryByRole('form', { name: 'Add domain' })).toBeNull()
    expect(screen.getByText('Only workspace admins can add, check or delete domains.')).toBeTruthy()
    fireEvent.click(screen.getByRole('link', { name: 'acme-corp.example' }))
    await screen.findByRole('table', { name: 'DNS records of acme-corp.example' })
    for (const name of ['Check now', 'Rotate DKIM key', 'Delete domain']) expect(screen.queryByRole('button', { name })).toBeNull()
    expect(screen.getByRole('button', { name: 'Copy value of the DKIM key record' })).toBeTruthy()
  })
})

describe('Super admin: every tenant’s domains', { timeout: 20_000 }, () => {
  it('lists tenant, domain, status and latest check, filtered by status', async () => {
    installFetch({
      'GET /api/v1/me': () => jsonRes(200, { user: { id: 'r', email: 'root@x.test', name: 'Root', role: 'super_admin' }, tenant: null, plan: null }),
      'GET /api/v1/admin/domains': () =>
        jsonRes(200, {
          items: [
            { ...acme(), tenant_id: 't1' },
            { ...verified(), id: 'd2', domain: 'initech.example', tenant_id: 't2' },
            { ...acme({ id: 'd3', domain: 'broken.example', status: 'failing', checked_at: '2026-12-02T08:00:00Z' }), tenant_id: 't2' },
          ],
          next_cursor: null,
        }),
      'GET /api/v1/admin/tenants': () =>
        jsonRes(200, { items: [{ id: 't1', name: 'Acme GmbH', slug: 'acme', status: 'active' }, { id: 't2', name: 'Initech', slug: 'initech', status: 'active' }], next_cursor: null }),
    })
    renderApp('/admin')
    const nav = await screen.findByRole('navigation', { name: 'Main' })
    fireEvent.click(within(nav).getByRole('link', { name: 'Domains' }))
    const table = await screen.findByRole('table', { name: 'Sending domains of all tenants' })
    await within(table).findByRole('link', { name: 'Acme GmbH' })
    const rows = within(table).getAllByRole('row').slice(1)
    expect(rows.map((r) => within(r).getAllByRole('cell').slice(0, 3).map((c) => c.textContent))).toEqual([
      ['Acme GmbH', 'acme-corp.example', 'pending'],
      ['Initech', 'initech.example', 'verified'],
      ['Initech', 'broken.example', 'failing'],
    ])
    expect(within(rows[0]).getAllByRole('cell')[3].textContent).toBe('Not checked yet')
    expect(screen.getByText(/3 domains: 1 verified, 1 pending, 1 failing\./)).toBeTruthy()
    fireEvent.change(screen.getByLabelText('Status'), { target: { value: 'failing' } })
    const filtered = within(screen.getByRole('table', { name: 'Sending domains of all tenants' })).getAllByRole('row').slice(1)
    expect(filtered.map((r) => within(r).getAllByRole('cell')[1].textContent)).toEqual(['broken.example'])
  })
})
