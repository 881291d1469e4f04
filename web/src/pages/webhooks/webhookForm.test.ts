import { describe, expect, it } from 'vitest'
import {
  canRedeliver,
  emptyWebhookDraft,
  toggleEvent,
  toWebhookInput,
  validateWebhook,
  type WebhookDraft,
} from './webhookForm'

const draft = (patch: Partial<WebhookDraft>): WebhookDraft => ({ ...emptyWebhookDraft(), ...patch })

describe('webhook form', () => {
  it('requires a URL and at least one event', () => {
    expect(validateWebhook(draft({}))).toEqual({ url: 'URL is required.', events: 'Choose at least one event.' })
    expect(validateWebhook(draft({ url: 'https://erp.example.com/hooks', events: ['delivery.sent'] }))).toEqual({})
  })

  it('wants a full web address on one line; the server judges https and the target', () => {
    const url = (u: string) => validateWebhook(draft({ url: u, events: ['inbox.received'] })).url
    expect(url('erp.example.com/hooks')).toBe('URL must be a full address starting with https://.')
    expect(url('ftp://erp.example.com/hooks')).toBe('URL must be a full address starting with https://.')
    expect(url('https://erp.example.com/a b')).toBe('URL must not contain spaces.')
    expect(url('https://erp.example.com/\r\nX: y')).toBe('URL must be a single line.')
    expect(url(`https://erp.example.com/${'a'.repeat(2000)}`)).toBe('URL must be at most 2000 characters.')
    // Plain http and private addresses are the server's call (the operator may allow them).
    expect(url('http://erp.example.com/hooks')).toBeUndefined()
    expect(url('https://10.0.0.5/hooks')).toBeUndefined()
  })

  it('keeps the description to one line of 200 characters', () => {
    const base = { url: 'https://erp.example.com/hooks', events: ['delivery.sent' as const] }
    expect(validateWebhook(draft({ ...base, description: 'a'.repeat(201) })).description).toBe(
      'Description must be at most 200 characters.',
    )
    expect(validateWebhook(draft({ ...base, description: 'ERP\nprod' })).description).toBe('Description must be a single line.')
  })

  it('toggles events and keeps them in display order', () => {
    let events = toggleEvent([], 'inbox.received', true)
    events = toggleEvent(events, 'delivery.sent', true)
    events = toggleEvent(events, 'delivery.sent', true)
    expect(events).toEqual(['delivery.sent', 'inbox.received'])
    expect(toggleEvent(events, 'delivery.sent', false)).toEqual(['inbox.received'])
  })

  it('builds the API body: trimmed URL, events in order, no empty description', () => {
    expect(toWebhookInput(draft({ url: ' https://erp.example.com/hooks ', events: ['dispatch.completed', 'delivery.failed'] }))).toEqual({
      url: 'https://erp.example.com/hooks',
      events: ['delivery.failed', 'dispatch.completed'],
    })
    expect(toWebhookInput(draft({ url: 'https://a.example.com/', events: ['delivery.sent'], description: ' ERP ' }))).toEqual({
      url: 'https://a.example.com/',
      events: ['delivery.sent'],
      description: 'ERP',
    })
  })
})

describe('redelivery', () => {
  it('is offered only for deliveries that are over', () => {
    expect(canRedeliver('delivered')).toBe(true)
    expect(canRedeliver('failed')).toBe(true)
    expect(canRedeliver('pending')).toBe(false)
    expect(canRedeliver('sending')).toBe(false)
    expect(canRedeliver('')).toBe(false)
    expect(canRedeliver(undefined)).toBe(false)
    expect(canRedeliver(null)).toBe(false)
    // A status this UI does not know is not offered.
    expect(canRedeliver('archived')).toBe(false)
  })
})
