import { useCallback, useEffect, useRef, useState, type FormEvent } from 'react'
import { useNavigate } from 'react-router-dom'
import { api, ApiError, errorMessage } from '../../api/client'
import type { Attachment, Dispatch, DispatchRequest as DispatchInput, DispatchPreview, Vendor, VendorList } from '../../api/schema.gen'
import { useAuth } from '../../auth/AuthContext'
import { MessageFrame } from '../../components/MessageFrame'
import { notifyUsageChanged, UsageMeter, useUsage } from '../../components/UsageMeter'
import {
  Button,
  CheckboxField,
  Empty,
  ErrorState,
  FormError,
  Loading,
  Notice,
  PageHeader,
  Section,
  TextAreaField,
  TextField,
} from '../../components/ui'
import { formatBytes, formatDate, formatNumber } from '../../lib/format'
import { useAction, useDebounced, useResource } from '../../lib/hooks'
import { MERGE_DEFAULT_HELP, withDefault } from '../../lib/mergeFields'
import { newUuid } from '../../lib/uuid'
import { hasErrors, type FieldErrors } from '../../lib/validation'
import { localTimeZone, plural, summarizeConfirm } from './confirmSend'
import { MissingValues, RecipientBrowser } from './RecipientBrowser'
import { SenderField } from './SenderField'
import {
  CONTACT_ROLE_HELP,
  customMergeFields,
  insertAt,
  MERGE_FIELDS,
  oversizedFile,
  REPLY_TO_HELP,
  toDispatchInput,
  validateCompose,
  vendorCodeFromFilename,
  type ComposeDraft,
  type DraftAttachment,
} from './composeForm'

