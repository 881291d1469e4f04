import { describe, expect, it } from 'vitest'
import type { InboxMessage } from '../api/schema.gen'
import { unreadLabel } from './Dashboard'
import { replySubject, sender } from './InboxPage'
import { authorName } from './TicketsPage'

describe('inbox and tickets helpers', () => {
  it('names the sender from the from object', () => {
    expect(sender({ from: { address: 'gina@globex.test', name: 'Gina' } })).toBe('Gina <gina@globex.test>')
    expect(sender({ from: { address: 'gina@globex.test', name: '' } })).toBe('gina@globex.test')
    expect(sender({ from: { address: '', name: '' } })).toBe('Unknown sender')
  })

  it('prefixes a reply subject once', () => {
    expect(replySubject('RFQ 12')).toBe('Re: RFQ 12')
    expect(replySubject('RE: RFQ 12')).toBe('RE: RFQ 12')
  })

  it('counts unread messages from one page', () => {
    expect(unreadLabel({ items: [], next_cursor: null })).toBe('0')
    expect(unreadLabel({ items: Array.from({ length: 3 }, () => ({}) as InboxMessage), next_cursor: null })).toBe('3')
    expect(unreadLabel({ items: Array.from({ length: 100 }, () => ({}) as InboxMessage), next_cursor: 'c' })).toBe('100+')
  })

  it('labels ticket authors by side', () => {
    expect(authorName({ author_side: 'platform', author: { name: 'Root', role: 'platform' } })).toBe('Root (Platform support)')
    expect(authorName({ author_side: 'tenant', author: { name: 'Ann', role: 'tenant' } })).toBe('Ann')
    expect(authorName({ author_side: 'platform', author: { name: '', role: 'platform' } })).toBe('Platform support')
  })
})
