// The UI's small component set. Every input has a visible label; errors are tied to
// inputs with aria-describedby; statuses are text, not colour alone.
import {
  useId,
  type ButtonHTMLAttributes,
  type InputHTMLAttributes,
  type Ref,
  type ReactNode,
  type SelectHTMLAttributes,
  type TextareaHTMLAttributes,
} from 'react'
import { ApiError, errorMessage, fieldLabel } from '../api/client'
import { useTitle, type Paged } from '../lib/hooks'
import { percent } from '../lib/format'

type Variant = 'primary' | 'secondary' | 'danger' | 'ghost'

export function Button({
  variant = 'secondary',
  small,
  busy,
  className,
  children,
  disabled,
  type = 'button',
  ...rest
}: ButtonHTMLAttributes<HTMLButtonElement> & { variant?: Variant; small?: boolean; busy?: boolean }) {
  const cls = ['btn', `btn-${variant}`, small ? 'btn-sm' : '', className ?? ''].filter(Boolean).join(' ')
  return (
    <button type={type} className={cls} disabled={disabled || busy} aria-busy={busy || undefined} {...rest}>
      {children}
    </button>
  )
}

interface FieldShellProps {
  id: string
  label: ReactNode
  error?: string | null
  hint?: ReactNode
  required?: boolean
  children: ReactNode
  className?: string
}

function FieldShell({ id, label, error, hint, required, children, className }: FieldShellProps) {
  return (
    <div className={`field${error ? ' field-invalid' : ''}${className ? ` ${className}` : ''}`}>
      <div className="field-label">
        <label htmlFor={id}>{label}</label>
        {/* outside the label so the accessible name stays exactly the label; the input carries `required` */}
        {required ? (
          <span className="req" aria-hidden="true">
            *
          </span>
        ) : null}
      </div>
      {children}
      {hint ? (
        <p className="hint" id={`${id}-hint`}>
          {hint}
        </p>
      ) : null}
      {error ? (
        <p className="field-error" id={`${id}-error`}>
          {error}
        </p>
      ) : null}
    </div>
  )
}

function describedBy(id: string, error?: string | null, hint?: ReactNode): string | undefined {
  const ids = [hint ? `${id}-hint` : '', error ? `${id}-error` : ''].filter(Boolean)
  return ids.length ? ids.join(' ') : undefined
}

type FieldExtras = { label: ReactNode; error?: string | null; hint?: ReactNode; fieldClassName?: string }

export function TextField({ label, error, hint, fieldClassName, id, ...input }: InputHTMLAttributes<HTMLInputElement> & FieldExtras) {
  const auto = useId()
  const fid = id ?? auto
  return (
    <FieldShell id={fid} label={label} error={error} hint={hint} required={input.required} className={fieldClassName}>
      <input
        id={fid}
        type="text"
        aria-invalid={error ? true : undefined}
        aria-describedby={describedBy(fid, error, hint)}
        {...input}
      />
    </FieldShell>
  )
}

export function TextAreaField({
  label,
  error,
  hint,
  fieldClassName,
  id,
  ref,
  ...input
}: TextareaHTMLAttributes<HTMLTextAreaElement> & FieldExtras & { ref?: Ref<HTMLTextAreaElement> }) {
  const auto = useId()
  const fid = id ?? auto
  return (
    <FieldShell id={fid} label={label} error={error} hint={hint} required={input.required} className={fieldClassName}>
      <textarea ref={ref} id={fid} aria-invalid={error ? true : undefined} aria-describedby={describedBy(fid, error, hint)} {...input} />
    </FieldShell>
  )
}

export interface SelectOption {
  value: string
  label: string
  /** Shown but not choosable (say why next to the field). */
  disabled?: boolean
}

