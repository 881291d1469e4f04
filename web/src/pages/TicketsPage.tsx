import { useState, type FormEvent } from 'react'
import { Link, useParams } from 'react-router-dom'
import { api } from '../api/client'
import type { Ticket, TicketCategory, TicketMessage, TicketPriority } from '../api/schema.gen'
import {
  Button,
  Empty,
  ErrorState,
  FormError,
  Loading,
  Notice,
  PagedTable,
  PageHeader,
  Section,
  SelectField,
  StatusBadge,
  TextAreaField,
  TextField,
} from '../components/ui'
import { displayValue, formatDate } from '../lib/format'
import { useAction, usePaged, useResource } from '../lib/hooks'
import { hasErrors, validate, type FieldErrors } from '../lib/validation'

/** Tenant tickets (apiBase "/tickets", routes under /tickets) or the super-admin queue ("/admin/tickets"). */
export function TicketsPage({ admin = false }: { admin?: boolean }) {
  const base = admin ? '/admin/tickets' : '/tickets'
  const tickets = usePaged<Ticket>((cursor, signal) => api.list<Ticket>(base, { limit: 50, cursor }, signal), [base])
  return (
    <div className="page">
      <PageHeader title={admin ? 'Ticket queue' : 'Tickets'}>
        {admin ? 'Support tickets from all tenants.' : 'Ask the platform team for help.'}
      </PageHeader>
      <div className={admin ? undefined : 'split'}>
        <div>
          <PagedTable
            list={tickets}
            what="tickets"
            empty="No tickets."
            caption="Tickets"
            rowKey={(t) => t.id}
            columns={[
              { header: 'Subject', cell: (t) => <Link to={`${base}/${t.id}`}>{t.subject || '(no subject)'}</Link> },
              ...(admin ? [{ header: 'Tenant', cell: (t: Ticket) => displayValue(t.tenant) }] : []),
              { header: 'Status', cell: (t) => <StatusBadge status={t.status} /> },
              { header: 'Priority', cell: (t) => t.priority ?? '—' },
              { header: 'Messages', className: 'num', cell: (t) => t.message_count ?? '—' },
              { header: 'Updated', cell: (t) => formatDate(t.updated_at ?? t.created_at) },
            ]}
          />
        </div>
        {admin ? null : <NewTicket onCreated={(t) => tickets.setItems((items) => [t, ...items])} />}
      </div>
    </div>
  )
}

const CATEGORIES: TicketCategory[] = ['general', 'billing', 'technical', 'deliverability', 'account']
const PRIORITIES: TicketPriority[] = ['low', 'normal', 'high', 'urgent']

function NewTicket({ onCreated }: { onCreated: (t: Ticket) => void }) {
  const [subject, setSubject] = useState('')
  const [body, setBody] = useState('')
  const [category, setCategory] = useState<TicketCategory>('general')
  const [priority, setPriority] = useState<TicketPriority>('normal')
  const [errors, setErrors] = useState<FieldErrors>({})
  const [done, setDone] = useState(false)
  const create = useAction()
  const onSubmit = async (e: FormEvent) => {
    e.preventDefault()
    const v = validate({ subject, body }, {
      subject: { label: 'Subject', required: true, singleLine: true, maxLength: 200 },
      body: { label: 'Description', required: true, maxLength: 20000 },
    })
    setErrors(v)
    setDone(false)
    if (hasErrors(v)) return
    const t = await create.run(() => api.post<Ticket>('/tickets', { subject: subject.trim(), body, category, priority }))
    if (t) {
      setSubject('')
      setBody('')
      setDone(true)
      onCreated(t)
    }
  }
  return (
    <Section title="New ticket">
      <form className="form" onSubmit={(e) => void onSubmit(e)} noValidate>
        <FormError error={create.error} />
        {done ? <Notice kind="success">Ticket sent. We will answer here.</Notice> : null}
        <TextField label="Subject" name="subject" required value={subject} onChange={(e) => setSubject(e.target.value)} error={errors.subject} />
        <SelectField
          label="Category"
          name="category"
          value={category}
          onChange={(e) => setCategory(e.target.value as TicketCategory)}
          options={CATEGORIES.map((c) => ({ value: c, label: c }))}
        />
        <SelectField
          label="Priority"
          name="priority"
          value={priority}
          onChange={(e) => setPriority(e.target.value as TicketPriority)}
          options={PRIORITIES.map((c) => ({ value: c, label: c }))}
        />
        <TextAreaField label="Description" name="body" required rows={6} value={body} onChange={(e) => setBody(e.target.value)} error={errors.body} />
        <Button type="submit" variant="primary" busy={create.pending}>
          Open ticket
        </Button>
      </form>
    </Section>
  )
}

