// Sending domains of a workspace: the list with each domain's status and latest check, and (tenant
// admins) adding one. A domain's records, "Check now", key rotation and deletion: DomainDetailPage.
// Members read the same pages without the buttons.
import { useEffect, useState, type FormEvent } from 'react'
import { Link, useLocation, useNavigate } from 'react-router-dom'
import { api, ApiError } from '../../api/client'
import type { Domain as SendingDomain } from '../../api/schema.gen'
import { useAuth } from '../../auth/AuthContext'
import { Button, FormError, Notice, PagedTable, PageHeader, Section, StatusBadge, TextField } from '../../components/ui'
import { formatDate } from '../../lib/format'
import { useAction, usePaged } from '../../lib/hooks'
import { checkDomainInput, domainFieldMessage, domainPath, platformSigningText } from './domainRecords'

export function DomainsPage() {
  const { me } = useAuth()
  const canManage = me?.user.role === 'tenant_admin'
  const location = useLocation()
  const navigate = useNavigate()
  // The detail page comes back here after deleting its domain; say so once (not again on a reload).
  const deletedOnDetail = (location.state as { deleted?: string } | null)?.deleted
  const [deleted] = useState(deletedOnDetail ?? null)
  useEffect(() => {
    if (deletedOnDetail) navigate(location.pathname, { replace: true, state: null })
  }, [deletedOnDetail, location.pathname, navigate])
  const list = usePaged<SendingDomain>((cursor, signal) => api.list<SendingDomain>('/domains', { cursor }, signal), [])
  const first = list.items[0]

  return (
    <div className="page">
      <PageHeader title="Sending domains" actions={canManage ? <Link to="/settings">Settings</Link> : null}>
        Mail goes out from the workspace’s platform address, or from an address on a domain you proved you control. Each
        domain needs two DNS records: one proves ownership, one holds the key that signs your mail (DKIM).
      </PageHeader>
      {deleted ? <Notice kind="success">{deleted} deleted.</Notice> : null}
      {!canManage ? <Notice kind="info">Only workspace admins can add, check or delete domains.</Notice> : null}
      <Section title="Domains">
        {first ? <p className="muted">{platformSigningText(first.dkim.signed_by)}</p> : null}
        <PagedTable
          list={list}
          what="sending domains"
          empty={canManage ? 'No sending domains yet. Add one below.' : 'No sending domains yet.'}
          caption="Sending domains"
          rowKey={(d) => d.id}
          columns={[
            {
              header: 'Domain',
              cell: (d) => (
                <Link className="break-all" to={domainPath(d.id)}>
                  {d.domain}
                </Link>
              ),
            },
            { header: 'Status', cell: (d) => <StatusBadge status={d.status} /> },
            { header: 'Last checked', cell: (d) => (d.checked_at ? formatDate(d.checked_at) : 'Not checked yet') },
            { header: 'Verified', cell: (d) => formatDate(d.verified_at) },
            {
              header: 'Latest check',
              cell: (d) => (d.check_error ? <span className="small">{d.check_error}</span> : '—'),
            },
          ]}
        />
        {canManage ? <AddDomainForm onAdded={(d) => navigate(domainPath(d.id), { state: { added: d.domain } })} /> : null}
      </Section>
    </div>
  )
}

function AddDomainForm({ onAdded }: { onAdded: (d: SendingDomain) => void }) {
  const [value, setValue] = useState('')
  const [error, setError] = useState<string | null>(null)
  const add = useAction()
  // 422 names the field; 409 (added already, too many domains) is about the value too: both go under it.
  const serverError =
    add.error instanceof ApiError
      ? add.error.status === 409
        ? (add.error.detail ?? add.error.summary)
        : (() => {
            const f = add.error.fieldErrors.find((e) => e.field === 'domain')
            return f ? domainFieldMessage(f.message) : null
          })()
      : null

  const onSubmit = async (e: FormEvent) => {
    e.preventDefault()
    const problem = checkDomainInput(value)
    setError(problem)
    add.clearError()
    if (problem) return
    const d = await add.run(() => api.post<SendingDomain>('/domains', { domain: value.trim() }))
    if (d) onAdded(d)
  }
  const fieldError = error ?? serverError
  return (
    <form className="form inline-form" onSubmit={(e) => void onSubmit(e)} noValidate aria-label="Add domain">
      <h3 className="h-small">Add a domain</h3>
      {/* The field says what is wrong with the name; the alert announces the refusal with its request id. */}
      {add.error && serverError ? (
        <Notice kind="error">
          The domain was not added: see the Domain field.
          {add.error instanceof ApiError && add.error.requestId ? <span className="muted small"> (request id {add.error.requestId})</span> : null}
        </Notice>
      ) : (
        <FormError error={add.error} shownFields={['domain']} />
      )}
      <TextField
        label="Domain"
        name="domain"
        required
        autoComplete="off"
        spellCheck={false}
        placeholder="acme-corp.example"
        value={value}
        onChange={(e) => setValue(e.target.value)}
        error={fieldError}
        hint="The part after the @ of the addresses you want to send from. You then publish two DNS records there."
      />
      <Button type="submit" variant="primary" busy={add.pending}>
        {add.pending ? 'Adding…' : 'Add domain'}
      </Button>
    </form>
  )
}
