import type { DeliveryStatus, Dispatch } from '../../api/schema.gen'

type DispatchCounts = Dispatch['counts']
import { formatNumber, percent } from '../../lib/format'

/** Delivery states in display order, with a plain-language meaning. */
export const DELIVERY_STATES: { key: DeliveryStatus; label: string; help: string }[] = [
  { key: 'queued', label: 'Queued', help: 'waiting for a worker' },
  { key: 'sending', label: 'Sending', help: 'handed to the mail relay right now' },
  { key: 'sent', label: 'Sent', help: 'accepted by the recipient’s mail server' },
  { key: 'deferred', label: 'Deferred', help: 'temporarily refused; will be retried' },
  { key: 'failed', label: 'Failed', help: 'gave up after retries' },
  { key: 'bounced', label: 'Bounced', help: 'the recipient’s server reported the address as undeliverable' },
  { key: 'complained', label: 'Complained', help: 'the recipient marked the message as spam' },
  { key: 'suppressed', label: 'Suppressed', help: 'address is on the suppression list; not sent' },
  { key: 'cancelled', label: 'Cancelled', help: 'dispatch was cancelled before sending' },
]

/** Recipients that reached a final state. */
export function doneCount(counts: DispatchCounts | undefined): number {
  const c = counts ?? {}
  return (c.sent ?? 0) + (c.failed ?? 0) + (c.bounced ?? 0) + (c.complained ?? 0) + (c.suppressed ?? 0) + (c.cancelled ?? 0)
}

export function isActiveDispatch(d: Pick<Dispatch, 'status'> | undefined): boolean {
  return d?.status === 'queued' || d?.status === 'sending'
}

const REASONS: Record<string, string> = {
  failed: 'Delivery failed permanently',
  bounced: 'The recipient’s mail server reported the address as undeliverable',
  suppressed: 'Skipped: the address is on the suppression list',
  deferred: 'Temporarily refused by the recipient’s server; will retry',
  cancelled: 'Not sent: the dispatch was cancelled',
  complained: 'The recipient reported the message as spam',
}

/** A plain-language reason for a delivery's state, with the server's detail when present. */
export function deliveryReason(status: string, lastError?: string | null): string {
  const base = REASONS[status]
  if (!lastError) return base ?? ''
  return base ? `${base}: ${lastError}` : lastError
}

/**
 * The progress line of a dispatch. A cancelled dispatch is not "100% done": it says how many
 * were handed over before the cancel and how many were never sent.
 */
export function progressText(d: Pick<Dispatch, 'status' | 'counts'>, total: number): string {
  const c = d.counts ?? {}
  const noun = total === 1 ? 'recipient' : 'recipients'
  if (d.status === 'cancelled') {
    const handed = doneCount(c) - (c.cancelled ?? 0)
    return `Cancelled: ${formatNumber(handed)} of ${formatNumber(total)} ${noun} processed before the cancel, ${formatNumber(c.cancelled ?? 0)} not sent`
  }
  const done = doneCount(c)
  return `${formatNumber(done)} of ${formatNumber(total)} ${noun} done (${percent(done, total)}%)`
}
