// Import report totals and the undo call (DELETE /imports/{id}, then status `undone`).
import { afterEach, describe, expect, it, vi } from 'vitest'
import { api } from '../../api/client'
import { installFetch, jsonRes, problemRes } from '../../test/fakeServer'
import { errorTotal, undoImport } from './VendorImportPage'

afterEach(() => {
  vi.unstubAllGlobals()
  api.setAccessToken(null)
})

const report = { rows: 41300, vendors_created: 3, vendors_updated: 0, contacts_added: 0 }

describe('errorTotal', () => {
  it('uses the total, not the capped list', () => {
    const errors = Array.from({ length: 1000 }, (_, i) => ({ row: i + 2, field: 'email', reason: 'is not an email address' }))
    expect(errorTotal({ ...report, errors, error_count: 40300 })).toBe(40300)
  })
  it('falls back to the list on an older server', () => {
    expect(errorTotal({ ...report, errors: [{ row: 2, field: null, reason: 'x' }] })).toBe(1)
  })
})

describe('undoImport', () => {
  it('deletes, then waits for status undone', async () => {
    let polls = 0
    const calls = installFetch({
      'DELETE /api/v1/imports/i1': () => jsonRes(202, { id: 'i1', status: 'undoing' }),
      'GET /api/v1/imports/i1': () => jsonRes(200, { id: 'i1', status: ++polls < 3 ? 'undoing' : 'undone' }),
    })
    api.setAccessToken('a')
    await undoImport('i1', async () => {})
    expect(calls.map((c) => c.key)).toEqual(['DELETE /api/v1/imports/i1', 'GET /api/v1/imports/i1', 'GET /api/v1/imports/i1', 'GET /api/v1/imports/i1'])
  })
  it('reports a refusal (e.g. past the retention window)', async () => {
    installFetch({ 'DELETE /api/v1/imports/i1': () => problemRes(409, 'Conflict', { detail: 'This import is too old to undo.' }) })
    api.setAccessToken('a')
    await expect(undoImport('i1', async () => {})).rejects.toThrow(/too old to undo/)
  })
})
