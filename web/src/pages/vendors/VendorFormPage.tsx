import { useEffect, useState, type FormEvent } from 'react'
import { Link, useNavigate, useParams } from 'react-router-dom'
import { api, ApiError } from '../../api/client'
import type { Vendor, VendorDetail, VendorList } from '../../api/schema.gen'
import {
  Button,
  CheckboxField,
  ErrorState,
  FormError,
  Loading,
  PageHeader,
  SelectField,
  TextAreaField,
  TextField,
} from '../../components/ui'
import { useAction, useResource } from '../../lib/hooks'
import { hasErrors, type FieldErrors } from '../../lib/validation'
import { VENDOR_STATUSES } from './VendorsPage'
import { addToList, removeFromList } from './vendorActions'
import {
  draftFromVendor,
  emptyContact,
  emptyVendorDraft,
  toVendorInput,
  validateVendor,
  type ContactDraft,
  type VendorDraft,
} from './vendorForm'

export function VendorNewPage() {
  return <VendorForm title="New vendor" initial={emptyVendorDraft()} />
}

export function VendorEditPage() {
  const { id = '' } = useParams()
  const vendor = useResource((signal) => api.get<VendorDetail>(`/vendors/${encodeURIComponent(id)}`, undefined, signal), [id])
  if (vendor.loading) return <Loading />
  if (vendor.error || !vendor.data)
    return (
      <div className="page">
        <PageHeader title="Edit vendor" />
        <ErrorState error={vendor.error} what="this vendor" onRetry={vendor.reload} />
      </div>
    )
  return (
    <VendorForm
      title={`Edit ${vendor.data.name}`}
      initial={draftFromVendor(vendor.data)}
      vendorId={vendor.data.id}
      initialListIds={(vendor.data.lists ?? []).map((l) => l.id)}
    />
  )
}

/** Drops blank contact and custom-field rows so server field indices match the rows on screen. */
function compact(d: VendorDraft): VendorDraft {
  return {
    ...d,
    customFields: d.customFields.filter((f) => f.key.trim() || f.value.trim()),
    contacts: d.contacts.filter((c) => c.name.trim() || c.email.trim() || c.role.trim()),
  }
}

/** Server field names → our field keys ("custom_fields.region" → "custom_fields.2.key"). */
function serverFieldErrors(err: unknown, d: VendorDraft): { errors: FieldErrors; shown: string[] } {
  const errors: FieldErrors = {}
  const shown: string[] = []
  if (!(err instanceof ApiError)) return { errors, shown }
  const rendered = new Set(['name', 'code', 'category', 'status', 'tags', 'notes', 'contacts'])
  d.contacts.forEach((_, i) => ['name', 'email', 'role'].forEach((k) => rendered.add(`contacts.${i}.${k}`)))
  d.customFields.forEach((_, i) => ['key', 'value'].forEach((k) => rendered.add(`custom_fields.${i}.${k}`)))
  for (const f of err.fieldErrors) {
    let key = f.field
    const m = /^custom_fields\.([^.]+)$/.exec(f.field)
    if (m && !/^\d+$/.test(m[1])) {
      const i = d.customFields.findIndex((c) => c.key.trim() === m[1])
      if (i >= 0) key = `custom_fields.${i}.key`
    }
    if (rendered.has(key)) {
      errors[key] = f.message
      shown.push(f.field)
    }
  }
  return { errors, shown }
}

/** Which lists to join and leave to go from `before` to `after`. */
export function listChanges(before: string[], after: string[]): { join: string[]; leave: string[] } {
  return { join: after.filter((id) => !before.includes(id)), leave: before.filter((id) => !after.includes(id)) }
}

