// A vendor's message history shows each sent message's subject as that vendor received it: the
// server renders it on read (GET /vendors/{id}/sent-subjects) with the sender's renderer.
import { api, isAbort } from '../../api/client'
import type { ThreadEntry } from '../../api/schema.gen'
import type { Page } from '../../api/client'
import { readableTemplate } from '../../lib/mergeFields'

export interface SentSubject {
  delivery_id: string
  subject: string
}

/** Sent entries take their rendered subject; one the server did not render reads as the template, fields by name. */
export function applySubjects(items: ThreadEntry[], subjects: SentSubject[]): ThreadEntry[] {
  const byId = new Map(subjects.map((s) => [s.delivery_id, s.subject]))
  return items.map((e) =>
    e.direction === 'sent' ? { ...e, subject: byId.get(e.id) ?? readableTemplate(e.subject) } : e,
  )
}

/** One page of the thread with its sent subjects rendered (left as readable templates if that fails). */
export async function withRenderedSubjects(vendorId: string, page: Page<ThreadEntry>, signal: AbortSignal): Promise<Page<ThreadEntry>> {
  const ids = page.items.filter((e) => e.direction === 'sent').map((e) => e.id)
  if (!ids.length) return page
  try {
    const rendered = await api.get<{ items: SentSubject[] }>(
      `/vendors/${encodeURIComponent(vendorId)}/sent-subjects`,
      { ids: ids.join(',') },
      signal,
    )
    return { ...page, items: applySubjects(page.items, rendered.items ?? []) }
  } catch (e) {
    if (isAbort(e)) throw e
    return { ...page, items: applySubjects(page.items, []) }
  }
}
