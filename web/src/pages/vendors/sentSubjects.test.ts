import { describe, expect, it } from 'vitest'
import type { ThreadEntry } from '../../api/schema.gen'
import { applySubjects } from './sentSubjects'

const entry = (over: Partial<ThreadEntry>): ThreadEntry => ({
  direction: 'sent',
  id: 'd1',
  at: '2026-01-01T00:00:00Z',
  subject: 'RFQ for {{vendor.name}}',
  address: 'ap@acme.example',
  status: 'sent',
  dispatch_id: 'x',
  ...over,
})

describe('applySubjects', () => {
  it('shows the subject the vendor received', () => {
    const out = applySubjects([entry({})], [{ delivery_id: 'd1', subject: 'RFQ for Acme' }])
    expect(out[0].subject).toBe('RFQ for Acme')
  })
  it('falls back to the template with fields by name, and leaves received mail alone', () => {
    const out = applySubjects(
      [entry({ id: 'd2' }), entry({ direction: 'received', id: 'm1', subject: 'Re: {{odd}}' })],
      [],
    )
    expect(out[0].subject).toBe('RFQ for ‹vendor.name›')
    expect(out[1].subject).toBe('Re: {{odd}}')
  })
})
