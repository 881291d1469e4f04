// Which sender identities can send, judged by their domain as the server does
// (src/domains/sender_domain.cpp): the workspace's platform address always; an address on a domain
// of the workspace when that domain is verified; on a failing domain too (the dispatch is accepted
// and held until the domain verifies again); nothing else.
import type { Domain as SendingDomain, SenderIdentity } from '../../api/schema.gen'
import { domainOf } from './domainRecords'

/** The server lists the platform address as this pseudo identity when the workspace has no default of its own. */
export const PLATFORM_IDENTITY_ID = 'default'

export type SenderState =
  | { kind: 'platform' }
  | { kind: 'verified' | 'failing' | 'pending'; domain: string }
  /** The domain is not a sending domain of this workspace. */
  | { kind: 'not_added'; domain: string }
  /** The domains could not be loaded: the server decides at sending time. */
  | { kind: 'unknown' }

export interface SenderContext {
  /** null: GET /domains failed. */
  domains: SendingDomain[] | null
  /** The workspace slug: the platform address is <slug>@MAIL_DOMAIN. */
  slug: string | null | undefined
  identities: SenderIdentity[]
}

/**
 * MAIL_DOMAIN, when the server told it: the platform pseudo identity's domain. Without one (the
 * workspace has a default identity of its own) the platform address is recognised by its local part.
 */
function platformDomain(identities: SenderIdentity[]): string | null {
  const p = identities.find((i) => i.id === PLATFORM_IDENTITY_ID)
  return p ? domainOf(p.email) : null
}

export function senderState(identity: SenderIdentity, ctx: SenderContext): SenderState {
  if (identity.id === PLATFORM_IDENTITY_ID) return { kind: 'platform' }
  const domain = domainOf(identity.email)
  const own = ctx.domains?.find((d) => d.domain.toLowerCase() === domain)
  if (own && (own.status === 'verified' || own.status === 'failing' || own.status === 'pending')) return { kind: own.status, domain }
  const local = identity.email.slice(0, identity.email.lastIndexOf('@')).toLowerCase()
  const mailDomain = platformDomain(ctx.identities)
  const isSlug = !!ctx.slug && local === ctx.slug.toLowerCase()
  if (!own && isSlug && (mailDomain === null || mailDomain === domain)) return { kind: 'platform' }
  if (ctx.domains === null) return { kind: 'unknown' }
  return own ? { kind: 'pending', domain } : { kind: 'not_added', domain }
}

/** Whether the server accepts a dispatch from this sender (a failing domain's dispatch is held, not refused). */
export function canSend(s: SenderState): boolean {
  return s.kind !== 'pending' && s.kind !== 'not_added'
}

/** Why a sender is not offered, in a few words (the option label adds "Settings → Domains"). */
export function blockedReason(s: SenderState): string | null {
  if (s.kind === 'pending') return `${s.domain} is not verified yet`
  if (s.kind === 'not_added') return `${s.domain} is not a sending domain of this workspace`
  return null
}

export function identityLabel(s: SenderIdentity): string {
  return s.name ? `${s.name} <${s.email}>` : s.email
}

export interface SenderChoice {
  /** sender_identity_id to send; '' for the workspace default. */
  value: string
  label: string
  identity: SenderIdentity | null
  state: SenderState
}

/**
 * The compose picker's choices: the workspace default first (what the server uses without a
 * sender_identity_id: the default identity, else the platform address), then the other identities,
 * split into those that can send and those that cannot (shown disabled with the reason).
 */
export function senderChoices(ctx: SenderContext): { usable: SenderChoice[]; blocked: SenderChoice[] } {
  const stored = ctx.identities.filter((i) => i.id !== PLATFORM_IDENTITY_ID)
  const fallback = stored.find((i) => i.is_default) ?? ctx.identities.find((i) => i.id === PLATFORM_IDENTITY_ID) ?? null
  const defaultChoice: SenderChoice = {
    value: '',
    label: fallback ? `Workspace default: ${identityLabel(fallback)}` : 'Workspace default',
    identity: fallback,
    state: fallback ? senderState(fallback, ctx) : { kind: 'platform' },
  }
  const usable: SenderChoice[] = []
  const blocked: SenderChoice[] = []
  ;(canSend(defaultChoice.state) ? usable : blocked).push(defaultChoice)
  for (const i of stored) {
    if (i === fallback) continue
    const choice = { value: i.id, label: identityLabel(i), identity: i, state: senderState(i, ctx) }
    ;(canSend(choice.state) ? usable : blocked).push(choice)
  }
  return { usable, blocked }
}
