// The unread count beside "Inbox": read from the inbox, kept out of the link's name, updated when
// a message is opened (and so marked read).
import { cleanup, fireEvent, screen, waitFor, within } from '@testing-library/react'
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { api } from '../api/client'
import { unreadLabel } from '../lib/unreadInbox'
import { installFetch, jsonRes, renderApp } from '../test/fakeServer'

vi.setConfig({ testTimeout: 20_000 })
beforeEach(() => api.setAccessToken(null))
afterEach(() => {
  cleanup()
  vi.unstubAllGlobals()
})

const message = (id: string, read = false) => ({
  id,
  kind: 'reply',
  vendor_id: null,
  vendor_name: null,
  dispatch_id: null,
  from: { address: `${id}@vendor.example` },
  subject: `Re: ${id}`,
  read,
  received_at: '2026-05-01T10:00:00Z',
})

describe('inbox unread badge', () => {
  it('counts up to 99, then says 99+', () => {
    expect(unreadLabel(0, false)).toBeNull()
    expect(unreadLabel(3, false)).toBe('3')
    expect(unreadLabel(100, true)).toBe('99+')
  })

  it('shows the unread count beside Inbox and lowers it when a message is opened', async () => {
    const read = new Set<string>()
    const all = ['m1', 'm2', 'm3']
    const calls = installFetch({
      'GET /api/v1/inbox': (_init, url) => {
        const unread = url.searchParams.get('unread') === 'true'
        const items = all.filter((id) => !unread || !read.has(id)).map((id) => message(id, read.has(id)))
        return jsonRes(200, { items, next_cursor: null })
      },
      'GET /api/v1/inbox/m1': () => jsonRes(200, { ...message('m1'), text: 'Thanks, quote attached.' }),
      'PATCH /api/v1/inbox/m1': () => {
        read.add('m1')
        return jsonRes(200, { ...message('m1', true), text: 'Thanks, quote attached.' })
      },
    })
    renderApp('/inbox')
    const nav = await screen.findByRole('navigation', { name: 'Main' })
    const link = within(nav).getByRole('link', { name: 'Inbox' }) // the badge is not part of the name
    expect(link.textContent).toBe('Inbox')
    await waitFor(() => expect(within(nav).getByTestId('inbox-unread').textContent).toBe('3 unread'))
    expect(link.getAttribute('aria-describedby')).toBe(within(nav).getByTestId('inbox-unread').id)

    // Opening a message marks it read; the badge follows at once (navigation alone would wait 15 s).
    fireEvent.click(await screen.findByRole('link', { name: /Re: m1/ }))
    await screen.findByText('Thanks, quote attached.')
    await waitFor(() => expect(within(nav).getByTestId('inbox-unread').textContent).toBe('2 unread'))
    expect(calls.some((c) => c.key === 'PATCH /api/v1/inbox/m1')).toBe(true)
  })
})
