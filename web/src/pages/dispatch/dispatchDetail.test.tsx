// The dispatch page shows the message as sent: From, both Reply-To addresses, the subject and body
// with merge fields by name (body in a sandboxed frame), and its files. The Sent list and the
// dashboard show subjects the same readable way.
import { cleanup, screen, within } from '@testing-library/react'
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { api } from '../../api/client'
import { installFetch, jsonRes, renderApp } from '../../test/fakeServer'
import { perRecipientFiles, replyToLines } from './DispatchDetailPage'

beforeEach(() => api.setAccessToken(null))
afterEach(() => {
  cleanup()
  vi.unstubAllGlobals()
})

const DISPATCH = {
  id: 'd1',
  subject: 'RFQ for {{vendor.name}} {{vendor.custom.region | default: "n/a"}}',
  status: 'completed',
  recipients_total: 3,
  counts: { sent: 3 },
  created_at: '2026-12-01T10:00:00Z',
  from: { email: 'buyer@acme.example', name: 'Acme Purchasing' },
  reply_to: 'desk@acme.example',
  attachment_ids: ['a1'],
  attachments: [{ id: 'a1', filename: 'terms.pdf', content_type: 'application/pdf', size_bytes: 2048 }],
  recipient_attachments: [
    { attachment_id: 'r1', vendor_id: 'v1', vendor_code: 'V1', filename: 'V1_po.pdf' },
    { attachment_id: 'r2', vendor_id: 'v2', vendor_code: 'V2', filename: 'V2_po.pdf' },
  ],
  message: {
    subject: 'RFQ for ‹vendor.name› ‹vendor.custom.region›',
    text: 'Dear ‹contact.name›',
    html: '<html><body><p>Dear ‹contact.name›</p><script>alert(1)</script></body></html>',
  },
}

describe('dispatch page', { timeout: 20_000 }, () => {
  it('shows From, both Reply-To addresses, the readable subject and body, and the files', async () => {
    installFetch({
      'GET /api/v1/dispatches/d1': () => jsonRes(200, DISPATCH),
      'GET /api/v1/dispatches/d1/deliveries': () => jsonRes(200, { items: [], next_cursor: null }),
    })
    renderApp('/dispatches/d1')
    expect(await screen.findByRole('heading', { level: 1, name: 'RFQ for ‹vendor.name› ‹vendor.custom.region›' })).toBeTruthy()
    expect(screen.getByText('Acme Purchasing <buyer@acme.example>')).toBeTruthy()
    const replyTo = screen.getByRole('list', { name: 'Reply-To' })
    expect(within(replyTo).getAllByRole('listitem').map((li) => li.textContent)).toEqual([
      'the Inbox (each message carries its own reply address, so replies are threaded here)',
      'desk@acme.example',
    ])
    const frame = screen.getByTitle('Message body') as HTMLIFrameElement
    expect(frame.getAttribute('sandbox')).toBe('')
    expect(frame.getAttribute('srcdoc')).toContain('Dear ‹contact.name›')
    const shared = screen.getByRole('table', { name: 'Attachments of every message' })
    expect(within(shared).getByText('terms.pdf')).toBeTruthy()
    expect(within(shared).getByText('application/pdf')).toBeTruthy()
    expect(within(shared).getByText('2.0 KB')).toBeTruthy()
    expect(screen.getByText(/Per-recipient files: 2 files/)).toBeTruthy()
    expect(within(screen.getByRole('table', { name: 'Per-recipient attachments' })).getByText('V1_po.pdf')).toBeTruthy()
  })

  it('the Sent list and the dashboard show merge fields by name', async () => {
    installFetch({ 'GET /api/v1/dispatches': () => jsonRes(200, { items: [DISPATCH], next_cursor: null }) })
    renderApp('/dispatches')
    expect(await screen.findByRole('link', { name: 'RFQ for ‹vendor.name› ‹vendor.custom.region›' })).toBeTruthy()
    cleanup()
    installFetch({
      'GET /api/v1/dispatches': () => jsonRes(200, { items: [DISPATCH], next_cursor: null }),
      'GET /api/v1/inbox': () => jsonRes(200, { items: [], next_cursor: null }),
    })
    renderApp('/')
    expect(await screen.findByRole('link', { name: 'RFQ for ‹vendor.name› ‹vendor.custom.region›' })).toBeTruthy()
  })
})

describe('message facts', () => {
  it('replies reach the Inbox, and the custom address beside it', () => {
    expect(replyToLines(null)).toHaveLength(1)
    expect(replyToLines('x@y.example')[1]).toBe('x@y.example')
  })
  it('counts per-recipient files by name', () => {
    expect(perRecipientFiles([
      { attachment_id: 'a', vendor_id: 'v1', vendor_code: 'V1', filename: 'po.pdf' },
      { attachment_id: 'b', vendor_id: 'v2', vendor_code: 'V2', filename: 'po.pdf' },
      { attachment_id: 'c', vendor_id: 'v3', vendor_code: null, filename: 'x.pdf' },
    ])).toEqual([
      { filename: 'po.pdf', count: 2 },
      { filename: 'x.pdf', count: 1 },
    ])
  })
})
