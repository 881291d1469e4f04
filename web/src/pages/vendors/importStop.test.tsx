// An import the server stopped early (most rows refused): the page says so plainly, with the
// server's reason and what was created, and offers the undo.
import { cleanup, fireEvent, screen } from '@testing-library/react'
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { api } from '../../api/client'
import { installFetch, jsonRes, renderApp } from '../../test/fakeServer'
import { stoppedMessage } from './VendorImportPage'

vi.setConfig({ testTimeout: 20_000 })
beforeEach(() => api.setAccessToken(null))
afterEach(() => {
  cleanup()
  vi.unstubAllGlobals()
})

const REASON =
  'Stopped after 200 rows: 180 of them (90%) were refused, more than the 80% an import may refuse once it has read 200 rows. Nothing after that was imported. Most common problem: "email: not a valid email address" (180 rows).'
const STOPPED = {
  rows: 200,
  vendors_created: 20,
  vendors_updated: 0,
  contacts_added: 20,
  errors: [{ row: 3, field: 'email', reason: 'not a valid email address' }],
  error_count: 180,
  stop_reason: REASON,
}

describe('stoppedMessage', () => {
  it('says what happened, why, what was created and what to do', () => {
    const m = stoppedMessage(STOPPED)!
    expect(m.title).toBe('The import stopped early because most rows were refused. The rest of the file was not imported.')
    expect(m.detail).toBe(REASON)
    expect(m.next).toBe(
      'Before it stopped it created 20 vendors, added 20 contacts. Check the file and the column mapping, then use “Undo import” to remove what it created and try again.',
    )
  })
  it('says when nothing was created', () => {
    expect(stoppedMessage({ ...STOPPED, vendors_created: 0, contacts_added: 0 })!.next).toBe(
      'Nothing was created or changed. Check the file and the column mapping, then try again.',
    )
  })
  it('is silent for a completed import', () => {
    expect(stoppedMessage({ ...STOPPED, stop_reason: null })).toBeNull()
  })
})

describe('import page', () => {
  it('shows a background import that stopped, and undoes it', async () => {
    let undone = false
    const calls = installFetch({
      'POST /api/v1/vendors/import': () => jsonRes(202, { id: 'i1', status: 'running', bytes_total: 5000 }),
      'GET /api/v1/imports/i1': () =>
        jsonRes(200, {
          id: 'i1',
          status: undone ? 'undone' : 'stopped',
          rows_processed: 200,
          bytes_processed: 4000,
          bytes_total: 5000,
          error: null,
          report: STOPPED,
          ...STOPPED,
        }),
      'DELETE /api/v1/imports/i1': () => {
        undone = true
        return jsonRes(202, { id: 'i1', status: 'undone' })
      },
      'GET /api/v1/usage': () => jsonRes(404, {}),
    })
    renderApp('/vendors/import')
    const input = await screen.findByLabelText('CSV file')
    fireEvent.change(input, { target: { files: [new File(['code,name,email\nJ1,Junk,lorem\n'], 'junk.csv', { type: 'text/csv' })] } })
    fireEvent.click(screen.getByRole('button', { name: 'Import' }))

    expect(await screen.findByText('The import stopped early because most rows were refused. The rest of the file was not imported.')).toBeTruthy()
    expect(screen.getByText(REASON)).toBeTruthy()
    expect(screen.getByText('stopped early')).toBeTruthy()
    // Polling ended with the stop.
    const polls = calls.filter((c) => c.key === 'GET /api/v1/imports/i1').length
    expect(polls).toBe(1)

    fireEvent.click(screen.getByRole('button', { name: 'Undo import' }))
    fireEvent.click(screen.getByRole('button', { name: 'Yes, undo' }))
    expect(await screen.findByText(/Import undone/)).toBeTruthy()
    expect(calls.some((c) => c.key === 'DELETE /api/v1/imports/i1')).toBe(true)
  })
})
