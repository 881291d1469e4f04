import { describe, expect, it } from 'vitest'
import { describeContactRole, excludedText, insertAt, toDispatchInput, validateCompose, vendorCodeFromFilename } from './composeForm'
import { deliveryReason, doneCount } from './progress'

const base = { subject: 'RFQ 2025', body: 'Hello {{vendor.name}}', listIds: ['l1'], vendorIds: [], contactRole: '' }

describe('compose form', () => {
  it('needs subject, body and at least one recipient source', () => {
    expect(validateCompose({ ...base, subject: '', body: ' ', listIds: [] })).toEqual({
      subject: 'Subject is required.',
      body_markdown: 'Message is required.',
      recipients: 'Choose at least one list or vendor.',
    })
    expect(validateCompose(base)).toEqual({})
  })

  it('refuses CR/LF in the subject', () => {
    expect(validateCompose({ ...base, subject: 'Hi\nBcc: a@b.c' }).subject).toBe('Subject must be a single line.')
  })

  it('builds the dispatch body with a null contact role when empty', () => {
    expect(toDispatchInput({ ...base, vendorIds: ['v1'], subject: ' RFQ ' })).toEqual({
      subject: 'RFQ',
      body_markdown: 'Hello {{vendor.name}}',
      recipients: { list_ids: ['l1'], vendor_ids: ['v1'], contact_role: null },
    })
    expect(toDispatchInput({ ...base, contactRole: ' billing ' }).recipients.contact_role).toBe('billing')
  })

  it('describes the contact role as the server applies it', () => {
    expect(describeContactRole(' ')).toBe('each vendor’s primary contact')
    expect(describeContactRole('all')).toBe('every contact of each vendor')
    expect(describeContactRole(' ops ')).toBe('each vendor’s contacts with the role “ops”')
  })

  it('says what the preview excludes', () => {
    const preview = { subject: '', html: '', text: '', recipients_total: 4 }
    expect(excludedText(null)).toBe('')
    expect(excludedText({ ...preview, excluded: { suppressed: 0, no_matching_contact: 0, inactive: 0 } })).toBe('')
    expect(excludedText({ ...preview, excluded: { suppressed: 3, no_matching_contact: 1, inactive: 2 } })).toBe(
      ' Not mailed: 3 suppressed addresses, 1 vendor without a matching contact, 2 inactive vendors.',
    )
  })

  it('inserts merge fields at the caret', () => {
    expect(insertAt('Dear ,', 5, 5, '{{vendor.name}}')).toEqual({ value: 'Dear {{vendor.name}},', caret: 20 })
    expect(insertAt('abc', 1, 2, 'X')).toEqual({ value: 'aXc', caret: 2 })
  })
})

describe('dispatch progress', () => {
  it('counts terminal states only', () => {
    expect(doneCount({ queued: 5, sending: 1, sent: 10, failed: 1, bounced: 2, suppressed: 3, cancelled: 4, deferred: 7 })).toBe(20)
    expect(doneCount(undefined)).toBe(0)
  })
  it('explains failures in plain language', () => {
    expect(deliveryReason('bounced', '550 5.1.1 user unknown')).toBe(
      'The recipient’s mail server reported the address as undeliverable: 550 5.1.1 user unknown',
    )
    expect(deliveryReason('sent')).toBe('')
  })
})

describe('compose attachments', () => {
  it('reads the vendor code from a per-recipient file name the way the server does', () => {
    expect(vendorCodeFromFilename('ACME_statement.pdf')).toBe('ACME')
    expect(vendorCodeFromFilename('GLX.pdf')).toBe('GLX')
    expect(vendorCodeFromFilename('V-7 march.pdf')).toBe('V-7')
    expect(vendorCodeFromFilename('_x.pdf')).toBe('')
  })

  it('sends shared and per-recipient attachments and the reply-to', () => {
    const input = toDispatchInput({
      ...base,
      replyTo: ' buyer@acme.test ',
      attachments: [{ id: 'a1', filename: 'terms.pdf', size: 10, vendorCode: '' }],
      recipientAttachments: [{ id: 'a2', filename: 'GLX_po.pdf', size: 10, vendorCode: 'GLX ' }],
    })
    expect(input.reply_to).toBe('buyer@acme.test')
    expect(input.attachment_ids).toEqual(['a1'])
    expect(input.recipient_attachments).toEqual([{ attachment_id: 'a2', vendor_code: 'GLX' }])
    expect(toDispatchInput(base)).not.toHaveProperty('recipient_attachments')
  })

  it('needs a vendor code for every per-recipient file and a valid reply-to', () => {
    const errors = validateCompose({
      ...base,
      replyTo: 'not an address',
      recipientAttachments: [{ id: 'a2', filename: 'po.pdf', size: 1, vendorCode: ' ' }],
    })
    expect(errors.recipient_attachments).toBe('Give the vendor code for po.pdf.')
    expect(errors.reply_to).toBeTruthy()
  })
})

describe('compose sender and schedule', () => {
  it('sends the chosen sender identity and the schedule as an ISO instant', () => {
    const input = toDispatchInput({ ...base, senderIdentityId: 's1', sendAt: '2030-01-02T09:30' })
    expect(input.sender_identity_id).toBe('s1')
    expect(input.send_at).toBe(new Date('2030-01-02T09:30').toISOString())
    expect(toDispatchInput(base)).not.toHaveProperty('send_at')
  })

  it('refuses a schedule that is not a date', () => {
    expect(validateCompose({ ...base, sendAt: 'tomorrow-ish' }).send_at).toBe('Send at is not a valid date and time.')
  })
})