export function SelectField({
  label,
  error,
  hint,
  fieldClassName,
  id,
  options,
  groups,
  ...input
}: SelectHTMLAttributes<HTMLSelectElement> &
  FieldExtras & { options: readonly SelectOption[]; groups?: readonly { label: string; options: readonly SelectOption[] }[] }) {
  const auto = useId()
  const fid = id ?? auto
  const option = (o: SelectOption) => (
    <option key={o.value} value={o.value} disabled={o.disabled}>
      {o.label}
    </option>
  )
  return (
    <FieldShell id={fid} label={label} error={error} hint={hint} required={input.required} className={fieldClassName}>
      <select id={fid} aria-invalid={error ? true : undefined} aria-describedby={describedBy(fid, error, hint)} {...input}>
        {options.map(option)}
        {groups?.map((g) =>
          g.options.length ? (
            <optgroup key={g.label} label={g.label}>
              {g.options.map(option)}
            </optgroup>
          ) : null,
        )}
      </select>
    </FieldShell>
  )
}

export function CheckboxField({ label, id, ...input }: InputHTMLAttributes<HTMLInputElement> & { label: ReactNode }) {
  const auto = useId()
  const fid = id ?? auto
  return (
    <div className="check">
      <input id={fid} type="checkbox" {...input} />
      <label htmlFor={fid}>{label}</label>
    </div>
  )
}

export function Loading({ label = 'Loading…' }: { label?: string }) {
  return (
    <p className="loading" role="status">
      <span className="spinner" aria-hidden="true" />
      {label}
    </p>
  )
}

/** A friendly error block for a failed load; a 404 says the thing does not exist (or was deleted). */
export function ErrorState({ error, what, onRetry }: { error: unknown; what?: string; onRetry?: () => void }) {
  const missing = error instanceof ApiError && error.status === 404
  return (
    <div className="notice notice-error" role="alert">
      <p className="notice-title">
        {missing ? `Not found: ${what ?? 'this page'} does not exist or was deleted.` : `Could not load ${what ?? 'this page'}.`}
      </p>
      <p className="notice-detail">{errorMessage(error)}</p>
      {onRetry ? (
        <Button small onClick={onRetry}>
          Try again
        </Button>
      ) : null}
    </div>
  )
}

/** Errors of a submitted form: the problem message plus field errors that no input shows. */
export function FormError({ error, shownFields = [] }: { error: unknown; shownFields?: string[] }) {
  if (!error) return null
  const extra = error instanceof ApiError ? error.fieldErrors.filter((f) => !shownFields.includes(f.field)) : []
  return (
    <div className="notice notice-error" role="alert">
      <p className="notice-title">{errorMessage(error)}</p>
      {extra.length ? (
        <ul>
          {extra.map((f, i) => (
            <li key={i}>
              {fieldLabel(f.field)}: {f.message}
            </li>
          ))}
        </ul>
      ) : null}
    </div>
  )
}

export function Notice({ kind = 'info', children }: { kind?: 'info' | 'success' | 'error' | 'warning'; children: ReactNode }) {
  return (
    <div className={`notice notice-${kind}`} role={kind === 'error' ? 'alert' : 'status'}>
      {children}
    </div>
  )
}

export function Empty({ children }: { children: ReactNode }) {
  return <p className="empty">{children}</p>
}

export function PageHeader({ title, actions, children }: { title: string; actions?: ReactNode; children?: ReactNode }) {
  useTitle(title)
  return (
    <div className="page-header">
      <div>
        <h1>{title}</h1>
        {children ? <div className="page-sub">{children}</div> : null}
      </div>
      {actions ? <div className="page-actions">{actions}</div> : null}
    </div>
  )
}

export function Section({ title, actions, children }: { title: string; actions?: ReactNode; children: ReactNode }) {
  const id = useId()
  return (
    <section className="card" aria-labelledby={id}>
      <div className="card-header">
        <h2 id={id}>{title}</h2>
        {actions}
      </div>
      {children}
    </section>
  )
}

export function ProgressBar({ value, max, label }: { value: number; max: number; label: string }) {
  const pct = percent(value, max)
  return (
    <div className="progress">
      <progress value={max > 0 ? Math.min(value, max) : 0} max={max > 0 ? max : 1} aria-label={label}>
        {pct}%
      </progress>
      <span className="progress-text">{pct}%</span>
    </div>
  )
}

