// Vendor and list membership calls shared by the vendor list, the vendor page and the list page.
import { api, errorMessage } from '../../api/client'
import type { VendorList } from '../../api/schema.gen'

export interface BulkResult {
  done: number
  /** The ids that failed, with why. */
  failed: { id: string; message: string }[]
}

/** Runs `one` for every id, one after the other (the server is not flooded), collecting failures. */
export async function forEachId(ids: string[], one: (id: string) => Promise<unknown>): Promise<BulkResult> {
  const result: BulkResult = { done: 0, failed: [] }
  for (const id of ids) {
    try {
      await one(id)
      result.done++
    } catch (e) {
      result.failed.push({ id, message: errorMessage(e) })
    }
  }
  return result
}

/** "3 vendors deleted." / "2 of 3 vendors added to “EU”; 1 failed: …" */
export function bulkMessage(r: BulkResult, verb: string): string {
  const total = r.done + r.failed.length
  const noun = total === 1 ? 'vendor' : 'vendors'
  if (!r.failed.length) return `${r.done} ${noun} ${verb}.`
  return `${r.done} of ${total} ${noun} ${verb}; ${r.failed.length} failed: ${r.failed[0].message}`
}

export const deleteVendor = (id: string) => api.del(`/vendors/${encodeURIComponent(id)}`)
export const deleteList = (id: string) => api.del(`/lists/${encodeURIComponent(id)}`)

/** One request adds many vendors to a list. */
export async function addToList(listId: string, vendorIds: string[]): Promise<BulkResult> {
  try {
    await api.post<VendorList>(`/lists/${encodeURIComponent(listId)}/members`, { vendor_ids: vendorIds })
    return { done: vendorIds.length, failed: [] }
  } catch (e) {
    return { done: 0, failed: vendorIds.map((id) => ({ id, message: errorMessage(e) })) }
  }
}

export const removeFromList = (listId: string, vendorIds: string[]) =>
  forEachId(vendorIds, (v) => api.del(`/lists/${encodeURIComponent(listId)}/members/${encodeURIComponent(v)}`))