export function ComposePage() {
  const navigate = useNavigate()
  // One Idempotency-Key per compose form: a retried send (double click, network error)
  // cannot create a second dispatch. A new key is taken only after the server refused the
  // request outright (4xx other than 409/429), since nothing was created then.
  const [idempotencyKey, setIdempotencyKey] = useState(() => newUuid())
  const [draft, setDraft] = useState<ComposeDraft>({
    subject: '',
    body: '',
    listIds: [],
    vendorIds: [],
    contactRole: '',
    replyTo: '',
    attachments: [],
    recipientAttachments: [],
  })
  const [vendorNames, setVendorNames] = useState<Record<string, string>>({})
  const [errors, setErrors] = useState<FieldErrors>({})
  const [touched, setTouched] = useState(false)
  const [preview, setPreview] = useState<DispatchPreview | null>(null)
  const [confirming, setConfirming] = useState(false)
  const send = useAction()
  const testSend = useAction()
  const [testSentTo, setTestSentTo] = useState<string | null>(null)
  const { me } = useAuth()
  const previewAction = useAction()
  // Custom fields in use: the keys of a sample of vendors (there is no separate field registry).
  const sample = useResource((signal) => api.list<Vendor>('/vendors', { limit: 100 }, signal), [])
  const customFields = customMergeFields(sample.data?.items ?? [])
  const usage = useUsage()
  const bodyRef = useRef<HTMLTextAreaElement>(null)
  const [useDefault, setUseDefault] = useState(false)
  const [fallback, setFallback] = useState('n/a')

  useEffect(() => {
    if (touched) setErrors(validateCompose(draft))
  }, [draft, touched])

  const update = <K extends keyof ComposeDraft>(k: K, v: ComposeDraft[K]) => {
    setDraft((d) => ({ ...d, [k]: v }))
    setConfirming(false)
    setTestSentTo(null)
  }

  // Stable: the sender field calls it from an effect when the workspace default cannot send.
  const chooseSender = useCallback((id: string) => {
    setDraft((d) => ({ ...d, senderIdentityId: id }))
    setConfirming(false)
    setTestSentTo(null)
  }, [])

  const check = (): boolean => {
    setTouched(true)
    const v = validateCompose(draft)
    setErrors(v)
    return !hasErrors(v)
  }

  const onPreview = () => {
    if (!check()) return
    void previewAction.run(async () => {
      setPreview(await api.post<DispatchPreview>('/dispatches/preview', toDispatchInput(draft)))
    })
  }

  // Live preview: re-render shortly after the draft stops changing, once it is complete.
  const settled = useDebounced(draft, 600)
  const runPreview = previewAction.run
  useEffect(() => {
    if (hasErrors(validateCompose(settled))) return
    void runPreview(async () => {
      setPreview(await api.post<DispatchPreview>('/dispatches/preview', toDispatchInput(settled)))
    })
  }, [settled, runPreview])

  const onSubmit = (e: FormEvent) => {
    e.preventDefault()
    if (!check()) return
    setConfirming(true)
  }

  const onConfirmSend = async () => {
    setConfirming(false)
    const created = await send.run(() =>
      api.post<Dispatch>('/dispatches', toDispatchInput(draft), { headers: { 'Idempotency-Key': idempotencyKey } }),
    )
    if (created?.id) {
      notifyUsageChanged()
      navigate(`/dispatches/${created.id}`)
    }
  }

  // A test send renders the message for the first recipient and mails it to the signed-in user.
  const onTestSend = async () => {
    if (!check() || !me?.user.email) return
    const to = me.user.email
    setTestSentTo(null)
    const done = await testSend.run(() => api.post<Dispatch>('/dispatches/test', { ...toDispatchInput(draft), to }))
    if (done !== undefined) {
      setTestSentTo(to)
      notifyUsageChanged()
    }
  }

  useEffect(() => {
    const e = send.error
    if (e instanceof ApiError && e.status >= 400 && e.status < 500 && e.status !== 409 && e.status !== 429) {
      setIdempotencyKey(newUuid())
    }
  }, [send.error])

  const insertMergeField = (field: string) => {
    const ta = bodyRef.current
    const start = ta?.selectionStart ?? draft.body.length
    const end = ta?.selectionEnd ?? draft.body.length
    const next = insertAt(draft.body, start, end, field)
    update('body', next.value)
    requestAnimationFrame(() => {
      ta?.focus()
      ta?.setSelectionRange(next.caret, next.caret)
    })
  }

  const scheduledFor = draft.sendAt && !Number.isNaN(new Date(draft.sendAt).getTime())
    ? `${formatDate(new Date(draft.sendAt).toISOString())} (${localTimeZone(new Date(draft.sendAt))})`
    : undefined
  const summary = summarizeConfirm({
    subject: draft.subject.trim(),
    preview,
    usage: usage.data,
    scheduledFor,
    selection: describeSelection(draft),
  })
  const maxBytes = me?.plan?.limits?.attachment_bytes ?? null

  return (
    <div className="page">
      <PageHeader title="New dispatch">Compose a message to vendors. Merge fields are filled in per recipient.</PageHeader>
      <div className="compose">
        <form className="form card" onSubmit={onSubmit} noValidate>
          <FormError error={send.error} shownFields={['subject', 'body_markdown', 'recipients']} />
          <TextField
            label="Subject"
            name="subject"
            required
            value={draft.subject}
            onChange={(e) => update('subject', e.target.value)}
            error={errors.subject ?? fieldError(send.error, 'subject')}
          />
          <div className="merge-fields" role="group" aria-label="Insert merge field">
            <span className="small muted">Insert merge field{useDefault ? ' with default' : ''}:</span>
            {[...MERGE_FIELDS, ...customFields].map((f) => (
              <button
                key={f}
                type="button"
                className="chip-btn"
                onClick={() => insertMergeField(useDefault ? withDefault(f, fallback) : f)}
              >
                {f}
              </button>
            ))}
          </div>
          <div className="merge-default" role="group" aria-label="Merge field default">
            <CheckboxField
              label="Insert with a default"
              checked={useDefault}
              onChange={(e) => setUseDefault(e.target.checked)}
            />
            {useDefault ? (
              <TextField
                label="Default text"
                value={fallback}
                maxLength={500}
                onChange={(e) => setFallback(e.target.value)}
                fieldClassName="field-inline"
              />
            ) : null}
            <p className="hint">{MERGE_DEFAULT_HELP}</p>
          </div>
          <TextAreaField
            ref={bodyRef}
            label="Message (Markdown)"
            name="body_markdown"
            required
            rows={14}
            className="mono"
            value={draft.body}
            onChange={(e) => update('body', e.target.value)}
            error={errors.body_markdown ?? fieldError(send.error, 'body_markdown')}
            hint="Markdown: **bold**, _italic_, [link](https://…), lists with “- ”. A plain-text part is generated."
          />

          <RecipientPicker
            draft={draft}
            vendorNames={vendorNames}
            onLists={(ids) => update('listIds', ids)}
            onVendors={(ids, names) => {
              setVendorNames((n) => ({ ...n, ...names }))
              update('vendorIds', ids)
            }}
            error={errors.recipients ?? fieldError(send.error, 'recipients')}
          />
          <TextField
            label="Reply-to (optional)"
            name="reply_to"
            type="email"
            value={draft.replyTo ?? ''}
            onChange={(e) => update('replyTo', e.target.value)}
            error={errors.reply_to ?? fieldError(send.error, 'reply_to')}
            hint={REPLY_TO_HELP}
          />
          <div className="grid-2">
            <SenderField
              value={draft.senderIdentityId ?? ''}
              onChange={chooseSender}
              error={fieldError(send.error, 'sender_identity_id')}
              notVerified={send.error instanceof ApiError && send.error.code === 'domain_not_verified'}
            />
            <TextField
              label="Send at (optional)"
              name="send_at"
              type="datetime-local"
              value={draft.sendAt ?? ''}
              onChange={(e) => update('sendAt', e.target.value)}
              error={errors.send_at ?? fieldError(send.error, 'send_at')}
              hint={`Empty: send now. Times are in your time zone (${localTimeZone()}).`}
            />
          </div>
          <AttachmentsField
            label="Attachments (every message)"
            name="attachments"
            files={draft.attachments ?? []}
            maxBytes={maxBytes}
            onChange={(files) => update('attachments', files)}
            error={fieldError(send.error, 'attachment_ids')}
          />
          <AttachmentsField
            label="Per-recipient attachments"
            name="recipient_attachments"
            perVendor
            files={draft.recipientAttachments ?? []}
            maxBytes={maxBytes}
            onChange={(files) => update('recipientAttachments', files)}
            error={errors.recipient_attachments ?? fieldError(send.error, 'recipient_attachments')}
          />
          <TextField
            label="Contact role (optional)"
            name="contact_role"
            value={draft.contactRole}
            onChange={(e) => update('contactRole', e.target.value)}
            error={errors['recipients.contact_role']}
            hint={CONTACT_ROLE_HELP}
          />

          {confirming ? (
            <ConfirmStep
              summary={summary}
              recipients={toDispatchInput(draft).recipients}
              onConfirm={() => void onConfirmSend()}
              onBack={() => setConfirming(false)}
              onRecheck={() => {
                usage.reload()
                onPreview()
              }}
            />
          ) : (
            <div className="form-actions">
              <Button onClick={onPreview} busy={previewAction.pending}>
                {previewAction.pending ? 'Rendering…' : 'Preview'}
              </Button>
              {me?.user.email ? (
                <Button onClick={() => void onTestSend()} busy={testSend.pending}>
                  {testSend.pending ? 'Sending test…' : `Send test to ${me.user.email}`}
                </Button>
              ) : null}
              <Button type="submit" variant="primary" busy={send.pending}>
                {send.pending ? 'Sending…' : draft.sendAt ? 'Schedule' : 'Send'}
              </Button>
            </div>
          )}
          {testSend.error ? <Notice kind="error">Test send failed: {errorMessage(testSend.error)}</Notice> : null}
          {testSentTo ? <Notice kind="success">Test message sent to {testSentTo}.</Notice> : null}
        </form>

        <aside className="compose-side">
          {usage.data ? (
            <section className="card" aria-label="Usage">
              <UsageMeter usage={usage.data} />
            </section>
          ) : null}
          <Section title="Preview">
            {previewAction.error ? (
              <Notice kind="error">Preview failed: {errorMessage(previewAction.error)}</Notice>
            ) : preview ? (
              <PreviewView preview={preview} recipients={toDispatchInput(draft).recipients} />
            ) : (
              <Empty>The preview appears as you type, rendered for the first recipient.</Empty>
            )}
          </Section>
        </aside>
      </div>
    </div>
  )
}

