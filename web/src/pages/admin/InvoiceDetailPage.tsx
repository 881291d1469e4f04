import { useState, type FormEvent } from 'react'
import { Link, useParams } from 'react-router-dom'
import { api } from '../../api/client'
import type { Invoice } from '../../api/schema.gen'
import { formatMoney, InvoiceLines, PrintableInvoiceButton } from '../../components/billing'
import { ConfirmButton } from '../../components/ConfirmButton'
import { Button, DataTable, ErrorState, FormError, Loading, Notice, PageHeader, Section, StatusBadge, TextField } from '../../components/ui'
import { formatDate, formatDay, formatNumber } from '../../lib/format'
import { useAction, useResource } from '../../lib/hooks'
import { hasErrors, validate, type FieldErrors } from '../../lib/validation'

const today = () => new Date().toISOString().slice(0, 10)

/** One invoice: its lines and payments; issue a draft, record a payment, void. */
export function InvoiceDetailPage() {
  const { id = '' } = useParams()
  const path = `/admin/invoices/${encodeURIComponent(id)}`
  const invoice = useResource((signal) => api.get<Invoice>(path, undefined, signal), [path])
  const act = useAction()
  const [done, setDone] = useState<string | null>(null)
  const run = (what: string, fn: () => Promise<Invoice>) =>
    void act.run(async () => {
      setDone(null)
      invoice.setData(await fn())
      setDone(what)
    })

  if (invoice.loading) return <Loading />
  const v = invoice.data
  if (invoice.error || !v)
    return (
      <div className="page">
        <PageHeader title="Invoice" actions={<Link to="/admin/invoices">All invoices</Link>} />
        <ErrorState error={invoice.error} what="the invoice" onRetry={invoice.reload} />
      </div>
    )
  return (
    <div className="page">
      <PageHeader
        title={`Invoice ${v.number ?? '(draft)'}`}
        actions={
          <div className="btn-row">
            <PrintableInvoiceButton path={path} label={`Printable invoice ${v.number ?? v.id}`} />
            <Link to="/admin/invoices">All invoices</Link>
          </div>
        }
      >
        <StatusBadge status={v.status} /> <Link to={`/admin/tenants/${v.tenant_id}`}>{v.tenant?.name ?? 'Tenant'}</Link> ·{' '}
        {formatDay(v.period_start)} – {formatDay(v.period_end)} · {formatNumber(v.emails_sent)} emails
      </PageHeader>
      <FormError error={act.error} />
      {done ? <Notice kind="success">{done}</Notice> : null}
      {v.void_reason ? <Notice kind="warning">Voided: {v.void_reason}</Notice> : null}
      <Section
        title="Lines"
        actions={
          <div className="btn-row">
            {v.status === 'draft' ? (
              <Button variant="primary" onClick={() => run('Invoice issued.', () => api.post<Invoice>(`${path}/issue`, {}))} busy={act.pending}>
                Issue
              </Button>
            ) : null}
            {v.status === 'draft' || v.status === 'issued' ? <VoidButton busy={act.pending} onVoid={(reason) => run('Invoice voided.', () => api.post<Invoice>(`${path}/void`, { reason }))} /> : null}
          </div>
        }
      >
        <InvoiceLines lines={v.lines ?? []} currency={v.currency} total={v.total_cents} />
        <p className="muted">
          Paid {formatMoney(v.paid_cents ?? 0, v.currency)} · balance {formatMoney(v.balance_cents ?? 0, v.currency)}
        </p>
      </Section>
      <Section title="Payments">
        {v.payments?.length ? (
          <DataTable
            caption="Payments"
            rows={v.payments}
            rowKey={(p) => p.id}
            columns={[
              { header: 'Paid on', cell: (p) => formatDay(p.paid_on) },
              { header: 'Amount', className: 'num', cell: (p) => formatMoney(p.amount_cents, v.currency) },
              { header: 'Reference', cell: (p) => p.reference || '—' },
              { header: 'Recorded', cell: (p) => formatDate(p.created_at) },
            ]}
          />
        ) : (
          <p className="muted">No payments recorded.</p>
        )}
        {v.status === 'issued' ? (
          <PaymentForm
            balanceCents={v.balance_cents ?? v.total_cents}
            busy={act.pending}
            onRecord={(body) => run('Payment recorded.', () => api.post<Invoice>(`${path}/payments`, body))}
          />
        ) : null}
      </Section>
    </div>
  )
}

function VoidButton({ busy, onVoid }: { busy: boolean; onVoid: (reason: string) => void }) {
  const [reason, setReason] = useState('')
  return (
    <div className="btn-row">
      <TextField label="Void reason" fieldClassName="field-inline" value={reason} onChange={(e) => setReason(e.target.value)} />
      <ConfirmButton
        variant="danger"
        label="Void"
        question="Void this invoice?"
        confirmLabel="Yes, void"
        disabled={!reason.trim()}
        busy={busy}
        onConfirm={() => onVoid(reason.trim())}
      />
    </div>
  )
}

function PaymentForm({
  balanceCents,
  busy,
  onRecord,
}: {
  balanceCents: number
  busy: boolean
  onRecord: (body: { amount_cents: number; paid_on: string; reference?: string }) => void
}) {
  const [form, setForm] = useState({ amount: (balanceCents / 100).toFixed(2), paid_on: today(), reference: '' })
  const [errors, setErrors] = useState<FieldErrors>({})
  const onSubmit = (e: FormEvent) => {
    e.preventDefault()
    const v = validate(form, {
      amount: { label: 'Amount', required: true, pattern: /^\d+(\.\d{1,2})?$/, patternMessage: 'Amount is a sum such as 49.00.' },
      paid_on: { label: 'Paid on', required: true, pattern: /^\d{4}-\d\d-\d\d$/, patternMessage: 'Paid on is a date.' },
      reference: { label: 'Reference', singleLine: true, maxLength: 200 },
    })
    setErrors(v)
    if (hasErrors(v)) return
    onRecord({ amount_cents: Math.round(Number(form.amount) * 100), paid_on: form.paid_on, reference: form.reference.trim() || undefined })
  }
  const set = (k: keyof typeof form) => (e: { target: { value: string } }) => setForm((f) => ({ ...f, [k]: e.target.value }))
  return (
    <form className="form inline-form" onSubmit={onSubmit} noValidate aria-label="Record payment">
      <TextField label="Amount" name="amount" inputMode="decimal" required value={form.amount} onChange={set('amount')} error={errors.amount} />
      <TextField label="Paid on" name="paid_on" type="date" required value={form.paid_on} onChange={set('paid_on')} error={errors.paid_on} />
      <TextField label="Reference" name="reference" value={form.reference} onChange={set('reference')} error={errors.reference} />
      <Button type="submit" busy={busy}>
        Record payment
      </Button>
    </form>
  )
}
