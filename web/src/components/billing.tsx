// Money and invoice pieces shared by the super-admin pages and the workspace settings.
import { Link } from 'react-router-dom'
import { api } from '../api/client'
import type { Invoice, InvoiceLine, InvoicePreview } from '../api/schema.gen'
import { displayValue, formatDay, formatNumber } from '../lib/format'
import { useAction, usePaged, useResource } from '../lib/hooks'
import { Button, DataTable, ErrorState, Loading, PagedTable, Section, StatusBadge, type Column } from './ui'

export function formatMoney(cents: number | null | undefined, currency: string | undefined): string {
  if (typeof cents !== 'number') return '—'
  try {
    return new Intl.NumberFormat('en-US', { style: 'currency', currency: currency || 'EUR' }).format(cents / 100)
  } catch {
    return `${(cents / 100).toFixed(2)} ${currency ?? ''}`.trim()
  }
}

export function InvoiceLines({ lines, currency, total }: { lines: InvoiceLine[]; currency: string; total: number }) {
  return (
    <DataTable
      caption="Invoice lines"
      rows={[...lines, { kind: 'total', description: 'Total', quantity: 0, unit_cents: 0, amount_cents: total }]}
      rowKey={(l, i) => `${l.kind}-${i}`}
      columns={[
        { header: 'Item', cell: (l) => (l.kind === 'total' ? <strong>{l.description}</strong> : l.description) },
        { header: 'Quantity', className: 'num', cell: (l) => (l.kind === 'total' ? '' : formatNumber(l.quantity)) },
        { header: 'Unit', className: 'num', cell: (l) => (l.kind === 'total' ? '' : formatMoney(l.unit_cents, currency)) },
        { header: 'Amount', className: 'num', cell: (l) => formatMoney(l.amount_cents, currency) },
      ]}
    />
  )
}

/** What the tenant's invoice for the running period would say today. */
export function InvoicePreviewSection({ tenantId }: { tenantId: string }) {
  const preview = useResource(
    (signal) => api.get<InvoicePreview>(`/admin/tenants/${encodeURIComponent(tenantId)}/invoice-preview`, undefined, signal),
    [tenantId],
  )
  const p = preview.data
  return (
    <Section title="Invoice preview (this period)">
      {preview.loading ? (
        <Loading />
      ) : preview.error || !p ? (
        <ErrorState error={preview.error} what="the invoice preview" onRetry={preview.reload} />
      ) : (
        <>
          <p className="muted">
            {formatDay(p.period_start)} – {formatDay(p.period_end)} · {formatNumber(p.emails_sent)} emails sent so far
          </p>
          <InvoiceLines lines={p.lines} currency={p.currency} total={p.total_cents} />
        </>
      )}
    </Section>
  )
}

/**
 * Opens the printable invoice (GET …?format=html) in a new tab. The page needs the bearer token,
 * so it is fetched here and shown from a blob URL rather than linked directly.
 */
export function PrintableInvoiceButton({ path, label }: { path: string; label: string }) {
  const open = useAction()
  const onClick = () => {
    // Opened synchronously so the click's user activation allows the new tab.
    const tab = window.open('', '_blank')
    void open.run(async () => {
      const { blob } = await api.download(path, { format: 'html' })
      const url = URL.createObjectURL(new Blob([blob], { type: 'text/html' }))
      if (tab) tab.location.href = url
      else window.location.href = url
      setTimeout(() => URL.revokeObjectURL(url), 60_000)
    })
  }
  return (
    <Button small onClick={onClick} busy={open.pending} aria-label={label}>
      Printable
    </Button>
  )
}

/**
 * An invoice list: the platform's (/admin/invoices, with a tenant column) or a workspace's own
 * (/billing/invoices), each with its printable copy.
 */
export function InvoiceTable({ path, caption, empty }: { path: '/admin/invoices' | '/billing/invoices'; caption: string; empty: string }) {
  const invoices = usePaged<Invoice>((cursor, signal) => api.list<Invoice>(path, { limit: 50, cursor }, signal), [path])
  const admin = path === '/admin/invoices'
  const columns: Column<Invoice>[] = [
    {
      header: 'Number',
      cell: (i) => (admin ? <Link to={`/admin/invoices/${i.id}`}>{i.number ?? 'draft'}</Link> : i.number ?? 'draft'),
    },
    ...(admin
      ? [
          {
            header: 'Tenant',
            cell: (i: Invoice) => <Link to={`/admin/tenants/${i.tenant_id}`}>{displayValue(i.tenant ?? i.tenant_id)}</Link>,
          },
        ]
      : []),
    { header: 'Period', cell: (i) => `${formatDay(i.period_start)} – ${formatDay(i.period_end)}` },
    { header: 'Total', className: 'num', cell: (i) => formatMoney(i.total_cents, i.currency) },
    { header: 'Balance', className: 'num', cell: (i) => formatMoney(i.balance_cents, i.currency) },
    { header: 'Status', cell: (i) => <StatusBadge status={i.status} /> },
    {
      header: 'Print',
      cell: (i) => <PrintableInvoiceButton path={`${path}/${encodeURIComponent(i.id)}`} label={`Printable invoice ${i.number ?? i.id}`} />,
    },
  ]
  return <PagedTable list={invoices} what="invoices" empty={empty} caption={caption} rowKey={(i) => i.id} columns={columns} />
}
