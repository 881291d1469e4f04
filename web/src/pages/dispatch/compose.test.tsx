// Compose against the preview, usage and test-send endpoints: the confirm step's exclusions and
// quota, the missing-value warning, custom field chips and the test send to the signed-in user.
import { cleanup, fireEvent, screen, waitFor, within } from '@testing-library/react'
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { api } from '../../api/client'
import { bodyOf, installFetch, jsonRes, renderApp, type Handler } from '../../test/fakeServer'
import { composeRoutes, fillDraft as fillComposeDraft, previewAnswer } from './composeFixture'

beforeEach(() => api.setAccessToken(null))
afterEach(() => {
  cleanup()
  vi.unstubAllGlobals()
})

const VENDOR = { id: 'v1', name: 'Contoso Steel', code: 'W1', status: 'active', custom_fields: { region: 'EU' } }
function server(remaining: number, extra: Record<string, Handler> = {}) {
  return installFetch({
    ...composeRoutes({
      remaining,
      members: 30,
      vendors: [VENDOR],
      preview: previewAnswer(30, 4, { suppressed: 3, no_matching_contact: 2, inactive: 0 }),
    }),
    ...extra,
  })
}

const fillDraft = () => fillComposeDraft(30)

describe('compose', { timeout: 20_000 }, () => {
  it('offers custom field chips and warns about missing merge values', async () => {
    server(100)
    renderApp('/dispatches/new')
    await fillDraft()
    expect(await screen.findByRole('button', { name: '{{vendor.custom.region}}' })).toBeTruthy()
    fireEvent.click(screen.getByRole('button', { name: 'Preview' }))
    const missing = await screen.findByRole('list', { name: 'Missing merge values' })
    expect(missing.textContent).toContain('{{vendor.custom.region}}: 4 recipients lack a value')
  })

  it('the confirm step shows exclusions and refuses what the quota cannot carry', async () => {
    const calls = server(8)
    renderApp('/dispatches/new')
    await fillDraft()
    fireEvent.click(screen.getByRole('button', { name: 'Preview' }))
    await screen.findByRole('list', { name: 'Missing merge values' })
    fireEvent.click(screen.getByRole('button', { name: 'Send' }))
    const dialog = await screen.findByRole('alertdialog')
    // 30 resolved, 3 of them suppressed: 27 are mailed
    expect(within(dialog).getByText('Recipients: 27 recipients')).toBeTruthy()
    expect(within(dialog).getByText('3 addresses on the suppression list')).toBeTruthy()
    expect(within(dialog).getByText('2 vendors without a matching contact')).toBeTruthy()
    expect(within(dialog).getByText(/only 8 emails left this period/)).toBeTruthy()
    expect(within(dialog).queryByRole('button', { name: 'Confirm and send' })).toBeNull()
    expect(calls.some((c) => c.key === 'POST /api/v1/dispatches')).toBe(false)
  })

  it('sends a test to the signed-in user with the draft', async () => {
    const calls = server(100, { 'POST /api/v1/dispatches/test': () => jsonRes(202, { id: 'd1', subject: 'RFQ', status: 'queued', recipients_total: 1, counts: {} }) })
    renderApp('/dispatches/new')
    await fillDraft()
    fireEvent.click(screen.getByRole('button', { name: 'Send test to admin@acme.test' }))
    expect(await screen.findByText('Test message sent to admin@acme.test.')).toBeTruthy()
    const sent = bodyOf(calls.find((c) => c.key === 'POST /api/v1/dispatches/test')!.init)
    expect(sent).toMatchObject({ to: 'admin@acme.test', subject: 'RFQ', recipients: { list_ids: ['l1'], vendor_ids: [], contact_role: null } })
    // the usage meters reload after a send
    await waitFor(() => expect(calls.filter((c) => c.key === 'GET /api/v1/usage').length).toBeGreaterThan(2))
  })
})
