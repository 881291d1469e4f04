// Shared by the Compose page tests: the routes Compose loads, and a draft filled in through the form.
import { fireEvent, screen } from '@testing-library/react'
import type { DispatchPreview, Usage } from '../../api/schema.gen'
import { jsonRes, type Handler } from '../../test/fakeServer'

export const usageOf = (remaining: number): Usage => ({
  period_start: '2026-12-01T00:00:00Z',
  period_end: '2027-01-01T00:00:00Z',
  limit: 1000,
  sent: 1000 - remaining,
  reserved: 0,
  remaining,
})

/** A preview answer for `total` recipients, `missing` of them without vendor.custom.region. */
export function previewAnswer(total: number, missing: number, excluded: DispatchPreview['excluded']): DispatchPreview {
  return {
    to: 'ap0@vendor0.example',
    subject: 'RFQ',
    html: '<p>Hi</p>',
    text: 'Hi',
    recipients_total: total,
    excluded,
    missing_values: [{ field: 'vendor.custom.region', count: missing }],
  }
}

/** Usage, sender identities, one list "EU suppliers" of `members`, vendors, and the preview answer. */
export function composeRoutes(opts: { remaining: number; members: number; vendors: unknown[]; preview: unknown }): Record<string, Handler> {
  return {
    'GET /api/v1/usage': () => jsonRes(200, usageOf(opts.remaining)),
    'GET /api/v1/sender-identities': () => jsonRes(200, { items: [], next_cursor: null }),
    'GET /api/v1/lists': () => jsonRes(200, { items: [{ id: 'l1', name: 'EU suppliers', member_count: opts.members }], next_cursor: null }),
    'GET /api/v1/vendors': () => jsonRes(200, { items: opts.vendors, next_cursor: null }),
    'POST /api/v1/dispatches/preview': () => jsonRes(200, opts.preview),
  }
}

/** Subject "RFQ", a body using {{vendor.custom.region}}, and the list "EU suppliers (`members`)". */
export async function fillDraft(members: number) {
  await screen.findByRole('heading', { level: 1, name: 'New dispatch' })
  fireEvent.change(screen.getByLabelText(/^Subject/), { target: { value: 'RFQ' } })
  fireEvent.change(screen.getByLabelText(/^Message/), { target: { value: 'Region {{vendor.custom.region}}' } })
  fireEvent.click(await screen.findByRole('checkbox', { name: `EU suppliers (${members})` }))
}
