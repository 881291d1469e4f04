import { useEffect, useRef, useState, type FormEvent } from 'react'
import { Link } from 'react-router-dom'
import { api, errorMessage } from '../../api/client'
import type { ImportJob, ImportReport } from '../../api/schema.gen'
import { ConfirmButton } from '../../components/ConfirmButton'
import { Button, DataTable, FormError, Notice, PageHeader, Section, SelectField, Stat } from '../../components/ui'
import { customTarget, guessTarget, IMPORT_FIELDS, labelOf, mappingErrors, mappingParam } from './importMapping'
import { formatBytes, formatNumber, percent } from '../../lib/format'
import { useAction } from '../../lib/hooks'

const POLL_MS = 1000
const PREVIEW_BYTES = 64 * 1024

/** First lines of a CSV file for a quick look (simple split; quoted commas are handled). */
export function previewCsv(text: string, maxRows = 5): string[][] {
  const rows: string[][] = []
  for (const line of text.split(/\r?\n/)) {
    if (rows.length > maxRows) break
    if (!line.trim()) continue
    const cells: string[] = []
    let cur = ''
    let quoted = false
    for (let i = 0; i < line.length; i++) {
      const ch = line[i]
      if (quoted) {
        if (ch === '"' && line[i + 1] === '"') {
          cur += '"'
          i++
        } else if (ch === '"') quoted = false
        else cur += ch
      } else if (ch === '"') quoted = true
      else if (ch === ',') {
        cells.push(cur)
        cur = ''
      } else cur += ch
    }
    cells.push(cur)
    rows.push(cells)
  }
  return rows
}

/** A job in one of these states changes no more by itself (undone only follows an undo). */
const FINISHED = ['completed', 'stopped', 'failed', 'undone']

function reportOf(job: ImportJob): ImportReport | null {
  if (job.report) return job.report
  if (typeof job.rows === 'number' || Array.isArray(job.errors)) {
    return {
      rows: job.rows ?? job.rows_processed ?? 0,
      vendors_created: job.vendors_created ?? 0,
      vendors_updated: job.vendors_updated ?? 0,
      contacts_added: job.contacts_added ?? 0,
      errors: job.errors ?? [],
      error_count: job.error_count,
      stop_reason: job.stop_reason ?? null,
    }
  }
  return null
}

