// Every page must render without an uncaught exception or unhandled rejection even when its
// endpoints answer 404/405 problems, showing an error state instead.
import { cleanup, configure, render, screen } from '@testing-library/react'
import { afterEach, describe, expect, it, vi } from 'vitest'
import { MemoryRouter } from 'react-router-dom'
import { api } from '../api/client'
import { AppRoutes } from '../App'
import { AuthProvider } from '../auth/AuthContext'

// Some pages load lazily; on a busy machine their chunk may take more than the default second.
configure({ asyncUtilTimeout: 10_000 })

const json = (status: number, body: unknown, type = 'application/json') =>
  new Response(JSON.stringify(body), { status, headers: { 'Content-Type': type } })

function earlyServer(role: string, missingStatus: 404 | 405) {
  const fn = vi.fn(async (input: RequestInfo | URL, init: RequestInit = {}) => {
    const path = new URL(String(input), 'http://localhost').pathname
    const method = init.method ?? 'GET'
    if (method === 'POST' && path === '/api/v1/auth/refresh') return json(200, { access_token: 'tok', expires_in: 900 })
    if (method === 'GET' && path === '/api/v1/me')
      return json(200, {
        user: { id: 'u', email: 'u@acme.test', name: 'U', role },
        tenant: role === 'super_admin' ? null : { id: 't', name: 'Acme', slug: 'acme', status: 'active' },
        plan: null,
      })
    return json(
      missingStatus,
      { type: 'about:blank', title: missingStatus === 404 ? 'Not Found' : 'Method Not Allowed', status: missingStatus, request_id: 'r' },
      'application/problem+json',
    )
  })
  vi.stubGlobal('fetch', fn)
  return fn
}

const TENANT_PAGES: [string, string][] = [
  ['/dashboard', 'Dashboard'],
  ['/vendors', 'Vendors'],
  ['/vendors/new', 'New vendor'],
  ['/vendors/import', 'Import vendors'],
  ['/vendors/123', 'Vendor'],
  ['/vendors/123/edit', 'Edit vendor'],
  ['/lists', 'Lists'],
  ['/lists/123', 'List'],
  ['/account', 'Account'],
  ['/suppressions', 'Suppressions'],
  ['/dispatches/new', 'New dispatch'],
  ['/dispatches', 'Sent'],
  ['/dispatches/123', 'Dispatch'],
  ['/inbox', 'Inbox'],
  ['/inbox/123', 'Message'],
  ['/tickets', 'Tickets'],
  ['/tickets/123', 'Ticket'],
  ['/settings', 'Settings'],
  ['/settings/webhooks', 'Webhooks'],
  ['/settings/webhooks/123', 'Webhook'],
  ['/settings/domains', 'Sending domains'],
  ['/settings/domains/123', 'Sending domain'],
  ['/no/such/page', 'Page not found'],
]

const ADMIN_PAGES: [string, string][] = [
  ['/admin', 'Overview'],
  ['/admin/tenants', 'Tenants'],
  ['/admin/tenants/123', 'Tenant'],
  ['/admin/domains', 'Sending domains'],
  ['/admin/plans', 'Plans'],
  ['/admin/invoices', 'Invoices'],
  ['/admin/tickets', 'Ticket queue'],
  ['/admin/tickets/9', 'Ticket'],
  ['/admin/audit', 'Audit log'],
]

afterEach(() => {
  cleanup()
  vi.unstubAllGlobals()
  api.setAccessToken(null)
})

async function renderAt(path: string, heading: string) {
  const errors = vi.spyOn(console, 'error')
  const uncaught: unknown[] = []
  const onError = (e: ErrorEvent) => uncaught.push(e.error ?? e.message)
  window.addEventListener('error', onError)
  render(
    <MemoryRouter initialEntries={[path]}>
      <AuthProvider>
        <AppRoutes />
      </AuthProvider>
    </MemoryRouter>,
  )
  expect(await screen.findByRole('heading', { level: 1, name: heading })).toBeTruthy()
  // let pending requests settle and their error states render
  await new Promise((r) => setTimeout(r, 50))
  window.removeEventListener('error', onError)
  expect(uncaught).toEqual([])
  expect(errors).not.toHaveBeenCalled()
  // still mounted (an uncaught render error would have unmounted the tree)
  expect(screen.getByRole('heading', { level: 1, name: heading })).toBeTruthy()
}

describe.each([404, 405] as const)('pages against a server answering %i', (status) => {
  it.each(TENANT_PAGES)('tenant admin: %s renders', async (path, heading) => {
    earlyServer('tenant_admin', status)
    await renderAt(path, heading)
  })
  it.each(ADMIN_PAGES)('super admin: %s renders', async (path, heading) => {
    earlyServer('super_admin', status)
    await renderAt(path, heading)
  })
})
