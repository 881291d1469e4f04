// Vendor delete, bulk list membership and the list detail page against the list-member API.
import { cleanup, fireEvent, screen, within } from '@testing-library/react'
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { api } from '../../api/client'
import { bodyOf, installFetch, jsonRes, problemRes, renderApp } from '../../test/fakeServer'
import { listChanges } from './VendorFormPage'
import { bulkMessage, forEachId } from './vendorActions'

// Rendering the whole app is slow on a busy machine; these are not timing tests.
vi.setConfig({ testTimeout: 20_000 })
beforeEach(() => api.setAccessToken(null))
afterEach(() => {
  cleanup()
  vi.unstubAllGlobals()
})

const V1 = { id: 'v1', name: 'Contoso Steel', code: 'W1', status: 'active' }
const V2 = { id: 'v2', name: 'Fabrikam', code: 'W2', status: 'active' }
const LIST = { id: 'l1', name: 'EU suppliers', description: '', member_count: 1 }

describe('bulk helpers', () => {
  it('collects failures without stopping', async () => {
    const r = await forEachId(['a', 'b', 'c'], async (id) => {
      if (id === 'b') throw new Error('gone')
    })
    expect(r).toEqual({ done: 2, failed: [{ id: 'b', message: 'gone' }] })
    expect(bulkMessage(r, 'deleted')).toBe('2 of 3 vendors deleted; 1 failed: gone')
    expect(bulkMessage({ done: 1, failed: [] }, 'deleted')).toBe('1 vendor deleted.')
  })
  it('diffs list memberships', () => {
    expect(listChanges(['a', 'b'], ['b', 'c'])).toEqual({ join: ['c'], leave: ['a'] })
  })
})

describe('vendors page bulk actions', () => {
  it('adds the selected vendors to a list in one request, then deletes them after confirmation', async () => {
    const calls = installFetch({
      'GET /api/v1/vendors': () => jsonRes(200, { items: [V1, V2], next_cursor: null }),
      'GET /api/v1/lists': () => jsonRes(200, { items: [LIST], next_cursor: null }),
      'POST /api/v1/lists/l1/members': () => jsonRes(200, { ...LIST, member_count: 2 }),
      'DELETE /api/v1/vendors/v1': () => jsonRes(204, null),
      'DELETE /api/v1/vendors/v2': () => jsonRes(204, null),
      'GET /api/v1/usage': () => jsonRes(404, {}),
    })
    renderApp('/vendors')
    fireEvent.click(await screen.findByRole('checkbox', { name: 'Select Contoso Steel' }))
    fireEvent.click(screen.getByRole('checkbox', { name: 'Select Fabrikam' }))
    const bar = screen.getByRole('group', { name: 'Selected vendors' })
    await within(bar).findByRole('option', { name: 'EU suppliers' })
    fireEvent.change(within(bar).getByLabelText('List'), { target: { value: 'l1' } })
    fireEvent.click(within(bar).getByRole('button', { name: 'Add to list' }))
    expect(await screen.findByText('2 vendors added to “EU suppliers”.')).toBeTruthy()
    expect(bodyOf(calls.find((c) => c.key === 'POST /api/v1/lists/l1/members')!.init)).toEqual({ vendor_ids: ['v1', 'v2'] })

    fireEvent.click(screen.getByLabelText('Select all shown'))
    fireEvent.click(within(bar).getByRole('button', { name: 'Delete selected' }))
    fireEvent.click(within(bar).getByRole('button', { name: 'Yes, delete' }))
    expect(await screen.findByText('2 vendors deleted.')).toBeTruthy()
    expect(screen.queryByRole('link', { name: 'Contoso Steel' })).toBeNull()
    expect(calls.filter((c) => c.init.method === 'DELETE').map((c) => c.key)).toEqual(['DELETE /api/v1/vendors/v1', 'DELETE /api/v1/vendors/v2'])
  })
})

describe('list detail page', () => {
  it('shows members, removes one, adds one found by search', async () => {
    const calls = installFetch({
      'GET /api/v1/lists/l1': () => jsonRes(200, LIST),
      'GET /api/v1/vendors': (_i, url) =>
        url.searchParams.get('list') === 'l1'
          ? jsonRes(200, { items: [V1], next_cursor: null })
          : jsonRes(200, { items: url.searchParams.get('q') === 'fab' ? [V2] : [], next_cursor: null }),
      'DELETE /api/v1/lists/l1/members/v1': () => jsonRes(204, null),
      'POST /api/v1/lists/l1/members': () => jsonRes(200, LIST),
    })
    renderApp('/lists/l1')
    await screen.findByRole('heading', { level: 1, name: 'EU suppliers' })
    fireEvent.click(await screen.findByRole('button', { name: 'Remove Contoso Steel from the list' }))
    expect(await screen.findByText('No members yet. Add vendors with the search.')).toBeTruthy()
    fireEvent.change(screen.getByLabelText('Find vendor'), { target: { value: 'fab' } })
    fireEvent.click(await screen.findByRole('button', { name: 'Add Fabrikam' }))
    expect(await screen.findByRole('link', { name: 'Fabrikam' })).toBeTruthy()
    expect(bodyOf(calls.find((c) => c.key === 'POST /api/v1/lists/l1/members')!.init)).toEqual({ vendor_ids: ['v2'] })
  })
  it('a failed removal is said, and the member stays', async () => {
    installFetch({
      'GET /api/v1/lists/l1': () => jsonRes(200, LIST),
      'GET /api/v1/vendors': () => jsonRes(200, { items: [V1], next_cursor: null }),
      'DELETE /api/v1/lists/l1/members/v1': () => problemRes(409, 'Conflict', { detail: 'The list is in use by a running dispatch.' }),
    })
    renderApp('/lists/l1')
    fireEvent.click(await screen.findByRole('button', { name: 'Remove Contoso Steel from the list' }))
    expect(await screen.findByText(/in use by a running dispatch/)).toBeTruthy()
    expect(screen.getByRole('link', { name: 'Contoso Steel' })).toBeTruthy()
  })
})