export function authorName(m: Pick<TicketMessage, 'author' | 'author_side'>): string {
  const side = m.author_side === 'platform' ? 'Platform support' : ''
  const name = m.author.name
  if (side && name && name !== side) return `${name} (${side})`
  return name || side || 'Unknown'
}

const TICKET_STATUSES = ['open', 'pending', 'resolved', 'closed'] as const

export function TicketDetailPage({ admin = false }: { admin?: boolean }) {
  const { id = '' } = useParams()
  const base = admin ? '/admin/tickets' : '/tickets'
  const ticket = useResource((signal) => api.get<Ticket>(`${base}/${encodeURIComponent(id)}`, undefined, signal), [base, id])
  const [reply, setReply] = useState('')
  const [error, setError] = useState<string | null>(null)
  const send = useAction()

  const onSubmit = async (e: FormEvent) => {
    e.preventDefault()
    if (!reply.trim()) {
      setError('Write a message first.')
      return
    }
    setError(null)
    const ok = await send.run(async () => {
      await api.post<TicketMessage>(`${base}/${encodeURIComponent(id)}/messages`, { body: reply })
      return true
    })
    if (ok) {
      setReply('')
      ticket.reload()
    }
  }

  const status = useAction()
  const setStatus = (next: string) =>
    void status.run(async () => {
      if (admin) await api.patch<Ticket>(`${base}/${encodeURIComponent(id)}`, { status: next })
      else await api.post<Ticket>(`${base}/${encodeURIComponent(id)}/close`, {})
      ticket.reload()
    })

  if (ticket.loading && !ticket.data) return <Loading />
  if (ticket.error || !ticket.data)
    return (
      <div className="page">
        <PageHeader title="Ticket" actions={<Link to={base}>All tickets</Link>} />
        <ErrorState error={ticket.error ?? new Error('Empty answer')} what="this ticket" onRetry={ticket.reload} />
      </div>
    )
  const t = ticket.data
  const messages: TicketMessage[] = t.messages ?? []
  const closed = t.status === 'closed'
  return (
    <div className="page">
      <PageHeader title={t.subject || '(no subject)'} actions={<Link to={base}>All tickets</Link>}>
        <StatusBadge status={t.status} /> {admin && t.tenant ? <span className="muted">{displayValue(t.tenant)}</span> : null}
        {t.category ? <span className="muted"> · {t.category}</span> : null}
        {t.priority ? <span className="muted"> · priority {t.priority}</span> : null}
      </PageHeader>
      <FormError error={status.error} />
      {admin ? (
        <div className="filters">
          <SelectField
            label="Status"
            value={t.status}
            fieldClassName="field-inline"
            onChange={(e) => setStatus(e.target.value)}
            options={TICKET_STATUSES.map((s) => ({ value: s, label: s }))}
          />
        </div>
      ) : !closed ? (
        <div className="filters">
          <Button small onClick={() => setStatus('closed')} busy={status.pending}>
            Close ticket
          </Button>
        </div>
      ) : null}
      <Section title="Conversation">
        {messages.length ? (
          <ol className="conversation">
            {messages.map((m, i) => (
              <li key={m.id ?? i} className={m.author_side === 'platform' ? 'from-platform' : undefined}>
                <p className="conversation-meta">
                  <strong>{authorName(m)}</strong> · {formatDate(m.created_at)}
                </p>
                <p className="pre-wrap">{m.body}</p>
              </li>
            ))}
          </ol>
        ) : (
          <Empty>No messages yet.</Empty>
        )}
        <form className="form" onSubmit={(e) => void onSubmit(e)} noValidate>
          <FormError error={send.error} />
          <TextAreaField label="Reply" name="reply" rows={4} value={reply} onChange={(e) => setReply(e.target.value)} error={error} />
          <Button type="submit" variant="primary" busy={send.pending}>
            Send reply
          </Button>
        </form>
      </Section>
    </div>
  )
}
