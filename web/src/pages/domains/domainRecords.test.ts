// The wording rules of the sending-domain pages and which senders can send (as src/domains/sender_domain.cpp decides).
import { describe, expect, it } from 'vitest'
import type { DomainRecord, SenderIdentity, Domain as SendingDomain } from '../../api/schema.gen'
import { checkDomainInput, domainFieldMessage, finding, purposeLabel, relativeName, requirement, spfMechanism } from './domainRecords'
import { canSend, senderChoices, senderState, type SenderContext } from './senderDomains'

/** The dkim member as the server sends it, with the members a test cares about. */
const dkim = (extra: Partial<SendingDomain['dkim']> = {}): SendingDomain['dkim'] => ({
  selector: 'dh1',
  next_selector: null,
  algorithms: ['rsa-sha256'],
  ed25519_selector: null,
  signed_by: 'dispatchhub',
  ...extra,
})

const rec = (purpose: DomainRecord['purpose'], status: DomainRecord['status'], found: string[] = [], value = 'dispatchhub-verification=tok'): DomainRecord => ({
  purpose,
  type: 'TXT',
  name: '_dispatchhub.acme.example',
  value,
  status,
  found,
})

describe('what a lookup found', () => {
  it('a mismatch shows what was published against what is expected', () => {
    const f = finding(rec('dkim', 'mismatch', ['v=DKIM1; k=rsa; p=OLD'], 'v=DKIM1; k=rsa; p=NEW'), true)
    expect(f.tone).toBe('bad')
    expect(f.published).toEqual(['v=DKIM1; k=rsa; p=OLD'])
    expect(f.expected).toBe('v=DKIM1; k=rsa; p=NEW')
  })

  it('missing says whether the name was looked up at all', () => {
    expect(finding(rec('ownership', 'missing'), false).text).toMatch(/^Not checked yet/)
    expect(finding(rec('ownership', 'missing'), true).text).toMatch(/^Not found/)
    expect(finding(rec('ownership', 'verified', ['dispatchhub-verification=tok']), true)).toEqual({ tone: 'ok', text: 'Found as expected.' })
  })

  it('the return path is an optional CNAME: a missing one says so', () => {
    const cname: DomainRecord = { ...rec('return_path', 'missing', [], 'mail.platform.example'), type: 'CNAME', name: 'bounce.acme.example' }
    const d = { domain: 'acme.example', dkim: dkim() }
    expect(purposeLabel(cname, d)).toBe('Return path')
    expect(requirement(cname, d)).toBe('Optional')
    expect(finding(cname, true).text).toBe('Not found: this name has no matching CNAME record yet.')
    expect(finding({ ...cname, status: 'verified', found: ['mail.platform.example'] }, true).tone).toBe('ok')
  })

  it('SPF advice: the mechanism to add, one record only', () => {
    const spf = (found: string[]) => ({ ...rec('spf', 'advisory', found, 'v=spf1 include:spf.relay.example ~all'), name: 'acme.example' })
    expect(spfMechanism('v=spf1 include:spf.relay.example ~all')).toBe('include:spf.relay.example')
    expect(finding(spf(['v=spf1 mx include:spf.relay.example -all']), true).tone).toBe('ok')
    expect(finding(spf(['v=spf1 mx -all']), true).text).toContain('does not include include:spf.relay.example')
    expect(finding(spf(['v=spf1 mx -all', 'v=spf1 a -all']), true).text).toMatch(/More than one SPF record/)
    expect(finding(spf([]), true).text).toMatch(/No SPF record/)
  })

  it('names the DKIM records apart during a rotation, and gives the host part', () => {
    const d = { domain: 'acme.example', dkim: dkim({ next_selector: 'dh2' }) }
    expect(purposeLabel({ ...rec('dkim', 'missing'), name: 'dh2._domainkey.acme.example' }, d)).toBe('DKIM key (new)')
    expect(purposeLabel({ ...rec('dkim', 'verified'), name: 'dh1._domainkey.acme.example' }, d)).toBe('DKIM key (current)')
    expect(purposeLabel(rec('ownership', 'missing'), d)).toBe('Ownership')
    const ed = { domain: 'acme.example', dkim: dkim({ ed25519_selector: 'dh7' }) }
    expect(purposeLabel({ ...rec('dkim', 'missing'), name: 'dh7._domainkey.acme.example' }, ed)).toBe('DKIM key (Ed25519)')
    expect(purposeLabel({ ...rec('dkim', 'missing'), name: 'dh1._domainkey.acme.example' }, ed)).toBe('DKIM key')
    expect(relativeName('dh1._domainkey.acme.example', 'acme.example')).toBe('dh1._domainkey')
    expect(relativeName('acme.example', 'acme.example')).toBe('@')
  })
})