function VendorForm({
  title,
  initial,
  vendorId,
  initialListIds = [],
}: {
  title: string
  initial: VendorDraft
  vendorId?: string
  initialListIds?: string[]
}) {
  const navigate = useNavigate()
  const [draft, setDraft] = useState<VendorDraft>(initial)
  const [listIds, setListIds] = useState<string[]>(initialListIds)
  const lists = useResource((signal) => api.list<VendorList>('/lists', { limit: 200 }, signal), [])
  const [errors, setErrors] = useState<FieldErrors>({})
  const [touched, setTouched] = useState(false)
  const save = useAction()

  // Inline validation once the user has tried to submit.
  useEffect(() => {
    if (touched) setErrors(validateVendor(draft))
  }, [draft, touched])

  const update = <K extends keyof VendorDraft>(key: K, value: VendorDraft[K]) => setDraft((d) => ({ ...d, [key]: value }))
  const updateContact = (i: number, patch: Partial<ContactDraft>) =>
    setDraft((d) => ({
      ...d,
      contacts: d.contacts.map((c, j) =>
        j === i ? { ...c, ...patch } : patch.primary ? { ...c, primary: false } : c,
      ),
    }))

  const onSubmit = async (e: FormEvent) => {
    e.preventDefault()
    setTouched(true)
    const v = validateVendor(draft)
    setErrors(v)
    if (hasErrors(v)) return
    // Blank rows go only now, so the server's "contacts.N" indices match the rows on screen.
    const cleaned = compact(draft)
    setDraft(cleaned)
    const result = await save.run(async () => ({
      saved: vendorId
        ? await api.patch<Vendor | undefined>(`/vendors/${encodeURIComponent(vendorId)}`, toVendorInput(cleaned))
        : await api.post<Vendor>('/vendors', toVendorInput(cleaned)),
    }))
    if (!result) return
    const id = result.saved?.id ?? vendorId
    if (id) {
      // Memberships go through the list API once the vendor exists.
      const { join, leave } = listChanges(initialListIds, listIds)
      const ok = await save.run(async () => {
        for (const l of join) {
          const r = await addToList(l, [id])
          if (r.failed.length) throw new Error(`Saved, but joining a list failed: ${r.failed[0].message}`)
        }
        for (const l of leave) {
          const r = await removeFromList(l, [id])
          if (r.failed.length) throw new Error(`Saved, but leaving a list failed: ${r.failed[0].message}`)
        }
        return true
      })
      // A new vendor exists already: go to its page (which shows its lists) rather than create it twice.
      if (!ok && vendorId) return
    }
    navigate(id ? `/vendors/${id}` : '/vendors')
  }

  const server = serverFieldErrors(save.error, draft)
  const err = (field: string) => errors[field] ?? server.errors[field] ?? null

  return (
    <div className="page">
      <PageHeader title={title} actions={<Link to={vendorId ? `/vendors/${vendorId}` : '/vendors'}>Back</Link>} />
      <form className="form card" onSubmit={(e) => void onSubmit(e)} noValidate>
        <FormError error={save.error} shownFields={server.shown} />
        <div className="form-grid">
          <TextField label="Name" name="name" required value={draft.name} onChange={(e) => update('name', e.target.value)} error={err('name')} />
          <TextField label="Code" name="code" value={draft.code} onChange={(e) => update('code', e.target.value)} error={err('code')} hint="Your internal vendor number." />
          <TextField label="Category" name="category" value={draft.category} onChange={(e) => update('category', e.target.value)} error={err('category')} />
          <SelectField label="Status" name="status" value={draft.status} onChange={(e) => update('status', e.target.value as VendorDraft['status'])} options={VENDOR_STATUSES} error={err('status')} />
          <TextField
            label="Tags"
            name="tags"
            value={draft.tags}
            onChange={(e) => update('tags', e.target.value)}
            error={err('tags')}
            hint="Comma separated, e.g. logistics, eu"
            fieldClassName="span-2"
          />
          <TextAreaField label="Notes" name="notes" rows={3} value={draft.notes} onChange={(e) => update('notes', e.target.value)} error={err('notes')} fieldClassName="span-2" />
        </div>

        <fieldset className="subform">
          <legend>Contacts</legend>
          {err('contacts') ? <p className="field-error">{err('contacts')}</p> : null}
          {draft.contacts.length === 0 ? <p className="muted">No contacts.</p> : null}
          {draft.contacts.map((c, i) => (
            <div className="row-grid" key={i}>
              <TextField label={`Contact ${i + 1} name`} value={c.name} onChange={(e) => updateContact(i, { name: e.target.value })} error={err(`contacts.${i}.name`)} />
              <TextField label={`Contact ${i + 1} email`} type="email" value={c.email} onChange={(e) => updateContact(i, { email: e.target.value })} error={err(`contacts.${i}.email`)} />
              <TextField label={`Contact ${i + 1} role`} value={c.role} onChange={(e) => updateContact(i, { role: e.target.value })} error={err(`contacts.${i}.role`)} placeholder="e.g. sales, billing" />
              <div className="row-actions">
                <div className="check">
                  <input
                    type="radio"
                    id={`primary-${i}`}
                    name="primary-contact"
                    checked={c.primary}
                    onChange={() => updateContact(i, { primary: true })}
                  />
                  <label htmlFor={`primary-${i}`}>Primary</label>
                </div>
                <Button small variant="ghost" onClick={() => update('contacts', draft.contacts.filter((_, j) => j !== i))} aria-label={`Remove contact ${i + 1}`}>
                  Remove
                </Button>
              </div>
            </div>
          ))}
          <Button small onClick={() => update('contacts', [...draft.contacts, emptyContact(draft.contacts.length === 0)])}>
            Add contact
          </Button>
        </fieldset>

        <fieldset className="subform">
          <legend>Custom fields</legend>
          <p className="hint">Usable as merge fields in dispatches, e.g. {'{{vendor.custom.region}}'}.</p>
          {draft.customFields.map((f, i) => (
            <div className="row-grid row-grid-3" key={i}>
              <TextField
                label={`Field ${i + 1} name`}
                value={f.key}
                onChange={(e) => update('customFields', draft.customFields.map((x, j) => (j === i ? { ...x, key: e.target.value } : x)))}
                error={err(`custom_fields.${i}.key`)}
              />
              <TextField
                label={`Field ${i + 1} value`}
                value={f.value}
                onChange={(e) => update('customFields', draft.customFields.map((x, j) => (j === i ? { ...x, value: e.target.value } : x)))}
                error={err(`custom_fields.${i}.value`)}
              />
              <div className="row-actions">
                <Button small variant="ghost" onClick={() => update('customFields', draft.customFields.filter((_, j) => j !== i))} aria-label={`Remove field ${i + 1}`}>
                  Remove
                </Button>
              </div>
            </div>
          ))}
          <Button small onClick={() => update('customFields', [...draft.customFields, { key: '', value: '' }])}>
            Add custom field
          </Button>
        </fieldset>

        {lists.data?.items.length ? (
          <fieldset className="subform">
            <legend>Lists</legend>
            <div className="check-list">
              {lists.data.items.map((l) => (
                <CheckboxField
                  key={l.id}
                  label={l.name}
                  checked={listIds.includes(l.id)}
                  onChange={(e) => setListIds((ids) => (e.target.checked ? [...ids, l.id] : ids.filter((x) => x !== l.id)))}
                />
              ))}
            </div>
          </fieldset>
        ) : null}

        <div className="form-actions">
          <Button type="submit" variant="primary" busy={save.pending}>
            {save.pending ? 'Saving…' : vendorId ? 'Save changes' : 'Create vendor'}
          </Button>
        </div>
      </form>
    </div>
  )
}
