import { useState, type FormEvent } from 'react'
import { api } from '../../api/client'
import type { Plan } from '../../api/schema.gen'
import { Button, FormError, Notice, PagedTable, PageHeader, Section, TextField } from '../../components/ui'
import { ConfirmButton } from '../../components/ConfirmButton'
import { formatMoney } from '../../components/billing'
import { displayValue, formatNumber } from '../../lib/format'
import { useAction, usePaged } from '../../lib/hooks'
import { hasErrors, validate, type FieldErrors } from '../../lib/validation'
import { EMPTY_PLAN, planBody, planDraftOf, planPatch, type PlanDraft } from './limits'

const PLAN_FIELDS = {
  name: { label: 'Name', required: true, singleLine: true, maxLength: 100 },
  price: { label: 'Monthly price', required: true, pattern: /^\d+(\.\d{1,2})?$/, patternMessage: 'Monthly price is an amount such as 49 or 49.90.' },
  currency: { label: 'Currency', required: true, pattern: /^[A-Z]{3}$/, patternMessage: 'Currency is a three-letter code such as EUR.' },
  emails: { label: 'Emails per period', required: true, pattern: /^\d+$/, patternMessage: 'Emails per period is a whole number.' },
  recipients: { label: 'Recipients per dispatch', required: true, pattern: /^\d+$/, patternMessage: 'Recipients per dispatch is a whole number.' },
  vendors: { label: 'Vendors', required: true, pattern: /^\d+$/, patternMessage: 'Vendors is a whole number.' },
  users: { label: 'Users', required: true, pattern: /^\d+$/, patternMessage: 'Users is a whole number.' },
  attachmentMb: { label: 'Attachment size (MB)', required: true, pattern: /^\d+(\.\d{1,2})?$/, patternMessage: 'Attachment size is a number of MB such as 10 or 2.5.' },
  rate: { label: 'Send rate per second', required: true, pattern: /^\d+(\.\d+)?$/, patternMessage: 'Send rate is a number; 0 means no limit.' },
  overage: { label: 'Overage per 1000 emails', pattern: /^\d+(\.\d{1,2})?$/, patternMessage: 'Overage is an amount such as 1.50.' },
}

function planStatus(p: Plan): string {
  if (p.retired) return 'retired'
  return p.is_default ? 'offered (default)' : 'offered'
}

export function PlansPage() {
  const plans = usePaged<Plan>((cursor, signal) => api.list<Plan>('/admin/plans', { include_retired: 'true', limit: 100, cursor }, signal), [])
  const [editing, setEditing] = useState<Plan | null>(null)
  const [notice, setNotice] = useState('')
  const retire = useAction()
  const replace = (p: Plan) => plans.setItems((items) => items.map((x) => (x.id === p.id ? p : x)))

  const setRetired = async (p: Plan, retired: boolean) => {
    setNotice('')
    const updated = await retire.run(() => api.patch<Plan>(`/admin/plans/${encodeURIComponent(p.id)}`, { retired }))
    if (!updated) return
    replace(updated)
    setNotice(retired ? `Plan ${updated.name} retired: its tenants keep it, new tenants cannot choose it.` : `Plan ${updated.name} is offered again.`)
  }

  return (
    <div className="page">
      <PageHeader title="Plans">Quotas and prices offered to tenants. A limit changed here applies to the plan's tenants at once.</PageHeader>
      <FormError error={retire.error} />
      {notice ? <Notice kind="success">{notice}</Notice> : null}
      <div className="split">
        <div>
          <PagedTable
            list={plans}
            what="plans"
            empty="No plans defined."
            caption="Plans"
            rowKey={(p) => p.id}
            columns={[
              { header: 'Name', cell: (p) => p.name },
              { header: 'Price', className: 'num', cell: (p) => formatMoney(p.price_cents, p.currency) },
              { header: 'Emails per period', className: 'num', cell: (p) => displayValue(p.limits?.emails_per_period) },
              { header: 'Recipients per dispatch', className: 'num', cell: (p) => displayValue(p.limits?.recipients_per_dispatch) },
              { header: 'Vendors', className: 'num', cell: (p) => displayValue(p.limits?.vendors) },
              { header: 'Users', className: 'num', cell: (p) => displayValue(p.limits?.users) },
              { header: 'Overage / 1000', className: 'num', cell: (p) => formatMoney(p.overage_cents_per_1000, p.currency) },
              { header: 'Tenants', className: 'num', cell: (p) => formatNumber(p.tenants_count) },
              { header: 'Status', cell: planStatus },
              {
                header: 'Actions',
                cell: (p) => (
                  <span className="row-actions">
                    <Button small onClick={() => setEditing(p)} aria-label={`Edit ${p.name}`}>
                      Edit
                    </Button>
                    {p.retired ? (
                      <Button small onClick={() => void setRetired(p, false)} aria-label={`Offer ${p.name} again`}>
                        Offer again
                      </Button>
                    ) : p.is_default ? null : (
                      <ConfirmButton
                        small
                        variant="danger"
                        label="Retire"
                        ariaLabel={`Retire ${p.name}`}
                        question={`Retire ${p.name}? Its tenants keep it; new tenants cannot choose it.`}
                        confirmLabel="Retire plan"
                        onConfirm={() => void setRetired(p, true)}
                      />
                    )}
                  </span>
                ),
              },
            ]}
          />
        </div>
        {editing ? (
          <PlanForm
            key={editing.id}
            plan={editing}
            onSaved={(p) => {
              replace(p)
              setEditing(null)
              setNotice(`Plan ${p.name} saved.`)
            }}
            onCancel={() => setEditing(null)}
          />
        ) : (
          <PlanForm key="new" onSaved={(p) => plans.setItems((items) => [...items, p])} />
        )}
      </div>
    </div>
  )
}

