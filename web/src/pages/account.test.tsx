// Password change, the reset request and the reset page, against the documented API shapes.
import { cleanup, fireEvent, screen } from '@testing-library/react'
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { api } from '../api/client'
import { tokenFromSearch, validateChangePassword } from '../auth/passwordForms'
import { bodyOf, installFetch, jsonRes, problemRes, renderApp } from '../test/fakeServer'

// Rendering the whole app is slow on a busy machine; these are not timing tests.
vi.setConfig({ testTimeout: 20_000 })
beforeEach(() => api.setAccessToken(null))
afterEach(() => {
  cleanup()
  vi.unstubAllGlobals()
})

const type = (label: string, value: string) => fireEvent.change(screen.getByLabelText(label), { target: { value } })

describe('password rules', () => {
  it('needs the current password, a long enough new one, typed twice', () => {
    expect(validateChangePassword({ current: '', password: 'short', repeat: 'short' })).toMatchObject({
      current_password: expect.any(String),
      new_password: expect.stringMatching(/12/),
    })
    expect(validateChangePassword({ current: 'old-password-1', password: 'new-password-12', repeat: 'other' })).toEqual({
      repeat: 'The two passwords differ.',
    })
    expect(validateChangePassword({ current: 'old-password-1', password: 'new-password-12', repeat: 'new-password-12' })).toEqual({})
  })
  it('reads the token from the link', () => {
    expect(tokenFromSearch('?token=abc_DEF-123')).toBe('abc_DEF-123')
    expect(tokenFromSearch('')).toBe('')
  })
})

describe('account page', () => {
  it('changes the password with the current one', async () => {
    const calls = installFetch({ 'POST /api/v1/me/password': () => jsonRes(204, null) })
    renderApp('/account')
    await screen.findByRole('heading', { level: 1, name: 'Account' })
    type('Current password', 'Old-Passw0rd-123')
    type('New password', 'New-Passw0rd-456')
    type('Repeat new password', 'New-Passw0rd-456')
    fireEvent.click(screen.getByRole('button', { name: 'Change password' }))
    expect(await screen.findByText(/Password changed/)).toBeTruthy()
    const sent = calls.find((c) => c.key === 'POST /api/v1/me/password')
    expect(bodyOf(sent!.init)).toEqual({ current_password: 'Old-Passw0rd-123', new_password: 'New-Passw0rd-456' })
  })
  it('says plainly when the current password is wrong', async () => {
    installFetch({
      'POST /api/v1/me/password': () =>
        problemRes(422, 'Unprocessable Content', { errors: [{ field: 'current_password', reason: 'is not correct' }] }),
    })
    renderApp('/account')
    await screen.findByRole('heading', { level: 1, name: 'Account' })
    type('Current password', 'Wrong-Passw0rd-1')
    type('New password', 'New-Passw0rd-456')
    type('Repeat new password', 'New-Passw0rd-456')
    fireEvent.click(screen.getByRole('button', { name: 'Change password' }))
    expect(await screen.findByText('The current password is not correct.')).toBeTruthy()
  })
})

describe('password reset', () => {
  it('login page links to the request form, which always answers the same', async () => {
    const calls = installFetch({ 'POST /api/v1/auth/password-reset': () => jsonRes(202, {}) }, false)
    renderApp('/login')
    fireEvent.click(await screen.findByRole('link', { name: 'Forgot password?' }))
    await screen.findByRole('heading', { level: 1, name: 'Reset password' })
    type('Email', 'admin@acme.test')
    type('Workspace (tenant slug, optional)', 'acme')
    fireEvent.click(screen.getByRole('button', { name: 'Send reset link' }))
    expect(await screen.findByText(/If an account with that email exists/)).toBeTruthy()
    const sent = calls.find((c) => c.key === 'POST /api/v1/auth/password-reset')
    expect(bodyOf(sent!.init)).toEqual({ email: 'admin@acme.test', tenant: 'acme' })
  })
  it('sets a new password with the token from the URL; a used token is explained', async () => {
    let used = false
    const calls = installFetch(
      {
        'POST /api/v1/auth/password-reset/confirm': () => {
          if (used) return problemRes(400, 'Bad Request', { detail: 'token used' })
          used = true
          return jsonRes(204, null)
        },
      },
      false,
    )
    renderApp('/reset-password?token=tok_1234567890abcdefghij')
    await screen.findByRole('heading', { level: 1, name: 'Choose a new password' })
    type('New password', 'Reset-Passw0rd-3')
    type('Repeat new password', 'Reset-Passw0rd-3')
    fireEvent.click(screen.getByRole('button', { name: 'Set new password' }))
    expect(await screen.findByText(/Password set/)).toBeTruthy()
    expect(bodyOf(calls.find((c) => c.key === 'POST /api/v1/auth/password-reset/confirm')!.init)).toEqual({
      token: 'tok_1234567890abcdefghij',
      new_password: 'Reset-Passw0rd-3',
    })
    cleanup()
    renderApp('/reset-password?token=tok_1234567890abcdefghij')
    await screen.findByRole('heading', { level: 1, name: 'Choose a new password' })
    type('New password', 'Again-Passw0rd-4')
    type('Repeat new password', 'Again-Passw0rd-4')
    fireEvent.click(screen.getByRole('button', { name: 'Set new password' }))
    expect(await screen.findByText(/invalid, expired or already used/)).toBeTruthy()
  })
})
