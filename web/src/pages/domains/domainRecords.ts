// Wording and small rules of the sending-domain pages, kept out of the components so they can be
// tested alone: what each record is for, what a lookup found against what is expected, the plain
// words for the server's 422 reasons, and who signs the mail.
import type { DomainRecord, Domain as SendingDomain } from '../../api/schema.gen'

export const DOMAINS_PATH = '/settings/domains'

export function domainPath(id: string): string {
  return `${DOMAINS_PATH}/${encodeURIComponent(id)}`
}

/** What each record is for, as the records table explains it. */
export const PURPOSES: Record<string, { label: string; required: boolean; help: string }> = {
  ownership: {
    label: 'Ownership',
    required: true,
    help: 'Proves that this workspace controls the domain. The token is this workspace’s own.',
  },
  dkim: {
    label: 'DKIM key',
    required: true,
    help: 'The public key receiving servers check the DKIM-Signature of your messages against.',
  },
  return_path: {
    label: 'Return path',
    required: false,
    help: 'Optional: a CNAME that lets bounces come back at bounce.<your domain>, so the envelope sender is on your domain and aligns with SPF. Until it verifies, bounces use the platform’s own domain.',
  },
  spf: {
    label: 'SPF',
    required: false,
    help: 'Advice: which servers may send for the domain. A domain has one SPF record; add the part shown to yours.',
  },
  dmarc: {
    label: 'DMARC',
    required: false,
    help: 'Advice: what receivers do with mail that fails SPF and DKIM. The suggestion only asks for reports (p=none).',
  },
}

const dkimName = (selector: string, domain: string) => `${selector}._domainkey.${domain}`

/** The Ed25519 key's record: optional, it adds a second signature and never decides verification. */
export function isEd25519Record(r: DomainRecord, d: Pick<SendingDomain, 'dkim' | 'domain'>): boolean {
  return r.purpose === 'dkim' && !!d.dkim.ed25519_selector && r.name === dkimName(d.dkim.ed25519_selector, d.domain)
}

export function purposeLabel(r: DomainRecord, d: Pick<SendingDomain, 'dkim' | 'domain'>): string {
  const base = PURPOSES[r.purpose]?.label ?? r.purpose
  if (r.purpose !== 'dkim') return base
  if (isEd25519Record(r, d)) return `${base} (Ed25519)`
  if (!d.dkim.next_selector) return base
  // During a rotation two RSA records are listed: say which key each one is.
  return r.name === dkimName(d.dkim.next_selector, d.domain) ? `${base} (new)` : `${base} (current)`
}

/** "Required", "Advice", or "Optional" for the Ed25519 and return-path records. */
export function requirement(r: DomainRecord, d: Pick<SendingDomain, 'dkim' | 'domain'>): string {
  if (isEd25519Record(r, d) || r.purpose === 'return_path') return 'Optional'
  return PURPOSES[r.purpose]?.required === false ? 'Advice' : 'Required'
}

/** "_dispatchhub" for "_dispatchhub.acme.example", "@" for the domain itself: the host field many DNS panels ask for. */
export function relativeName(name: string, domain: string): string {
  const n = name.replace(/\.$/, '').toLowerCase()
  const d = domain.replace(/\.$/, '').toLowerCase()
  if (n === d) return '@'
  return n.endsWith(`.${d}`) ? n.slice(0, -(d.length + 1)) : n
}

/** The mechanism the suggested SPF record adds ("include:spf.relay.example" of "v=spf1 include:… ~all"). */
export function spfMechanism(suggested: string): string | null {
  const m = /^v=spf1\s+(.*?)\s+[~?-]all$/i.exec(suggested.trim())
  return m && m[1] ? m[1] : null
}

/** What the latest lookup found for one record, for the table: a sentence plus the values involved. */
export interface Finding {
  tone: 'ok' | 'bad' | 'info'
  text: string
  /** The values found, when they are worth showing ("you published …"). */
  published?: string[]
  /** What we expect instead (for a mismatch). */
  expected?: string
}

export function finding(r: DomainRecord, checked: boolean): Finding {
  const found = r.found ?? []
  if (r.purpose === 'spf') return spfFinding(r, found, checked)
  if (r.purpose === 'dmarc') {
    if (!checked) return { tone: 'info', text: 'Not checked yet.' }
    if (found.length) return { tone: 'ok', text: 'You published a DMARC record:', published: found }
    return { tone: 'info', text: 'No DMARC record found. The suggested one is a safe start.' }
  }
  switch (r.status) {
    case 'verified':
      return { tone: 'ok', text: 'Found as expected.' }
    case 'mismatch':
      return {
        tone: 'bad',
        text: found.length === 1 ? 'A record is published at this name, but not this value.' : 'Records are published at this name, but none has this value.',
        published: found,
        expected: r.value,
      }
    default:
      return checked
        ? { tone: 'bad', text: `Not found: this name has no matching ${r.type === 'CNAME' ? 'CNAME' : 'TXT'} record yet.` }
        : { tone: 'info', text: 'Not checked yet: publish it, then “Check now”.' }
  }
}

