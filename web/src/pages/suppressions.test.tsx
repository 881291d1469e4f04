// Suppressions: whole domains as "@domain", wildcards refused, the kind shown.
import { cleanup, fireEvent, screen, within } from '@testing-library/react'
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { api } from '../api/client'
import { bodyOf, installFetch, jsonRes, problemRes, renderApp } from '../test/fakeServer'
import { checkSuppressionAddress } from './suppressionRules'

// Rendering the whole app is slow on a busy machine; these are not timing tests.
vi.setConfig({ testTimeout: 20_000 })
beforeEach(() => api.setAccessToken(null))
afterEach(() => {
  cleanup()
  vi.unstubAllGlobals()
})

describe('suppression rules', () => {
  it('accepts an address or @domain, refuses wildcards', () => {
    expect(checkSuppressionAddress('AP3@Vendor3.Example.com')).toBeNull()
    expect(checkSuppressionAddress('@vendor5.example.com')).toBeNull()
    expect(checkSuppressionAddress('*@vendor5.example.com')).toMatch(/Wildcards/)
    expect(checkSuppressionAddress('@nodot')).toMatch(/@vendor\.example/)
    expect(checkSuppressionAddress('')).toMatch(/required/)
  })
})

describe('suppressions page', () => {
  it('adds a domain and lists it as a whole domain', async () => {
    const calls = installFetch({
      'GET /api/v1/suppressions': () => jsonRes(200, { items: [{ id: 's1', address: 'ap3@vendor3.example.com', reason: 'manual', kind: 'address' }], next_cursor: null }),
      'POST /api/v1/suppressions': (init) => jsonRes(201, { id: 's2', address: bodyOf(init).address, reason: 'manual', kind: 'domain' }),
    })
    renderApp('/suppressions')
    await screen.findByText('ap3@vendor3.example.com')
    fireEvent.change(screen.getByLabelText('Address'), { target: { value: '@vendor5.example.com' } })
    fireEvent.click(screen.getByRole('button', { name: 'Add to suppression list' }))
    const row = (await screen.findByText('@vendor5.example.com')).closest('tr')!
    expect(within(row).getByText('Whole domain')).toBeTruthy()
    expect(bodyOf(calls.find((c) => c.key === 'POST /api/v1/suppressions')!.init)).toMatchObject({ address: '@vendor5.example.com' })
  })
  it('refuses a wildcard before asking, and shows the server’s field error', async () => {
    const calls = installFetch({
      'GET /api/v1/suppressions': () => jsonRes(200, { items: [], next_cursor: null }),
      'POST /api/v1/suppressions': () =>
        problemRes(422, 'Unprocessable Content', { detail: 'Invalid input.', errors: [{ field: 'address', reason: 'is not an address or @domain' }] }),
    })
    renderApp('/suppressions')
    const field = await screen.findByLabelText('Address')
    fireEvent.change(field, { target: { value: '*@vendor5.example.com' } })
    fireEvent.click(screen.getByRole('button', { name: 'Add to suppression list' }))
    expect(await screen.findByText(/Wildcards are not supported/)).toBeTruthy()
    expect(calls.some((c) => c.key === 'POST /api/v1/suppressions')).toBe(false)
    fireEvent.change(field, { target: { value: '@xn--bad-.example' } })
    fireEvent.change(field, { target: { value: 'odd@vendor.example' } })
    fireEvent.click(screen.getByRole('button', { name: 'Add to suppression list' }))
    expect(await screen.findByText('is not an address or @domain')).toBeTruthy()
  })
})