function fieldError(err: unknown, field: string): string | null {
  if (!(err instanceof ApiError)) return null
  return err.fieldErrors.find((f) => f.field === field || f.field.startsWith(`${field}.`))?.message ?? null
}

function describeSelection(d: ComposeDraft): string {
  const parts = []
  if (d.listIds.length) parts.push(`${d.listIds.length} list${d.listIds.length === 1 ? '' : 's'}`)
  if (d.vendorIds.length) parts.push(`${d.vendorIds.length} vendor${d.vendorIds.length === 1 ? '' : 's'}`)
  return parts.join(' and ')
}

/** The last step before sending: who, who not and why, and whether the quota carries it. */
export function ConfirmStep({
  summary,
  recipients,
  onConfirm,
  onBack,
  onRecheck,
}: {
  summary: ReturnType<typeof summarizeConfirm>
  /** When given, a searchable sample of the resolved recipients is shown beside the counts. */
  recipients?: DispatchInput['recipients']
  onConfirm: () => void
  onBack: () => void
  onRecheck: () => void
}) {
  return (
    <div className="confirm-box" role="alertdialog" aria-labelledby="confirm-send-q">
      <p id="confirm-send-q">{summary.question}</p>
      <ul className="plain-list confirm-facts" aria-label="Before sending">
        {summary.total !== null ? <li>Recipients: {plural(summary.total, 'recipient', 'recipients')}</li> : null}
        {summary.exclusions.length ? (
          <li>
            Left out:
            <ul>
              {summary.exclusions.map((e) => (
                <li key={e.key}>{e.label}</li>
              ))}
            </ul>
          </li>
        ) : summary.total !== null ? (
          <li>No one left out.</li>
        ) : null}
        {summary.remaining !== null ? <li>Quota: {plural(summary.remaining, 'email', 'emails')} left this period</li> : null}
      </ul>
      {recipients && summary.total ? (
        <details className="confirm-sample">
          <summary>Look through the recipients</summary>
          <RecipientBrowser recipients={recipients} label="Recipients of this dispatch" />
        </details>
      ) : null}
      {summary.blocked ? <Notice kind="warning">{summary.blocked}</Notice> : null}
      <div className="form-actions">
        {summary.fits ? (
          <Button variant="primary" onClick={onConfirm} autoFocus>
            {summary.actionLabel}
          </Button>
        ) : (
          <Button onClick={onRecheck}>Check again</Button>
        )}
        <Button variant="ghost" onClick={onBack}>
          Back to editing
        </Button>
      </div>
    </div>
  )
}

