import { api } from '../api/client'
import type { Usage } from '../api/schema.gen'
import { formatDay, formatNumber, percent } from '../lib/format'
import { useEffect } from 'react'
import { useResource } from '../lib/hooks'

const USAGE_CHANGED = 'dispatchhub:usage-changed'

/** Tells every usage meter on the page to reload (after a send or a test send). */
export function notifyUsageChanged(): void {
  window.dispatchEvent(new Event(USAGE_CHANGED))
}

/** Loads GET /usage and reloads after a send; renders nothing when that fails (the meter is a nicety, not a page). */
export function useUsage() {
  const usage = useResource<Usage>((signal) => api.get<Usage>('/usage', undefined, signal), [])
  const reload = usage.reload
  useEffect(() => {
    window.addEventListener(USAGE_CHANGED, reload)
    return () => window.removeEventListener(USAGE_CHANGED, reload)
  }, [reload])
  return usage
}

export function UsageMeter({ usage, compact }: { usage: Usage | undefined; compact?: boolean }) {
  if (!usage || typeof usage.limit !== 'number') return null
  const used = (usage.sent ?? 0) + (usage.reserved ?? 0)
  const pct = percent(used, usage.limit)
  const tone = pct >= 95 ? 'bad' : pct >= 80 ? 'warn' : 'ok'
  const text = `${formatNumber(usage.sent)} of ${formatNumber(usage.limit)} emails used this period, ${formatNumber(usage.remaining)} remaining`
  return (
    <div className={`usage ${compact ? 'usage-compact' : ''}`}>
      <div className="usage-head">
        <span className="usage-label">{compact ? 'Emails this period' : 'Usage this period'}</span>
        <span className="usage-numbers">
          {formatNumber(usage.sent)} / {formatNumber(usage.limit)}
        </span>
      </div>
      <div
        className={`meter meter-${tone}`}
        role="meter"
        aria-label="Emails used this period"
        aria-valuemin={0}
        aria-valuemax={usage.limit}
        aria-valuenow={Math.min(used, usage.limit)}
        aria-valuetext={text}
      >
        <div className="meter-fill" style={{ width: `${pct}%` }} />
      </div>
      {!compact ? (
        <p className="usage-detail">
          {formatNumber(usage.remaining)} remaining
          {usage.reserved ? ` · ${formatNumber(usage.reserved)} reserved for running dispatches` : ''} ·{' '}
          {formatDay(usage.period_start)} – {formatDay(usage.period_end)}
        </p>
      ) : null}
    </div>
  )
}
