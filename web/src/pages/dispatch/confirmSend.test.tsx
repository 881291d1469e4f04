// The confirm step and compose helpers of issue 20: exclusions, quota, scheduling, merge warnings.
import { cleanup, fireEvent, render, screen } from '@testing-library/react'
import { afterEach, describe, expect, it, vi } from 'vitest'
import type { DispatchPreview } from '../../api/schema.gen'
import { ConfirmStep } from './ComposePage'
import { customMergeFields, CONTACT_ROLE_HELP, oversizedFile, REPLY_TO_HELP } from './composeForm'
import { exclusionsOf, summarizeConfirm } from './confirmSend'
import { progressText } from './progress'
import { usageOf } from './composeFixture'

const preview = (extra: Partial<DispatchPreview> = {}): DispatchPreview => ({
  to: 'ann@acme.test',
  subject: 'RFQ',
  html: '<p>x</p>',
  text: 'x',
  recipients_total: 30,
  excluded: { suppressed: 0, no_matching_contact: 0, inactive: 0 },
  missing_values: [],
  ...extra,
})
const usage = usageOf

afterEach(cleanup)

describe('summarizeConfirm', () => {
  it('refuses what the quota cannot carry and says what to do', () => {
    const s = summarizeConfirm({ subject: 'RFQ', preview: preview(), usage: usage(8), selection: '1 list' })
    expect(s.fits).toBe(false)
    expect(s.blocked).toMatch(/30 recipients but only 8 emails left/)
    expect(s.blocked).toMatch(/smaller list/)
    expect(s.blocked).toMatch(/next period/)
    expect(s.blocked).toMatch(/operator/)
  })
  it('lets a send that fits through, singular for one', () => {
    const s = summarizeConfirm({ subject: 'RFQ', preview: preview({ recipients_total: 1 }), usage: usage(1), selection: '1 vendor' })
    expect(s.fits).toBe(true)
    expect(s.blocked).toBeNull()
    expect(s.question).toBe('Send “RFQ” to 1 recipient?')
    expect(s.actionLabel).toBe('Confirm and send')
  })
  it('says Schedule with the time zone for a later send', () => {
    const s = summarizeConfirm({
      subject: 'RFQ',
      preview: preview({ recipients_total: 2 }),
      usage: usage(10),
      scheduledFor: '7 Dec 2026, 09:00 (Europe/Berlin)',
      selection: '',
    })
    expect(s.actionLabel).toBe('Schedule')
    expect(s.question).toContain('Europe/Berlin')
  })
  it('degrades without preview count or usage (older server)', () => {
    const s = summarizeConfirm({ subject: 'RFQ', preview: null, usage: undefined, selection: '2 lists' })
    expect(s.fits).toBe(true)
    expect(s.total).toBeNull()
    expect(s.remaining).toBeNull()
    expect(s.exclusions).toEqual([])
    expect(s.question).toBe('Send “RFQ” to 2 lists?')
  })
  it('counts and reserves only the addresses that will be mailed, not suppressed ones', () => {
    // 5 resolved, 1 suppressed: 4 are mailed, and 4 emails left are enough.
    const s = summarizeConfirm({
      subject: 'RFQ',
      preview: preview({ recipients_total: 5, excluded: { suppressed: 1, no_matching_contact: 0, inactive: 0 } }),
      usage: usage(4),
      selection: '',
    })
    expect(s.total).toBe(4)
    expect(s.fits).toBe(true)
    expect(s.question).toBe('Send “RFQ” to 4 recipients?')
    expect(s.exclusions.map((e) => e.label)).toEqual(['1 address on the suppression list'])
  })

  it('writes the merge fields of the subject by name, as the dispatch page does', () => {
    const s = summarizeConfirm({
      subject: 'RFQ for {{ vendor.name }} ({{vendor.custom.region | default: "all"}})',
      preview: preview({ recipients_total: 1 }),
      usage: usage(1),
      selection: '1 vendor',
    })
    expect(s.question).toBe('Send “RFQ for ‹vendor.name› (‹vendor.custom.region›)” to 1 recipient?')
  })
  it('refuses an empty recipient set', () => {
    const s = summarizeConfirm({ subject: 'RFQ', preview: preview({ recipients_total: 0 }), usage: usage(10), selection: '' })
    expect(s.fits).toBe(false)
    expect(s.blocked).toMatch(/No one/)
  })
})