/** Creates a plan, or edits `plan` (only the changed members are sent). */
function PlanForm({ plan, onSaved, onCancel }: { plan?: Plan; onSaved: (p: Plan) => void; onCancel?: () => void }) {
  const [draft, setDraft] = useState<PlanDraft>(plan ? planDraftOf(plan) : EMPTY_PLAN)
  const [errors, setErrors] = useState<FieldErrors>({})
  const [created, setCreated] = useState<Plan | null>(null)
  const save = useAction()
  const title = plan ? `Edit plan ${plan.name}` : 'New plan'

  const onSubmit = async (e: FormEvent) => {
    e.preventDefault()
    const v = validate(draft, PLAN_FIELDS)
    setErrors(v)
    setCreated(null)
    if (hasErrors(v)) return
    if (plan) {
      const patch = planPatch(plan, draft)
      if (!Object.keys(patch).length) return onCancel?.()
      const p = await save.run(() => api.patch<Plan>(`/admin/plans/${encodeURIComponent(plan.id)}`, patch))
      if (p) onSaved(p)
      return
    }
    const p = await save.run(() => api.post<Plan>('/admin/plans', planBody(draft)))
    if (p) {
      setCreated(p)
      setDraft(EMPTY_PLAN)
      onSaved(p)
    }
  }
  const field = (k: keyof PlanDraft, extra: { inputMode?: 'numeric' | 'decimal'; hint?: string } = {}) => (
    <TextField
      label={PLAN_FIELDS[k].label}
      name={k}
      required={'required' in PLAN_FIELDS[k]}
      value={draft[k]}
      onChange={(e) => setDraft((d) => ({ ...d, [k]: e.target.value }))}
      error={errors[k]}
      {...extra}
    />
  )
  return (
    <Section title={title}>
      <form className="form" onSubmit={(e) => void onSubmit(e)} noValidate aria-label={title}>
        <FormError error={save.error} />
        {created ? <Notice kind="success">Plan {created.name} created.</Notice> : null}
        {plan?.tenants_count ? (
          <p className="muted">
            {formatNumber(plan.tenants_count)} {plan.tenants_count === 1 ? 'tenant is' : 'tenants are'} on this plan: new limits apply to{' '}
            {plan.tenants_count === 1 ? 'it' : 'them'} at once, a new price from the next invoice.
          </p>
        ) : null}
        {field('name')}
        {field('price', { inputMode: 'decimal' })}
        {field('currency', plan?.tenants_count ? { hint: 'Fixed while tenants or invoices use the plan.' } : {})}
        {field('emails', { inputMode: 'numeric' })}
        {field('recipients', { inputMode: 'numeric' })}
        {field('vendors', { inputMode: 'numeric' })}
        {field('users', { inputMode: 'numeric' })}
        {field('attachmentMb', { inputMode: 'decimal' })}
        {field('rate', { inputMode: 'decimal' })}
        {field('overage', { inputMode: 'decimal', hint: 'Empty: sending stops at the limit.' })}
        <div className="form-actions">
          <Button type="submit" variant="primary" busy={save.pending}>
            {plan ? 'Save plan' : 'Create plan'}
          </Button>
          {onCancel ? (
            <Button variant="ghost" onClick={onCancel}>
              Cancel
            </Button>
          ) : null}
        </div>
      </form>
    </Section>
  )
}
