// Settings sections of a workspace besides users and API keys: webhooks and sending domains (pages
// of their own), the approval threshold, sender identities, the workspace's invoices and its audit log.
import { useEffect, useState, type FormEvent } from 'react'
import { Link } from 'react-router-dom'
import { api, ApiError } from '../api/client'
import type { ApprovalSettings, SenderIdentity, Domain as SendingDomain } from '../api/schema.gen'
import { useAuth } from '../auth/AuthContext'
import { AuditTable } from '../components/AuditTable'
import { InvoiceTable } from '../components/billing'
import { ConfirmButton } from '../components/ConfirmButton'
import { Button, CheckboxField, ErrorState, FormError, Loading, Notice, PagedTable, Section, TextField } from '../components/ui'
import { useAction, usePaged, useResource } from '../lib/hooks'
import { checkField, hasErrors, validate, type FieldErrors } from '../lib/validation'
import { DOMAINS_PATH } from './domains/domainRecords'
import { blockedReason, PLATFORM_IDENTITY_ID, senderState, type SenderState } from './domains/senderDomains'

/** Dispatches with more recipients than the threshold wait for a tenant admin's approval. */
export function ApprovalSection() {
  const current = useResource((signal) => api.get<ApprovalSettings>('/settings/approval', undefined, signal), [])
  const [value, setValue] = useState('')
  const [error, setError] = useState<string | null>(null)
  const [saved, setSaved] = useState(false)
  const save = useAction()
  useEffect(() => {
    if (current.data) setValue(current.data.approval_threshold == null ? '' : String(current.data.approval_threshold))
  }, [current.data])

  const onSubmit = async (e: FormEvent) => {
    e.preventDefault()
    setSaved(false)
    const v = value.trim()
    const problem = checkField(v, { label: 'Threshold', pattern: /^\d+$/, patternMessage: 'Threshold is a whole number of recipients.' })
    setError(problem)
    if (problem) return
    const next = await save.run(() =>
      api.put<ApprovalSettings>('/settings/approval', { approval_threshold: v === '' ? null : Number(v) }),
    )
    if (next) {
      current.setData(next)
      setSaved(true)
    }
  }
  return (
    <Section title="Approval">
      {current.loading ? (
        <Loading />
      ) : current.error ? (
        <ErrorState error={current.error} what="the approval setting" onRetry={current.reload} />
      ) : (
        <form className="form inline-form" onSubmit={(e) => void onSubmit(e)} noValidate aria-label="Approval threshold">
          <FormError error={save.error} />
          {saved ? <Notice kind="success">Approval threshold saved.</Notice> : null}
          <TextField
            label="Approval threshold (recipients)"
            name="approval_threshold"
            inputMode="numeric"
            value={value}
            onChange={(e) => setValue(e.target.value)}
            error={error}
            hint="Dispatches to more recipients wait until a tenant admin other than their author approves them. Empty: no approval needed."
          />
          <Button type="submit" busy={save.pending}>
            Save
          </Button>
        </form>
      )}
    </Section>
  )
}