describe('exclusionsOf', () => {
  it('lists only non-zero reasons, in words', () => {
    const ex = exclusionsOf(preview({ excluded: { suppressed: 3, no_matching_contact: 1, inactive: 0 } }))
    expect(ex.map((e) => e.label)).toEqual(['3 addresses on the suppression list', '1 vendor without a matching contact'])
  })
})

describe('ConfirmStep', () => {
  it('shows exclusions and quota, and offers no confirm when it does not fit', () => {
    const onConfirm = vi.fn()
    const onRecheck = vi.fn()
    const s = summarizeConfirm({
      subject: 'RFQ',
      preview: preview({ excluded: { suppressed: 2, no_matching_contact: 0, inactive: 1 } }),
      usage: usage(8),
      selection: '',
    })
    render(<ConfirmStep summary={s} onConfirm={onConfirm} onBack={() => {}} onRecheck={onRecheck} />)
    expect(screen.getByText('2 addresses on the suppression list')).toBeTruthy()
    expect(screen.getByText('1 inactive vendor or contact')).toBeTruthy()
    expect(screen.getByText('Quota: 8 emails left this period')).toBeTruthy()
    expect(screen.queryByRole('button', { name: 'Confirm and send' })).toBeNull()
    fireEvent.click(screen.getByRole('button', { name: 'Check again' }))
    expect(onRecheck).toHaveBeenCalled()
    expect(onConfirm).not.toHaveBeenCalled()
  })
  it('confirms a scheduled send with "Schedule"', () => {
    const onConfirm = vi.fn()
    const s = summarizeConfirm({ subject: 'RFQ', preview: preview({ recipients_total: 3 }), usage: usage(100), scheduledFor: 'soon (UTC)', selection: '' })
    render(<ConfirmStep summary={s} onConfirm={onConfirm} onBack={() => {}} onRecheck={() => {}} />)
    fireEvent.click(screen.getByRole('button', { name: 'Schedule' }))
    expect(onConfirm).toHaveBeenCalledOnce()
    expect(screen.getByText('No one left out.')).toBeTruthy()
  })
})

describe('compose helpers', () => {
  it('help texts state the recipient rule and where replies go', () => {
    expect(CONTACT_ROLE_HELP).toMatch(/primary contact/)
    expect(CONTACT_ROLE_HELP).toMatch(/earliest active contact/)
    expect(CONTACT_ROLE_HELP).toMatch(/“all”: every active contact/)
    expect(REPLY_TO_HELP).toMatch(/Inbox/)
  })
  it('offers chips for the custom fields in use', () => {
    expect(customMergeFields([{ custom_fields: { region: 'EU', 'bad key': 'x' } }, { custom_fields: { cost_center: '1' } }, {}])).toEqual([
      '{{vendor.custom.cost_center}}',
      '{{vendor.custom.region}}',
    ])
  })
  it('refuses an attachment over the plan limit before uploading', () => {
    expect(oversizedFile([{ name: 'big.pdf', size: 11 * 1024 * 1024 }], 10 * 1024 * 1024)).toMatch(/big\.pdf is .* at most/)
    expect(oversizedFile([{ name: 'ok.pdf', size: 10 }], 10 * 1024 * 1024)).toBeNull()
    expect(oversizedFile([{ name: 'any.pdf', size: 1e9 }], null)).toBeNull()
  })
  it('progress: singular, and a cancelled dispatch is not 100% done', () => {
    expect(progressText({ status: 'completed', counts: { sent: 1 } }, 1)).toBe('1 of 1 recipient done (100%)')
    const c = progressText({ status: 'cancelled', counts: { sent: 2, cancelled: 8 } }, 10)
    expect(c).not.toMatch(/100%/)
    expect(c).toMatch(/8 not sent/)
  })
})
