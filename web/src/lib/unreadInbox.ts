// The unread count beside "Inbox" in the navigation. It is read from the inbox list (unread only,
// one page of up to 100: beyond that the badge says "99+"), again on navigation and window focus
// when older than 15 s, and at once when a page marks messages read or unread.
import { useCallback, useEffect, useRef, useState } from 'react'
import { api } from '../api/client'
import type { InboxMessage } from '../api/schema.gen'

const CHANGED = 'dispatchhub:inbox-changed'
const STALE_MS = 15_000
const PAGE = 100

/** Tells the navigation that messages changed their read state. */
export function notifyInboxChanged(): void {
  window.dispatchEvent(new Event(CHANGED))
}

/** "3", "99+", or null when there is nothing unread (or the count could not be read). */
export function unreadLabel(count: number | null, more: boolean): string | null {
  if (!count) return null
  return more || count > 99 ? '99+' : String(count)
}

export function useUnreadInbox(enabled: boolean, pathname: string): string | null {
  const [label, setLabel] = useState<string | null>(null)
  const last = useRef(0)
  const load = useCallback(
    (force: boolean) => {
      if (!enabled || (!force && Date.now() - last.current < STALE_MS)) return
      last.current = Date.now()
      api
        .list<InboxMessage>('/inbox', { unread: 'true', limit: PAGE })
        .then((page) => setLabel(unreadLabel(page.items.length, page.next_cursor !== null)))
        .catch(() => setLabel(null)) // the badge is a hint: no error of its own
    },
    [enabled],
  )
  useEffect(() => load(false), [load, pathname])
  useEffect(() => {
    const onFocus = () => load(false)
    const onChanged = () => load(true)
    window.addEventListener('focus', onFocus)
    window.addEventListener(CHANGED, onChanged)
    return () => {
      window.removeEventListener('focus', onFocus)
      window.removeEventListener(CHANGED, onChanged)
    }
  }, [load])
  return enabled ? label : null
}
