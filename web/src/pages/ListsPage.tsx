import { useState, type FormEvent } from 'react'
import { Link } from 'react-router-dom'
import { api } from '../api/client'
import type { VendorList } from '../api/schema.gen'
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
  TextAreaField,
  TextField,
} from '../components/ui'
import { formatDate, formatNumber } from '../lib/format'
import { useAction, usePaged } from '../lib/hooks'
import { hasErrors, validate, type FieldErrors } from '../lib/validation'

export function ListsPage() {
  const lists = usePaged<VendorList>((cursor, signal) => api.list<VendorList>('/lists', { limit: 50, cursor }, signal), [])
  const [name, setName] = useState('')
  const [description, setDescription] = useState('')
  const [errors, setErrors] = useState<FieldErrors>({})
  const [created, setCreated] = useState<string | null>(null)
  const create = useAction()

  const onSubmit = async (e: FormEvent) => {
    e.preventDefault()
    const v = validate({ name, description }, {
      name: { label: 'Name', required: true, maxLength: 200, singleLine: true },
      description: { label: 'Description', maxLength: 2000 },
    })
    setErrors(v)
    setCreated(null)
    if (hasErrors(v)) return
    const list = await create.run(() => api.post<VendorList>('/lists', { name: name.trim(), description: description.trim() }))
    if (list) {
      setName('')
      setDescription('')
      setCreated(list.name ?? name)
      lists.setItems((items) => [list, ...items.filter((l) => l.id !== list.id)])
    }
  }

  return (
    <div className="page">
      <PageHeader title="Lists">Vendor lists group recipients for dispatches.</PageHeader>
      <div className="split">
        <div>
          {lists.loading ? (
            <Loading />
          ) : lists.error && !lists.items.length ? (
            <ErrorState error={lists.error} what="lists" onRetry={lists.reload} />
          ) : lists.items.length === 0 ? (
            <Empty>No lists yet.</Empty>
          ) : (
            <>
              <DataTable
                caption="Vendor lists"
                rows={lists.items}
                rowKey={(l) => l.id}
                columns={[
                  { header: 'Name', cell: (l) => <Link to={`/lists/${l.id}`}>{l.name}</Link> },
                  { header: 'Description', cell: (l) => l.description || '—' },
                  { header: 'Members', className: 'num', cell: (l) => formatNumber(l.member_count ?? 0) },
                  { header: 'Created', cell: (l) => formatDate(l.created_at) },
                ]}
              />
              <LoadMore hasMore={lists.hasMore} loading={lists.loadingMore} onClick={lists.loadMore} />
            </>
          )}
        </div>
        <Section title="New list">
          <form className="form" onSubmit={(e) => void onSubmit(e)} noValidate>
            <FormError error={create.error} />
            {created ? <Notice kind="success">List “{created}” created.</Notice> : null}
            <TextField label="Name" name="name" required value={name} onChange={(e) => setName(e.target.value)} error={errors.name} />
            <TextAreaField
              label="Description"
              name="description"
              rows={3}
              value={description}
              onChange={(e) => setDescription(e.target.value)}
              error={errors.description}
            />
            <Button type="submit" variant="primary" busy={create.pending}>
              Create list
            </Button>
          </form>
        </Section>
      </div>
    </div>
  )
}
