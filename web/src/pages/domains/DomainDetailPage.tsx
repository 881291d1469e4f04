// One sending domain: its status and latest check, who signs its mail, the records to publish with
// copy buttons and what the lookup found per record; for tenant admins "Check now", a DKIM key
// rotation and deleting it.
import { useState } from 'react'
import { Link, useLocation, useNavigate, useParams } from 'react-router-dom'
import { api, ApiError, errorMessage } from '../../api/client'
import type { DomainRecord, Domain as SendingDomain } from '../../api/schema.gen'
import { useAuth } from '../../auth/AuthContext'
import { ConfirmButton } from '../../components/ConfirmButton'
import { CopyButton } from '../../components/CopyButton'
import { Button, DataTable, ErrorState, Loading, Notice, PageHeader, Section, StatusBadge } from '../../components/ui'
import { formatDate } from '../../lib/format'
import { useAction, useResource } from '../../lib/hooks'
import { DOMAINS_PATH, finding, isEd25519Record, PURPOSES, purposeLabel, relativeName, requirement, signingText, statusHelp } from './domainRecords'

export function DomainDetailPage() {
  const { id = '' } = useParams()
  const { me } = useAuth()
  const canManage = me?.user.role === 'tenant_admin'
  const location = useLocation()
  const added = (location.state as { added?: string } | null)?.added
  const path = `/domains/${encodeURIComponent(id)}`
  const domain = useResource((signal) => api.get<SendingDomain>(path, undefined, signal), [path])
  const back = <Link to={DOMAINS_PATH}>All domains</Link>

  if (domain.loading && !domain.data) return <Loading />
  if (domain.error || !domain.data)
    return (
      <div className="page">
        <PageHeader title="Sending domain" actions={back} />
        <ErrorState error={domain.error ?? new Error('Empty answer')} what="this domain" onRetry={domain.reload} />
      </div>
    )
  const d = domain.data
  return (
    <div className="page">
      <PageHeader title={d.domain} actions={back}>
        Sending domain · <StatusBadge status={d.status} />
      </PageHeader>
      {added ? (
        <Notice kind="success">
          {added} added. Publish the ownership and DKIM records below at your DNS provider, then choose “Check now”.
        </Notice>
      ) : null}
      <StatusSection d={d} canManage={canManage} onChecked={(next) => domain.setData(next)} />
      <RecordsSection d={d} />
      {canManage ? <ManageSection d={d} onChanged={(next) => domain.setData(next)} /> : null}
    </div>
  )
}

function StatusSection({ d, canManage, onChecked }: { d: SendingDomain; canManage: boolean; onChecked: (d: SendingDomain) => void }) {
  const check = useAction()
  const [checkedNow, setCheckedNow] = useState(false)
  const onCheck = () =>
    void check.run(async () => {
      setCheckedNow(false)
      onChecked(await api.post<SendingDomain>(`/domains/${encodeURIComponent(d.id)}/verify`, {}))
      setCheckedNow(true)
    })
  return (
    <Section
      title="Status"
      actions={
        canManage ? (
          <Button variant="primary" onClick={onCheck} busy={check.pending}>
            {check.pending ? 'Checking…' : 'Check now'}
          </Button>
        ) : null
      }
    >
      <p>{statusHelp(d.status)}</p>
      <div role="status" className="sr-only">
        {check.pending ? `Looking up the DNS records of ${d.domain}…` : ''}
      </div>
      {check.pending ? <p className="muted">Looking up the DNS records of {d.domain}; this can take a few seconds.</p> : null}
      {check.error ? <Notice kind="error">The check could not be started: {errorMessage(check.error)}</Notice> : null}
      {d.check_error ? (
        <Notice kind="warning">
          <p className="notice-title">The latest DNS lookup could not be made.</p>
          <p className="notice-detail">{d.check_error}</p>
          <p className="small">The records below show the last answer that could be read; the status stays as it was.</p>
        </Notice>
      ) : checkedNow ? (
        <Notice kind={d.status === 'verified' ? 'success' : 'info'}>
          Checked just now: {d.status === 'verified' ? `${d.domain} is verified.` : `${d.domain} is ${d.status}. See what was found below.`}
        </Notice>
      ) : null}
      <dl className="kv">
        <dt>Status</dt>
        <dd>
          <StatusBadge status={d.status} />
        </dd>
        <dt>Last checked</dt>
        <dd>{d.checked_at ? formatDate(d.checked_at) : 'Not checked yet'}</dd>
        <dt>Verified</dt>
        <dd>{formatDate(d.verified_at)}</dd>
        <dt>Added</dt>
        <dd>{formatDate(d.created_at)}</dd>
        <dt>Signing</dt>
        <dd>{signingText(d)}</dd>
      </dl>
      {!canManage ? <p className="muted small">Only workspace admins can check, rotate or delete this domain.</p> : null}
    </Section>
  )
}

