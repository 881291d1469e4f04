import { useState, type FormEvent } from 'react'
import { api, ApiError, errorMessage } from '../api/client'
import type { Suppression, SuppressionReason } from '../api/schema.gen'
import {
  Button,
  DataTable,
  Empty,
  ErrorState,
  FormError,
  LoadMore,
  Loading,
  Notice,
  PageHeader,
  Section,
  SelectField,
  TextField,
} from '../components/ui'
import { ConfirmButton } from '../components/ConfirmButton'
import { formatDate } from '../lib/format'
import { useAction, useDebounced, usePaged } from '../lib/hooks'
import { hasErrors, type FieldErrors } from '../lib/validation'
import { checkSuppressionAddress } from './suppressionRules'

const REASONS: { value: SuppressionReason; label: string }[] = [
  { value: 'manual', label: 'Manual' },
  { value: 'unsubscribe', label: 'Unsubscribe (vendor asked)' },
  { value: 'bounce', label: 'Bounce' },
  { value: 'complaint', label: 'Complaint' },
]

export function SuppressionsPage() {
  const [q, setQ] = useState('')
  const query = useDebounced(q.trim(), 300)
  const list = usePaged<Suppression>(
    (cursor, signal) => api.list<Suppression>('/suppressions', { q: query, limit: 50, cursor }, signal),
    [query],
  )
  const [address, setAddress] = useState('')
  const [reason, setReason] = useState<SuppressionReason>('manual')
  const [errors, setErrors] = useState<FieldErrors>({})
  const add = useAction()
  const remove = useAction()

  const onSubmit = async (e: FormEvent) => {
    e.preventDefault()
    const problem = checkSuppressionAddress(address)
    const v: FieldErrors = problem ? { address: problem } : {}
    setErrors(v)
    if (hasErrors(v)) return
    const created = await add.run(() => api.post<Suppression>('/suppressions', { address: address.trim(), reason }))
    if (created) {
      setAddress('')
      list.setItems((items) => [created, ...items.filter((s) => s.address !== created.address)])
    }
  }

  const onRemove = (s: Suppression) => {
    void remove.run(async () => {
      await api.del(`/suppressions/${encodeURIComponent(s.id ?? s.address)}`)
      list.setItems((items) => items.filter((x) => x !== s))
    })
  }

  return (
    <div className="page">
      <PageHeader title="Suppressions">Addresses on this list are never mailed, whatever list or dispatch they are in.</PageHeader>
      <div className="split">
        <div>
          <form className="filters" role="search" onSubmit={(e) => e.preventDefault()}>
            <TextField label="Search addresses" type="search" name="q" value={q} onChange={(e) => setQ(e.target.value)} />
          </form>
          {remove.error ? <Notice kind="error">Could not remove: {errorMessage(remove.error)}</Notice> : null}
          {list.loading ? (
            <Loading />
          ) : list.error && !list.items.length ? (
            <ErrorState error={list.error} what="the suppression list" onRetry={list.reload} />
          ) : list.items.length === 0 ? (
            <Empty>{query ? 'No suppressed address matches.' : 'No suppressed addresses.'}</Empty>
          ) : (
            <>
              <DataTable
                caption="Suppressed addresses"
                rows={list.items}
                rowKey={(s, i) => s.id ?? `${s.address}-${i}`}
                columns={[
                  { header: 'Address', cell: (s) => s.address },
                  { header: 'Kind', cell: (s) => (s.kind === 'domain' ? 'Whole domain' : 'Address') },
                  { header: 'Reason', cell: (s) => s.reason },
                  { header: 'Added', cell: (s) => formatDate(s.created_at) },
                  {
                    header: 'Actions',
                    cell: (s) => (
                      <ConfirmButton
                        small
                        label="Remove"
                        ariaLabel={`Remove ${s.address}`}
                        question={`Allow mail to ${s.address} again?`}
                        confirmLabel="Remove"
                        onConfirm={() => onRemove(s)}
                        disabled={remove.pending}
                      />
                    ),
                  },
                ]}
              />
              <LoadMore hasMore={list.hasMore} loading={list.loadingMore} onClick={list.loadMore} />
            </>
          )}
        </div>
        <Section title="Suppress an address or domain">
          <form className="form" onSubmit={(e) => void onSubmit(e)} noValidate>
            <FormError error={add.error} shownFields={['address']} />
            <TextField
              label="Address"
              name="address"
              type="text"
              inputMode="email"
              autoCapitalize="none"
              spellCheck={false}
              required
              value={address}
              onChange={(e) => setAddress(e.target.value)}
              error={errors.address ?? fieldErrorOf(add.error, 'address')}
              hint="One address (letter case does not matter), or @vendor.example for every address of a domain."
            />
            <SelectField
              label="Reason"
              name="reason"
              value={reason}
              onChange={(e) => setReason(e.target.value as SuppressionReason)}
              options={REASONS}
            />
            <Button type="submit" variant="primary" busy={add.pending}>
              Add to suppression list
            </Button>
          </form>
        </Section>
      </div>
    </div>
  )
}

function fieldErrorOf(err: unknown, field: string): string | null {
  return err instanceof ApiError ? (err.fieldErrors.find((f) => f.field === field)?.message ?? null) : null
}