const STATUS_TONE: Record<string, string> = {
  active: 'ok',
  sent: 'ok',
  delivered: 'ok',
  completed: 'ok',
  open: 'info',
  queued: 'info',
  sending: 'info',
  running: 'info',
  scheduled: 'info',
  draft: 'muted',
  paused: 'warn',
  deferred: 'warn',
  pending: 'warn',
  pending_approval: 'warn',
  healthy: 'ok',
  resolved: 'ok',
  complained: 'bad',
  inactive: 'muted',
  closed: 'muted',
  cancelled: 'muted',
  suppressed: 'muted',
  failed: 'bad',
  bounced: 'bad',
  suspended: 'bad',
  revoked: 'bad',
  overdue: 'bad',
  // sending domains and their DNS records
  verified: 'ok',
  failing: 'bad',
  missing: 'bad',
  mismatch: 'bad',
  advisory: 'info',
}

export function StatusBadge({ status }: { status: string | null | undefined }) {
  const s = status ?? 'unknown'
  return <span className={`badge badge-${STATUS_TONE[s] ?? 'muted'}`}>{s.replace(/_/g, ' ')}</span>
}

export interface Column<T> {
  header: string
  cell: (row: T) => ReactNode
  className?: string
}

/**
 * A table. `stacked`: on a phone each row becomes a block of "Header: value" lines instead of a
 * table that scrolls sideways (each cell carries its column's header for that).
 */
export function DataTable<T>({
  caption,
  columns,
  rows,
  rowKey,
  rowClassName,
  stacked,
}: {
  caption: string
  columns: Column<T>[]
  rows: T[]
  rowKey: (row: T, index: number) => string
  rowClassName?: (row: T) => string | undefined
  stacked?: boolean
}) {
  return (
    <div className={stacked ? 'table-wrap table-stack' : 'table-wrap'}>
      <table>
        <caption className="sr-only">{caption}</caption>
        <thead>
          <tr>
            {columns.map((c) => (
              <th key={c.header} scope="col" className={c.className}>
                {c.header}
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {rows.map((r, i) => (
            <tr key={rowKey(r, i)} className={rowClassName?.(r)}>
              {columns.map((c) => (
                <td key={c.header} className={c.className} data-label={c.header}>
                  {c.cell(r)}
                </td>
              ))}
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  )
}

export function LoadMore({ hasMore, loading, onClick }: { hasMore: boolean; loading: boolean; onClick: () => void }) {
  if (!hasMore) return null
  return (
    <div className="load-more">
      <Button onClick={onClick} busy={loading}>
        {loading ? 'Loading…' : 'Load more'}
      </Button>
    </div>
  )
}

export function Stat({ label, value, hint }: { label: string; value: ReactNode; hint?: ReactNode }) {
  return (
    <div className="stat">
      <div className="stat-label">{label}</div>
      <div className="stat-value">{value}</div>
      {hint ? <div className="stat-hint">{hint}</div> : null}
    </div>
  )
}

/** A cursor-paginated table with its loading, error and empty states and "Load more". */
export function PagedTable<T>({
  list,
  what,
  empty,
  caption,
  columns,
  rowKey,
}: {
  list: Paged<T>
  what: string
  empty: ReactNode
  caption: string
  columns: Column<T>[]
  rowKey: (row: T, index: number) => string
}) {
  if (list.loading) return <Loading />
  if (list.error && !list.items.length) return <ErrorState error={list.error} what={what} onRetry={list.reload} />
  if (list.items.length === 0) return <Empty>{empty}</Empty>
  return (
    <>
      <DataTable caption={caption} rows={list.items} rowKey={rowKey} columns={columns} />
      <LoadMore hasMore={list.hasMore} loading={list.loadingMore} onClick={list.loadMore} />
    </>
  )
}
