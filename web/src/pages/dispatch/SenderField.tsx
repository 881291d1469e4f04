// The compose page's sender picker: only senders the server accepts are choosable (the platform
// address, addresses on verified domains, and on failing ones, whose dispatches are held); the others
// are listed disabled with the reason and a link to the sending domains.
import { useEffect } from 'react'
import { Link } from 'react-router-dom'
import { api } from '../../api/client'
import type { SenderIdentity, Domain as SendingDomain } from '../../api/schema.gen'
import { useAuth } from '../../auth/AuthContext'
import { Notice, SelectField } from '../../components/ui'
import { useResource } from '../../lib/hooks'
import { DOMAINS_PATH } from '../domains/domainRecords'
import { blockedReason, senderChoices, type SenderContext } from '../domains/senderDomains'

export function SenderField({
  value,
  onChange,
  error,
  notVerified,
}: {
  value: string
  onChange: (value: string) => void
  /** The server's problem with sender_identity_id, if any. */
  error: string | null
  /** The server refused the sender with domain_not_verified. */
  notVerified: boolean
}) {
  const { me } = useAuth()
  const identities = useResource((signal) => api.list<SenderIdentity>('/sender-identities', {}, signal), [])
  const domains = useResource((signal) => api.list<SendingDomain>('/domains', {}, signal), [])
  const ready = !identities.loading && !domains.loading
  const ctx: SenderContext = {
    domains: domains.data ? domains.data.items : null,
    slug: me?.tenant?.slug,
    identities: identities.data?.items ?? [],
  }
  const { usable, blocked } = senderChoices(ctx)
  const selected = usable.find((c) => c.value === value)
  const defaultBlocked = blocked.some((c) => c.value === '')

  // The workspace default cannot send (its domain is not verified): start from a sender that can.
  const firstUsable = usable[0]?.value
  useEffect(() => {
    if (ready && value === '' && defaultBlocked && firstUsable !== undefined) onChange(firstUsable)
  }, [ready, value, defaultBlocked, firstUsable, onChange])

  // Why the others are not offered: the field's hint, so that the select is described by it.
  const reasons =
    ready && (blocked.length || notVerified) ? (
      <>
        Not offered:
        {blocked.map((c) => (
          <span className="block" key={c.value || 'default'}>
            {c.identity?.email ?? c.label}: {blockedReason(c.state)} — <Link to={DOMAINS_PATH}>Settings → Domains</Link>
          </span>
        ))}
        {notVerified && !blocked.length ? (
          <span className="block">
            The chosen sender’s domain is not verified — <Link to={DOMAINS_PATH}>Settings → Domains</Link>
          </span>
        ) : null}
      </>
    ) : undefined
  return (
    <div>
      <SelectField
        label="Sender"
        name="sender_identity_id"
        value={value}
        onChange={(e) => onChange(e.target.value)}
        options={ready ? usable.map((c) => ({ value: c.value, label: c.label })) : [{ value: '', label: 'Workspace default' }]}
        groups={
          ready
            ? [
                {
                  label: 'Not available: domain not verified',
                  options: blocked.map((c) => ({ value: c.value, label: `${c.label} (${blockedReason(c.state)})`, disabled: true })),
                },
              ]
            : []
        }
        error={error}
        hint={reasons}
      />
      {selected?.state.kind === 'failing' ? (
        <Notice kind="warning">
          {selected.state.domain} failed its latest DNS check: this dispatch will be accepted but held until the domain
          verifies again (<Link to={DOMAINS_PATH}>Settings → Domains</Link>).
        </Notice>
      ) : null}
      {ready && defaultBlocked && !usable.length ? (
        <Notice kind="warning">
          No sender can send yet: verify the domain of the workspace’s default sender under{' '}
          <Link to={DOMAINS_PATH}>Settings → Domains</Link>.
        </Notice>
      ) : null}
      {domains.error && ready ? (
        <p className="small muted">The senders’ domains could not be loaded: a sender whose domain is not verified is refused when you send.</p>
      ) : null}
    </div>
  )
}