function PreviewView({ preview, recipients }: { preview: DispatchPreview; recipients: DispatchInput['recipients'] }) {
  const count = preview.recipients_total
  return (
    <div className="preview" aria-label="Rendered preview">
      <p>
        <strong>{plural(count ?? 0, 'recipient', 'recipients')}</strong>
        {preview.to ? <span className="muted"> · shown for {preview.to}</span> : null}
      </p>
      <MissingValues missing={Array.isArray(preview.missing_values) ? preview.missing_values : []} recipients={recipients} />
      {preview.subject ? (
        <p>
          <span className="muted">Subject:</span> {preview.subject}
        </p>
      ) : null}
      {preview.html || preview.text ? (
        <MessageFrame html={preview.html} text={preview.text} title="Message preview" />
      ) : (
        <Empty>The server returned no rendered body.</Empty>
      )}
    </div>
  )
}

function RecipientPicker({
  draft,
  vendorNames,
  onLists,
  onVendors,
  error,
}: {
  draft: ComposeDraft
  vendorNames: Record<string, string>
  onLists: (ids: string[]) => void
  onVendors: (ids: string[], names: Record<string, string>) => void
  error?: string | null
}) {
  const lists = useResource((signal) => api.list<VendorList>('/lists', { limit: 200 }, signal), [])
  const [q, setQ] = useState('')
  const query = useDebounced(q.trim(), 250)
  const vendors = useResource(
    (signal) =>
      query ? api.list<Vendor>('/vendors', { q: query, limit: 10 }, signal) : Promise.resolve({ items: [], next_cursor: null }),
    [query],
  )

  const toggleList = (id: string, on: boolean) =>
    onLists(on ? [...draft.listIds, id] : draft.listIds.filter((x) => x !== id))

  return (
    <fieldset className="subform" aria-describedby={error ? 'recipients-error' : undefined}>
      <legend>Recipients</legend>
      {error ? (
        <p className="field-error" id="recipients-error">
          {error}
        </p>
      ) : null}
      <div className="picker-grid">
        <div>
          <h3 className="h-small">Lists</h3>
          {lists.loading ? (
            <Loading />
          ) : lists.error ? (
            <ErrorState error={lists.error} what="lists" />
          ) : lists.data?.items.length ? (
            <div className="check-list">
              {lists.data.items.map((l) => (
                <CheckboxField
                  key={l.id}
                  label={`${l.name}${typeof l.member_count === 'number' ? ` (${formatNumber(l.member_count)})` : ''}`}
                  checked={draft.listIds.includes(l.id)}
                  onChange={(e) => toggleList(l.id, e.target.checked)}
                />
              ))}
            </div>
          ) : (
            <Empty>No lists yet.</Empty>
          )}
        </div>
        <div>
          <h3 className="h-small">Single vendors</h3>
          <TextField label="Find vendor" type="search" value={q} onChange={(e) => setQ(e.target.value)} placeholder="Name or code" />
          {query ? (
            vendors.loading ? (
              <Loading />
            ) : vendors.error ? (
              <ErrorState error={vendors.error} what="vendors" />
            ) : vendors.data?.items.length ? (
              <ul className="plain-list picker-results">
                {vendors.data.items.map((v) => {
                  const chosen = draft.vendorIds.includes(v.id)
                  return (
                    <li key={v.id}>
                      <span>{v.name}</span>
                      <Button
                        small
                        disabled={chosen}
                        onClick={() => onVendors([...draft.vendorIds, v.id], { [v.id]: v.name })}
                        aria-label={`Add ${v.name}`}
                      >
                        {chosen ? 'Added' : 'Add'}
                      </Button>
                    </li>
                  )
                })}
              </ul>
            ) : (
              <Empty>No vendor matches.</Empty>
            )
          ) : null}
          {draft.vendorIds.length ? (
            <ul className="chips" aria-label="Chosen vendors">
              {draft.vendorIds.map((id) => (
                <li key={id} className="chip">
                  {vendorNames[id] ?? id}
                  <button
                    type="button"
                    className="chip-remove"
                    aria-label={`Remove ${vendorNames[id] ?? id}`}
                    onClick={() => onVendors(draft.vendorIds.filter((x) => x !== id), {})}
                  >
                    ×
                  </button>
                </li>
              ))}
            </ul>
          ) : null}
        </div>
      </div>
    </fieldset>
  )
}

