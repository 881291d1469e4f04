// Compose's recipient pages: the recipients lacking a merge value, a page at a time; the confirm
// step's searchable sample; and the chips inserting a field with a default.
import { cleanup, fireEvent, screen, waitFor, within } from '@testing-library/react'
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { api } from '../../api/client'
import type { ResolvedRecipient } from '../../api/schema.gen'
import { bodyOf, installFetch, jsonRes, renderApp } from '../../test/fakeServer'
import { composeRoutes, fillDraft as fillComposeDraft, previewAnswer } from './composeFixture'

beforeEach(() => api.setAccessToken(null))
afterEach(() => {
  cleanup()
  vi.unstubAllGlobals()
})

const recipient = (i: number): ResolvedRecipient => ({
  vendor_id: `v${i}`,
  vendor_name: `Vendor ${i}`,
  vendor_code: `V${i}`,
  contact_id: `c${i}`,
  contact_name: `Contact ${i}`,
  role: 'ap',
  email: `ap${i}@vendor${i}.example`,
  suppressed: i === 3,
})

/** 25 recipients in pages of the requested size; `q` keeps those whose vendor name contains it. */
function recipientsHandler(init: RequestInit, url: URL) {
  const body = bodyOf(init)
  const limit = Number(url.searchParams.get('limit') ?? 50)
  const start = Number(url.searchParams.get('cursor') ?? 0)
  let all = Array.from({ length: 25 }, (_, i) => recipient(i))
  if (typeof body.q === 'string') all = all.filter((r) => r.vendor_name.includes(String(body.q)))
  if (body.missing_field) all = all.slice(0, 12)
  const items = all.slice(start, start + limit)
  return jsonRes(200, { items, total: all.length, next_cursor: start + limit < all.length ? String(start + limit) : null })
}

function server() {
  return installFetch({
    ...composeRoutes({
      remaining: 1000,
      members: 25,
      vendors: [{ id: 'v1', name: 'A', custom_fields: { region: 'EU' } }],
      preview: previewAnswer(25, 12, { suppressed: 1, no_matching_contact: 0, inactive: 0 }),
    }),
    'POST /api/v1/dispatches/preview/recipients': recipientsHandler,
  })
}

const fillDraft = () => fillComposeDraft(25)

describe('recipient pages in compose', { timeout: 30_000 }, () => {
  it('pages through the recipients lacking a merge value', async () => {
    const calls = server()
    renderApp('/dispatches/new')
    await fillDraft()
    fireEvent.click(screen.getByRole('button', { name: 'Preview' }))
    const missing = await screen.findByRole('list', { name: 'Missing merge values' })
    expect(missing.textContent).toContain('{{vendor.custom.region}}: 12 recipients lack a value')
    fireEvent.click(within(missing).getByRole('button', { name: 'Show who' }))
    const region = await screen.findByRole('region', { name: 'Recipients without vendor.custom.region' })
    expect(await within(region).findByText('Vendor 0 (V0)')).toBeTruthy()
    expect(within(region).getByText('1–10 of 12')).toBeTruthy()
    const sent = calls.filter((c) => c.key === 'POST /api/v1/dispatches/preview/recipients')
    expect(bodyOf(sent[0].init)).toEqual({ recipients: { list_ids: ['l1'], vendor_ids: [], contact_role: null }, missing_field: 'vendor.custom.region' })
    fireEvent.click(within(region).getByRole('button', { name: 'Next' }))
    expect(await within(region).findByText('11–12 of 12')).toBeTruthy()
    expect(within(region).getByText('Contact 11')).toBeTruthy()
    expect((within(region).getByRole('button', { name: 'Next' }) as HTMLButtonElement).disabled).toBe(true)
    fireEvent.click(within(region).getByRole('button', { name: 'Previous' }))
    expect(await within(region).findByText('1–10 of 12')).toBeTruthy()
  })

  it('the confirm step offers a searchable sample of the recipients', async () => {
    const calls = server()
    renderApp('/dispatches/new')
    await fillDraft()
    fireEvent.click(screen.getByRole('button', { name: 'Preview' }))
    await screen.findByRole('list', { name: 'Missing merge values' })
    fireEvent.click(screen.getByRole('button', { name: 'Send' }))
    const dialog = await screen.findByRole('alertdialog')
    fireEvent.click(within(dialog).getByText('Look through the recipients'))
    const region = await within(dialog).findByRole('region', { name: 'Recipients of this dispatch' })
    expect(await within(region).findByText('1–10 of 25')).toBeTruthy()
    expect(within(region).getByText('ap3@vendor3.example (suppressed, not mailed)')).toBeTruthy()
    fireEvent.change(within(region).getByLabelText('Search recipients'), { target: { value: 'Vendor 2' } })
    expect(await within(region).findByText('1–6 of 6')).toBeTruthy()
    await waitFor(() =>
      expect(calls.some((c) => c.key === 'POST /api/v1/dispatches/preview/recipients' && bodyOf(c.init).q === 'Vendor 2')).toBe(true),
    )
  })

  it('inserts a merge field with a default', async () => {
    server()
    renderApp('/dispatches/new')
    await screen.findByRole('heading', { level: 1, name: 'New dispatch' })
    fireEvent.click(screen.getByRole('checkbox', { name: 'Insert with a default' }))
    fireEvent.change(screen.getByLabelText('Default text'), { target: { value: 'unknown' } })
    fireEvent.click(await screen.findByRole('button', { name: '{{vendor.custom.region}}' }))
    expect((screen.getByLabelText(/^Message/) as HTMLTextAreaElement).value).toBe('{{vendor.custom.region | default: "unknown"}}')
    expect(screen.getByText(/Add a default for optional fields/)).toBeTruthy()
  })
})