export function SenderIdentitiesSection() {
  const { me } = useAuth()
  const list = usePaged<SenderIdentity>((cursor, signal) => api.list<SenderIdentity>('/sender-identities', { cursor }, signal), [])
  // Whether each address can send depends on its domain; without the domains the column stays empty.
  const domains = useResource((signal) => api.list<SendingDomain>('/domains', {}, signal), [])
  const ctx = { domains: domains.data?.items ?? null, slug: me?.tenant?.slug, identities: list.items }
  const [form, setForm] = useState({ email: '', name: '', is_default: false })
  const [errors, setErrors] = useState<FieldErrors>({})
  const create = useAction()
  const remove = useAction()
  const notVerified = create.error instanceof ApiError && create.error.code === 'domain_not_verified'
  const emailError = create.error instanceof ApiError ? create.error.fieldErrors.find((f) => f.field === 'email')?.message : undefined
  const onSubmit = async (e: FormEvent) => {
    e.preventDefault()
    const v = validate(form, {
      email: { label: 'Sender address', required: true, email: true },
      name: { label: 'Sender name', singleLine: true, maxLength: 200 },
    })
    setErrors(v)
    create.clearError()
    if (hasErrors(v)) return
    const s = await create.run(() =>
      api.post<SenderIdentity>('/sender-identities', { email: form.email.trim(), name: form.name.trim() || undefined, is_default: form.is_default }),
    )
    if (s) {
      setForm({ email: '', name: '', is_default: false })
      list.reload()
    }
  }
  const onDelete = (s: SenderIdentity) =>
    void remove.run(async () => {
      await api.del(`/sender-identities/${encodeURIComponent(s.id)}`)
      list.setItems((items) => items.filter((x) => x.id !== s.id))
    })
  return (
    <Section title="Sender identities">
      <p className="muted">
        The From addresses dispatches can use. Without one, mail goes out from the workspace’s platform address. An address
        on your own domain can send once that domain is verified under <Link to={DOMAINS_PATH}>Sending domains</Link>.
      </p>
      <FormError error={remove.error} />
      <PagedTable
        list={list}
        what="sender identities"
        empty="No sender identities yet."
        caption="Sender identities"
        rowKey={(s) => s.id}
        columns={[
          { header: 'Address', cell: (s) => s.email },
          { header: 'Name', cell: (s) => s.name || '—' },
          { header: 'Default', cell: (s) => (s.is_default ? 'Yes' : '') },
          { header: 'Can send', cell: (s) => (domains.data ? <SenderStateText state={senderState(s, ctx)} /> : '—') },
          {
            header: 'Actions',
            cell: (s) =>
              s.id === PLATFORM_IDENTITY_ID ? null : (
                <ConfirmButton
                  small
                  variant="danger"
                  label="Delete"
                  ariaLabel={`Delete ${s.email}`}
                  question={`Delete ${s.email}?`}
                  confirmLabel="Yes, delete"
                  onConfirm={() => onDelete(s)}
                  busy={remove.pending}
                />
              ),
          },
        ]}
      />
      <form className="form inline-form" onSubmit={(e) => void onSubmit(e)} noValidate aria-label="Add sender identity">
        <FormError error={create.error} shownFields={['email']} />
        <TextField
          label="Sender address"
          name="email"
          type="email"
          required
          value={form.email}
          onChange={(e) => setForm((f) => ({ ...f, email: e.target.value }))}
          error={errors.email ?? emailError}
          hint={
            notVerified ? (
              <>
                Verify the domain first: <Link to={DOMAINS_PATH}>Settings → Sending domains</Link>.
              </>
            ) : (
              'An address on a verified sending domain of this workspace, or the workspace’s platform address.'
            )
          }
        />
        <TextField label="Sender name" name="name" value={form.name} onChange={(e) => setForm((f) => ({ ...f, name: e.target.value }))} error={errors.name} />
        <CheckboxField label="Use by default" checked={form.is_default} onChange={(e) => setForm((f) => ({ ...f, is_default: e.target.checked }))} />
        <Button type="submit" busy={create.pending}>
          Add sender identity
        </Button>
      </form>
    </Section>
  )
}

/** "Yes", "Held: domain failing", "No: acme.example is not verified yet" for the identities table. */
function SenderStateText({ state }: { state: SenderState }) {
  switch (state.kind) {
    case 'platform':
      return <>Yes (platform address)</>
    case 'verified':
      return <>Yes</>
    case 'failing':
      return <span className="small">Held: {state.domain} fails its DNS check</span>
    case 'unknown':
      return <>—</>
    default:
      return <span className="small">No: {blockedReason(state)}</span>
  }
}

/** A link to the sending domains with how many are verified. */
export function SendingDomainsSection() {
  const domains = useResource((signal) => api.list<SendingDomain>('/domains', {}, signal), [])
  const items = domains.data?.items ?? []
  const verified = items.filter((d) => d.status === 'verified').length
  return (
    <Section
      title="Sending domains"
      actions={
        <Link className="btn btn-secondary" to={DOMAINS_PATH}>
          Manage domains
        </Link>
      }
    >
      <p className="muted">
        Domains you send from: each is proved with DNS records, and mail from it is signed with DKIM.
        {domains.data ? ` ${items.length} added, ${verified} verified.` : ''}
      </p>
    </Section>
  )
}

export function BillingSection() {
  return (
    <Section title="Invoices">
      <InvoiceTable path="/billing/invoices" caption="Invoices of this workspace" empty="No invoices yet." />
    </Section>
  )
}

export function WorkspaceAuditSection() {
  return (
    <Section title="Audit log">
      <AuditTable path="/audit" />
    </Section>
  )
}

export function WebhooksSection() {
  return (
    <Section
      title="Webhooks"
      actions={
        <Link className="btn btn-secondary" to="/settings/webhooks">
          Manage webhooks
        </Link>
      }
    >
      <p className="muted">Signed HTTPS requests to your own systems when messages are sent, fail or bounce, a dispatch completes or a reply arrives.</p>
    </Section>
  )
}