function RecordsSection({ d }: { d: SendingDomain }) {
  const checked = !!d.checked_at
  return (
    <Section title="DNS records">
      <p className="muted">
        Publish these TXT records at the DNS provider of {d.domain}. Names are shown in full; if your provider adds the
        domain by itself, enter only the part shown under the name. Ownership and the RSA DKIM key must match for the
        domain to verify; an Ed25519 key only adds a second signature; SPF and DMARC are advice and never block sending. A DKIM value longer than 255 characters is split into
        several quoted strings by most providers on their own.
      </p>
      {d.dkim.next_selector ? (
        <Notice kind="info">
          A DKIM key rotation is under way. Publish the new DKIM record (selector {d.dkim.next_selector}) beside the
          current one. The current key keeps signing until a check finds the new record; from then on the new key signs and
          you can remove the old record.
        </Notice>
      ) : null}
      <DataTable
        caption={`DNS records of ${d.domain}`}
        rows={d.records}
        rowKey={(r) => `${r.purpose} ${r.name}`}
        columns={[
          {
            header: 'Purpose',
            cell: (r) => (
              <>
                <strong>{purposeLabel(r, d)}</strong>
                <br />
                <span className="small muted">{requirement(r, d)}</span>
              </>
            ),
          },
          { header: 'Type', cell: (r) => r.type },
          { header: 'Name', className: 'col-record', cell: (r) => <NameCell r={r} d={d} /> },
          { header: 'Value', className: 'col-record', cell: (r) => <ValueCell r={r} d={d} /> },
          { header: 'Status', cell: (r) => <StatusBadge status={r.status} /> },
          { header: 'What we found', className: 'col-record', cell: (r) => <FoundCell r={r} checked={checked} /> },
        ]}
      />
    </Section>
  )
}

function NameCell({ r, d }: { r: DomainRecord; d: SendingDomain }) {
  const host = relativeName(r.name, d.domain)
  return (
    <div className="record-cell">
      <code className="break-all">{r.name}</code>
      <CopyButton text={r.name} what={`name of the ${purposeLabel(r, d)} record`} />
      <span className="small muted">Host part: {host === '@' ? '@ (the domain itself)' : <code>{host}</code>}</span>
    </div>
  )
}

function ValueCell({ r, d }: { r: DomainRecord; d: SendingDomain }) {
  return (
    <div className="record-cell">
      <code className="break-all">{r.value}</code>
      <CopyButton text={r.value} what={`value of the ${purposeLabel(r, d)} record`} />
      {PURPOSES[r.purpose]?.required === false ? <span className="small muted">Suggested</span> : null}
      {isEd25519Record(r, d) ? <span className="small muted">Optional: adds an ed25519-sha256 signature beside the RSA one.</span> : null}
    </div>
  )
}

function FoundCell({ r, checked }: { r: DomainRecord; checked: boolean }) {
  const f = finding(r, checked)
  return (
    <div className={`record-found record-found-${f.tone}`}>
      <span>{f.text}</span>
      {f.published?.length ? (
        <>
          <span className="small">{f.expected !== undefined ? 'You published:' : null}</span>
          <ul className="plain-list">
            {f.published.map((v, i) => (
              <li key={i}>
                <code className="break-all">{v}</code>
              </li>
            ))}
          </ul>
        </>
      ) : null}
      {f.expected !== undefined ? (
        <>
          <span className="small">We expect:</span>
          <code className="break-all">{f.expected}</code>
        </>
      ) : null}
    </div>
  )
}