export function VendorImportPage() {
  const [file, setFile] = useState<File | null>(null)
  const [preview, setPreview] = useState<string[][] | null>(null)
  const [targets, setTargets] = useState<string[]>([])
  const [job, setJob] = useState<ImportJob | null>(null)
  const [report, setReport] = useState<ImportReport | null>(null)
  const [pollError, setPollError] = useState<unknown>(null)
  const upload = useAction()
  const fileInput = useRef<HTMLInputElement>(null)

  useEffect(() => {
    setPreview(null)
    if (!file) return
    let alive = true
    file
      .slice(0, PREVIEW_BYTES)
      .text()
      .then((t) => {
        if (!alive) return
        const rows = previewCsv(t)
        setPreview(rows)
        setTargets((rows[0] ?? []).map(guessTarget))
      })
      .catch(() => alive && setPreview(null))
    return () => {
      alive = false
    }
  }, [file])

  // Poll a queued/running import job until it finishes.
  const jobId = job?.id
  const jobDone = !job || FINISHED.includes(job.status)
  useEffect(() => {
    if (!jobId || jobDone) return
    const ctrl = new AbortController()
    let timer: ReturnType<typeof setTimeout>
    const tick = async () => {
      try {
        const next = await api.get<ImportJob>(`/imports/${encodeURIComponent(jobId)}`, undefined, ctrl.signal)
        if (ctrl.signal.aborted) return
        setJob(next)
        setPollError(null)
        if (FINISHED.includes(next.status)) {
          setReport(reportOf(next))
          return
        }
      } catch (e) {
        if (ctrl.signal.aborted) return
        setPollError(e)
      }
      timer = setTimeout(() => void tick(), POLL_MS)
    }
    timer = setTimeout(() => void tick(), POLL_MS)
    return () => {
      ctrl.abort()
      clearTimeout(timer)
    }
  }, [jobId, jobDone])

  const onSubmit = async (e: FormEvent) => {
    e.preventDefault()
    if (!file || problems.length) return
    setJob(null)
    setReport(null)
    setPollError(null)
    const res = await upload.run(async () => {
      const mapping = preview?.[0] ? mappingParam(preview[0], targets) : undefined
      const r = await api.fetchResponse('POST', '/vendors/import', { body: file, contentType: 'text/csv', query: { mapping } })
      const data = (await r.json()) as ImportReport | ImportJob
      return { status: r.status, data }
    })
    if (!res) return
    if (res.status === 202) {
      const j = res.data as ImportJob
      setJob({ ...j, status: j.status ?? 'queued', bytes_total: j.bytes_total ?? file.size })
    } else {
      setReport(reportOf(res.data as ImportJob) ?? (res.data as ImportReport))
    }
  }

  const running = !!job && !jobDone
  const headers = preview?.[0] ?? []
  const problems = headers.length ? mappingErrors(targets) : []
  const bytesTotal = job?.bytes_total ?? file?.size ?? 0

  return (
    <div className="page">
      <PageHeader title="Import vendors" actions={<Link to="/vendors">All vendors</Link>}>
        Upload a CSV file with a header row, then say which vendor field each column fills (name, code, category, tags,
        contact email, name and role, lists) or keep it as a custom field. Existing vendors (same code) are updated; large
        files import in the background with a progress bar.
      </PageHeader>

      <form className="card form" onSubmit={(e) => void onSubmit(e)}>
        <FormError error={upload.error} />
        <div className="field">
          <label htmlFor="csv-file">CSV file</label>
          <input
            ref={fileInput}
            id="csv-file"
            name="file"
            type="file"
            accept=".csv,text/csv"
            onChange={(e) => setFile(e.target.files?.[0] ?? null)}
            disabled={upload.pending || running}
          />
          {file ? (
            <p className="hint">
              {file.name} · {formatBytes(file.size)}
            </p>
          ) : null}
        </div>
        {headers.length ? (
          <fieldset className="subform csv-mapping">
            <legend>Columns</legend>
            <p className="small muted">Choose which vendor field each column of the file fills. Sample values come from the first rows.</p>
            <div className="table-wrap mapping-scroll">
              <table>
                <caption className="sr-only">Column mapping</caption>
                <thead>
                  <tr>
                    <th scope="col">Column in the file</th>
                    <th scope="col">Sample values</th>
                    <th scope="col">Imported as</th>
                  </tr>
                </thead>
                <tbody>
                  {headers.map((h, i) => (
                    <tr key={i}>
                      <th scope="row">{h}</th>
                      <td className="small sample-cell">{(preview ?? []).slice(1, 4).map((r) => r[i] ?? '').filter(Boolean).join(' · ') || '—'}</td>
                      <td>
                        <SelectField
                          label={`Import column ${h} as`}
                          fieldClassName="field-inline field-label-hidden"
                          value={targets[i] ?? ''}
                          onChange={(e) => setTargets((t) => t.map((x, j) => (j === i ? e.target.value : x)))}
                          options={targetOptions(h)}
                        />
                      </td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
            {problems.length ? (
              <Notice kind="error">
                <ul>
                  {problems.map((p) => (
                    <li key={p}>{p}</li>
                  ))}
                </ul>
              </Notice>
            ) : null}
          </fieldset>
        ) : null}
        <div className="form-actions">
          <Button type="submit" variant="primary" disabled={!file || running || problems.length > 0} busy={upload.pending}>
            {upload.pending ? 'Uploading…' : 'Import'}
          </Button>
        </div>
      </form>

      {job ? (
        <Section title="Import progress">
          <p>
            Status: <strong>{job.status === 'stopped' ? 'stopped early' : job.status}</strong>
            {typeof job.rows_processed === 'number' ? ` · ${formatNumber(job.rows_processed)} rows processed` : ''}
          </p>
          <div className="progress">
            <progress
              aria-label="Import progress"
              max={bytesTotal > 0 ? bytesTotal : 1}
              value={job.status === 'completed' ? (bytesTotal || 1) : Math.min(job.bytes_processed ?? 0, bytesTotal || 1)}
            />
            <span className="progress-text">
              {job.status === 'completed' ? 100 : percent(job.bytes_processed ?? 0, bytesTotal)}%
            </span>
          </div>
          <p className="small muted">
            {formatBytes(job.bytes_processed ?? 0)} of {formatBytes(bytesTotal)}
          </p>
          {job.status === 'failed' ? (
            <Notice kind="error">The import failed{job.error ? `: ${job.error}` : '.'}</Notice>
          ) : null}
          {pollError ? <Notice kind="warning">Could not refresh progress: {errorMessage(pollError)}. Retrying…</Notice> : null}
        </Section>
      ) : null}

      {report ? <ImportReportView report={report} importId={job?.id ?? (report as Partial<ImportJob>).id} /> : null}
    </div>
  )
}

function targetOptions(header: string): { value: string; label: string }[] {
  const custom = customTarget(header)
  return [
    ...IMPORT_FIELDS.map((f) => ({ value: f.value, label: f.label })),
    ...(custom ? [{ value: custom, label: labelOf(custom) }] : []),
    ...(/^custom\./i.test(header.trim()) && header.trim() !== custom ? [{ value: header.trim(), label: labelOf(header.trim()) }] : []),
    { value: '', label: labelOf('') },
  ]
}

/**
 * What a stopped import says (the server stops one once most of its rows are refused): what happened,
 * the server's reason, what was created before the stop and what to do. Null for any other report.
 */
export function stoppedMessage(report: ImportReport): { title: string; detail: string; next: string } | null {
  if (!report.stop_reason) return null
  const made: string[] = []
  if (report.vendors_created) made.push(`created ${formatNumber(report.vendors_created)} ${report.vendors_created === 1 ? 'vendor' : 'vendors'}`)
  if (report.vendors_updated) made.push(`updated ${formatNumber(report.vendors_updated)}`)
  if (report.contacts_added)
    made.push(`added ${formatNumber(report.contacts_added)} ${report.contacts_added === 1 ? 'contact' : 'contacts'}`)
  return {
    title: 'The import stopped early because most rows were refused. The rest of the file was not imported.',
    detail: report.stop_reason,
    next: made.length
      ? `Before it stopped it ${made.join(', ')}. Check the file and the column mapping, then use “Undo import” to remove what it created and try again.`
      : 'Nothing was created or changed. Check the file and the column mapping, then try again.',
  }
}

/** Total refused rows: `error_count` when the server gives it (the list may be capped), else the list's length. */
export function errorTotal(report: ImportReport): number {
  const listed = Array.isArray(report.errors) ? report.errors.length : 0
  return typeof report.error_count === 'number' ? Math.max(report.error_count, listed) : listed
}

const UNDO_POLL_MS = 500
const UNDO_POLLS = 120

/** DELETE /imports/{id} starts the undo (202); the import's status then turns `undone`. */
export async function undoImport(id: string, wait: (ms: number) => Promise<void> = (ms) => new Promise((r) => setTimeout(r, ms))): Promise<void> {
  const path = `/imports/${encodeURIComponent(id)}`
  await api.del(path)
  for (let i = 0; i < UNDO_POLLS; i++) {
    const job = await api.get<ImportJob>(path)
    if (job?.status === 'undone') return
    if (job?.status === 'failed') throw new Error(job.error || 'The undo failed.')
    await wait(UNDO_POLL_MS)
  }
  throw new Error('The undo is still running; check the vendor list in a minute.')
}

function ImportReportView({ report, importId }: { report: ImportReport; importId?: string }) {
  const errors = Array.isArray(report.errors) ? report.errors : []
  const total = errorTotal(report)
  const undo = useAction()
  const [undone, setUndone] = useState(false)
  const changed = report.vendors_created + report.vendors_updated + report.contacts_added > 0
  const stopped = stoppedMessage(report)
  return (
    <Section
      title="Import report"
      actions={
        importId && changed && !undone ? (
          <ConfirmButton
            label="Undo import"
            question="Remove the vendors this import created and revert the ones it updated?"
            confirmLabel="Yes, undo"
            busy={undo.pending}
            onConfirm={() =>
              void undo
                .run(async () => {
                  await undoImport(importId)
                  return true
                })
                .then((ok) => setUndone(!!ok))
            }
          />
        ) : null
      }
    >
      {undone ? <Notice kind="success">Import undone: the vendors it created are gone and the ones it updated are back as before.</Notice> : null}
      {undo.error ? <Notice kind="error">Undo failed: {errorMessage(undo.error)}</Notice> : null}
      {stopped && !undone ? (
        <Notice kind="warning">
          <p>
            <strong>{stopped.title}</strong>
          </p>
          <p>{stopped.detail}</p>
          <p>{stopped.next}</p>
        </Notice>
      ) : null}
      <div className="stats">
        <Stat label="Rows" value={formatNumber(report.rows)} />
        <Stat label="Vendors created" value={formatNumber(report.vendors_created)} />
        <Stat label="Vendors updated" value={formatNumber(report.vendors_updated)} />
        <Stat label="Contacts added" value={formatNumber(report.contacts_added)} />
        <Stat label="Rows with errors" value={formatNumber(total)} />
      </div>
      {total > errors.length ? (
        <p className="small muted">
          Showing the first {formatNumber(errors.length)} of {formatNumber(total)} rows with errors.
        </p>
      ) : null}
      {total ? (
        <DataTable
          caption="Rows with errors"
          rows={errors}
          rowKey={(e, i) => `${e.row}-${e.field ?? ''}-${i}`}
          columns={[
            { header: 'Row', className: 'num', cell: (e) => e.row },
            { header: 'Field', cell: (e) => e.field || '—' },
            { header: 'Problem', cell: (e) => e.reason },
          ]}
        />
      ) : (
        <Notice kind="success">Every row was imported.</Notice>
      )}
    </Section>
  )
}