/**
 * Uploads files as they are chosen (POST /attachments). Per-recipient files carry the vendor code
 * they are meant for, read from the file name ("ACME_invoice.pdf" → ACME) and editable.
 */
function AttachmentsField({
  label,
  name,
  files,
  onChange,
  perVendor = false,
  maxBytes,
  error,
}: {
  label: string
  name: string
  files: DraftAttachment[]
  onChange: (files: DraftAttachment[]) => void
  perVendor?: boolean
  /** The plan's attachment limit: larger files are refused before uploading. */
  maxBytes?: number | null
  error?: string | null
}) {
  const upload = useAction()
  const [tooBig, setTooBig] = useState<string | null>(null)
  const inputRef = useRef<HTMLInputElement>(null)
  const onFiles = async (chosen: FileList | null) => {
    if (!chosen?.length) return
    const list = Array.from(chosen)
    const refused = oversizedFile(list, maxBytes)
    setTooBig(refused)
    if (refused) {
      if (inputRef.current) inputRef.current.value = ''
      return
    }
    const added = await upload.run(() =>
      Promise.all(
        list.map(async (f) => {
          const a = await api.post<Attachment>('/attachments', f, {
            query: { filename: f.name },
            contentType: f.type || 'application/octet-stream',
          })
          return { id: a.id, filename: a.filename ?? f.name, size: a.size_bytes ?? f.size, vendorCode: perVendor ? vendorCodeFromFilename(f.name) : '' }
        }),
      ),
    )
    if (added) onChange([...files, ...added])
    if (inputRef.current) inputRef.current.value = ''
  }
  const id = `${name}-input`
  return (
    <div className={`field${error ? ' field-invalid' : ''}`}>
      <div className="field-label">
        <label htmlFor={id}>{label}</label>
      </div>
      <input ref={inputRef} id={id} name={name} type="file" multiple onChange={(e) => void onFiles(e.target.files)} disabled={upload.pending} />
      {perVendor ? (
        <p className="hint">Each file goes only to the vendor whose code starts its name, e.g. ACME_statement.pdf goes to ACME.</p>
      ) : null}
      {upload.pending ? <p className="hint">Uploading…</p> : null}
      {tooBig ? <p className="field-error">{tooBig}</p> : null}
      {upload.error ? <p className="field-error">Upload failed: {errorMessage(upload.error)}</p> : null}
      {error ? <p className="field-error">{error}</p> : null}
      {files.length ? (
        <ul className="plain-list attachment-list" aria-label={`${label}: uploaded`}>
          {files.map((f, i) => (
            <li key={f.id}>
              <span>
                {f.filename} <span className="muted small">{formatBytes(f.size)}</span>
              </span>
              {perVendor ? (
                <TextField
                  label={`Vendor code for ${f.filename}`}
                  value={f.vendorCode}
                  fieldClassName="field-inline"
                  onChange={(e) => onChange(files.map((x, j) => (j === i ? { ...x, vendorCode: e.target.value } : x)))}
                />
              ) : null}
              <Button small variant="ghost" aria-label={`Remove ${f.filename}`} onClick={() => onChange(files.filter((_, j) => j !== i))}>
                Remove
              </Button>
            </li>
          ))}
        </ul>
      ) : null}
    </div>
  )
}