function ManageSection({ d, onChanged }: { d: SendingDomain; onChanged: (d: SendingDomain) => void }) {
  const navigate = useNavigate()
  const rotate = useAction()
  const remove = useAction()
  const [rotated, setRotated] = useState<string | null>(null)
  const path = `/domains/${encodeURIComponent(d.id)}`
  const onRotate = () =>
    void rotate.run(async () => {
      setRotated(null)
      const next = await api.post<SendingDomain>(`${path}/rotate-dkim`, {})
      onChanged(next)
      setRotated(next.dkim.next_selector ?? null)
    })
  const onDelete = () =>
    void remove.run(async () => {
      await api.del(path)
      navigate(DOMAINS_PATH, { state: { deleted: d.domain } })
    })
  const inUse = remove.error instanceof ApiError && remove.error.status === 409
  return (
    <Section title="Keys and removal">
      <p className="muted">
        Rotating the DKIM key creates a new key with a new selector and lists its record beside the current one. Nothing
        changes for your mail until you publish it: the current key keeps signing until a check finds the new record, then
        the new key signs and the old record can be removed.
      </p>
      {rotate.error ? <Notice kind="error">Could not start the rotation: {errorMessage(rotate.error)}</Notice> : null}
      {rotated ? (
        <Notice kind="success">
          New DKIM key created (selector {rotated}). Publish its record, listed above, then choose “Check now”.
        </Notice>
      ) : null}
      {inUse ? (
        <Notice kind="error">
          {d.domain} cannot be deleted while a queued or sending dispatch is from it. Wait until those dispatches finish, or
          cancel them under <Link to="/dispatches">Sent</Link>, then delete it.
        </Notice>
      ) : remove.error ? (
        <Notice kind="error">Could not delete: {errorMessage(remove.error)}</Notice>
      ) : null}
      {d.dkim.signed_by !== 'relay' ? <Ed25519Control d={d} onChanged={onChanged} /> : null}
      <div className="btn-row">
        <ConfirmButton
          label="Rotate DKIM key"
          question="Create a new DKIM key? The current key keeps signing until the new record is published and verified."
          confirmLabel="Yes, create a new key"
          onConfirm={onRotate}
          busy={rotate.pending}
        />
        <ConfirmButton
          variant="danger"
          label="Delete domain"
          question={`Delete ${d.domain}? Its sender addresses can no longer send, and adding it again needs new DNS records.`}
          confirmLabel="Yes, delete"
          onConfirm={onDelete}
          busy={remove.pending}
        />
      </div>
    </Section>
  )
}

/** The second, Ed25519 signature (RFC 8463): its own key and record; the RSA key alone decides verification. */
function Ed25519Control({ d, onChanged }: { d: SendingDomain; onChanged: (d: SendingDomain) => void }) {
  const change = useAction()
  const on = !!d.dkim.ed25519_selector
  const set = (enable: boolean) =>
    void change.run(async () => onChanged(await api.patch<SendingDomain>(`/domains/${encodeURIComponent(d.id)}`, { ed25519: enable })))
  return (
    <div className="subform">
      <h3 className="h-small">Second signature (Ed25519)</h3>
      <p className="muted">
        {on
          ? `An Ed25519 key (selector ${d.dkim.ed25519_selector}) is listed above. Once a check finds its record, messages carry an ed25519-sha256 signature beside the RSA one.`
          : 'Optionally, messages can carry a second signature, ed25519-sha256 (RFC 8463), beside the RSA one, for receivers that check it. It needs one more DNS record and never decides whether the domain is verified.'}
      </p>
      {change.error ? <Notice kind="error">Could not change the Ed25519 signature: {errorMessage(change.error)}</Notice> : null}
      {on ? (
        <ConfirmButton
          label="Remove Ed25519 key"
          question="Remove the Ed25519 key? Messages then carry only the RSA signature, and its DNS record can be deleted."
          confirmLabel="Yes, remove"
          onConfirm={() => set(false)}
          busy={change.pending}
        />
      ) : (
        <Button onClick={() => set(true)} busy={change.pending}>
          Add Ed25519 signature
        </Button>
      )}
    </div>
  )
}