function spfFinding(r: DomainRecord, found: string[], checked: boolean): Finding {
  if (!checked) return { tone: 'info', text: 'Not checked yet.' }
  const mech = spfMechanism(r.value)
  if (!found.length) return { tone: 'info', text: 'No SPF record found. Publish the suggested one.' }
  if (found.length > 1)
    return { tone: 'bad', text: 'More than one SPF record: receivers then ignore SPF. Merge them into one.', published: found }
  const has = mech ? found[0].toLowerCase().split(/\s+/).includes(mech.toLowerCase()) : false
  if (has) return { tone: 'ok', text: 'Your SPF record includes the platform:', published: found }
  return {
    tone: 'info',
    text: mech ? `Your SPF record does not include ${mech}. Add it before the “all” at the end:` : 'You published an SPF record:',
    published: found,
  }
}

/** What a domain's status means for sending. */
export function statusHelp(status: string): string {
  switch (status) {
    case 'verified':
      return 'The ownership and DKIM records match: addresses on this domain can send.'
    case 'failing':
      return 'A record that matched before is missing or changed. Dispatches from this domain are held (nothing is lost) until it verifies again.'
    case 'pending':
      return 'Publish the ownership and DKIM records at your DNS provider, then check. Until then no address on this domain can send.'
    default:
      return ''
  }
}

/** Who puts the DKIM-Signature on mail from the domain (DKIM_SIGNING on the server). */
export function signingText(d: Pick<SendingDomain, 'dkim'>): string {
  if (d.dkim.signed_by === 'relay')
    return 'This platform leaves DKIM signing to its mail relay (DKIM_SIGNING=off): DispatchHub adds no signature of its own. The DKIM record is still needed to verify the domain.'
  const rsa = `DispatchHub signs every message from this domain once it is verified (DKIM rsa-sha256, selector ${d.dkim.selector}).`
  return d.dkim.ed25519_selector
    ? `${rsa} A second signature, ed25519-sha256 (selector ${d.dkim.ed25519_selector}), is added once its record verifies.`
    : rsa
}

/** The same for the list of domains: whether the platform signs at all. */
export function platformSigningText(signedBy: string | undefined): string {
  return signedBy === 'relay'
    ? 'This platform leaves DKIM signing to its mail relay (DKIM_SIGNING=off): DispatchHub adds no signature of its own.'
    : 'DispatchHub signs every message from a verified domain with that domain’s DKIM key.'
}

/**
 * The server's 422 reasons for the domain field (src/domains/domain_name.cpp and the address rules
 * it borrows) in plain words; an unknown reason is shown as the server wrote it.
 */
export function domainFieldMessage(reason: string): string {
  const r = reason.trim()
  const known: [RegExp, string][] = [
    [/^is required$/, 'Enter a domain name, such as acme-corp.example.'],
    [/^must be a domain name such as/, 'Enter only the domain name, such as acme-corp.example: not an email address, a URL or a port.'],
    [/not an IP address/, 'Enter a domain name, not an IP address.'],
    [/platform's own mail domain/, 'This is the platform’s own mail domain, which the workspace already sends from. Add a domain your organisation owns.'],
    [/longer than 25\d characters/, 'This name is too long for a sending domain (a domain has at most 253 characters, and addresses on it must fit in 254).'],
    [/xn-- label/, 'A part starting with “xn--” is not a valid internationalised name. Type the name as it is written (e.g. bücher.example) or its exact xn-- form.'],
    [/needs at least one dot/, 'Enter the whole domain with its ending, such as acme-corp.example.'],
    [/empty label/, 'The name has two dots in a row, or starts with a dot.'],
    [/label is longer than 63/, 'One part of the name (between dots) is longer than 63 characters.'],
    [/starts or ends with a hyphen/, 'A part of the name (between dots) starts or ends with a hyphen.'],
    [/invalid character|contains a space|control character|line break/, 'The name may only contain letters, digits, hyphens and dots.'],
    [/invalid internationalized domain|not valid UTF-8/, 'This internationalised name cannot be converted: check its spelling.'],
  ]
  for (const [pattern, text] of known) if (pattern.test(r)) return text
  return r.charAt(0).toUpperCase() + r.slice(1) + (/[.!?]$/.test(r) ? '' : '.')
}

/** A quick check before sending: the server decides, this only catches what is plainly not a domain. */
export function checkDomainInput(value: string): string | null {
  const v = value.trim()
  if (!v) return 'Enter a domain name, such as acme-corp.example.'
  if (v.includes('@')) return 'Enter only the domain: the part after the @ of your addresses.'
  if (/^[a-z]+:\/\//i.test(v) || v.includes('/')) return 'Enter only the domain name, without https:// or a path.'
  if (/\s/.test(v)) return 'The name may only contain letters, digits, hyphens and dots.'
  return null
}

/** The domain part of an address, lower case ("" when there is none). */
export function domainOf(email: string): string {
  const at = email.lastIndexOf('@')
  return at < 0 ? '' : email.slice(at + 1).replace(/\.$/, '').toLowerCase()
}