describe('the domain field', () => {
  it('puts the server’s reasons in plain words, and keeps an unknown one', () => {
    expect(domainFieldMessage('must be a registrable domain name, not an IP address')).toBe('Enter a domain name, not an IP address.')
    expect(domainFieldMessage("is the platform's own mail domain")).toMatch(/platform’s own mail domain/)
    expect(domainFieldMessage('the domain needs at least one dot')).toMatch(/with its ending/)
    expect(domainFieldMessage('something new')).toBe('Something new.')
  })

  it('catches an address or a URL before asking the server', () => {
    expect(checkDomainInput('ap@acme.example')).toMatch(/part after the @/)
    expect(checkDomainInput('https://acme.example/')).toMatch(/without https/)
    expect(checkDomainInput('  ')).toMatch(/Enter a domain/)
    expect(checkDomainInput('acme.example')).toBeNull()
  })
})

const domain = (name: string, status: SendingDomain['status']): SendingDomain => ({
  id: `d-${name}`,
  domain: name,
  status,
  records: [],
  dkim: dkim({ selector: 's1' }),
  check_error: null,
  created_at: '2026-12-01T00:00:00Z',
  verified_at: null,
  checked_at: null,
})
const identity = (id: string, email: string, is_default = false): SenderIdentity => ({ id, email, name: '', is_default })

describe('which senders can send', () => {
  const identities = [
    identity('default', 'acme@mail.platform.example', true),
    identity('i1', 'billing@verified.example'),
    identity('i2', 'ap@pending.example'),
    identity('i3', 'alerts@failing.example'),
    identity('i4', 'old@gone.example'),
    identity('i5', 'acme@other.example'),
  ]
  const ctx: SenderContext = {
    domains: [domain('verified.example', 'verified'), domain('pending.example', 'pending'), domain('failing.example', 'failing')],
    slug: 'acme',
    identities,
  }

  it('judges each identity by its domain', () => {
    expect(identities.map((i) => senderState(i, ctx).kind)).toEqual(['platform', 'verified', 'pending', 'failing', 'not_added', 'not_added'])
    expect(canSend({ kind: 'failing', domain: 'failing.example' })).toBe(true)
    expect(canSend({ kind: 'pending', domain: 'pending.example' })).toBe(false)
  })

  it('the platform address is recognised by its local part when the server lists no pseudo identity', () => {
    const own = [identity('i9', 'acme@mail.platform.example', true), identity('i1', 'billing@verified.example')]
    expect(senderState(own[0], { ...ctx, identities: own }).kind).toBe('platform')
  })

  it('offers the workspace default first, then the usable identities; the others are blocked', () => {
    const { usable, blocked } = senderChoices(ctx)
    expect(usable.map((c) => c.value)).toEqual(['', 'i1', 'i3'])
    expect(usable[0].label).toBe('Workspace default: acme@mail.platform.example')
    expect(blocked.map((c) => c.value)).toEqual(['i2', 'i4', 'i5'])
  })

  it('a default identity on an unverified domain is blocked as the workspace default', () => {
    const ids = [identity('i2', 'ap@pending.example', true), identity('i1', 'billing@verified.example')]
    const { usable, blocked } = senderChoices({ ...ctx, identities: ids })
    expect(usable.map((c) => c.value)).toEqual(['i1'])
    expect(blocked.map((c) => c.value)).toEqual([''])
  })

  it('without the domains nothing is judged: the server decides', () => {
    const { usable, blocked } = senderChoices({ ...ctx, domains: null })
    expect(blocked).toEqual([])
    expect(usable).toHaveLength(6)
  })
})
