import { useCallback, useEffect, useRef, useState, type DependencyList } from 'react'
import { isAbort } from '../api/client'
import type { Page } from '../api/client'

export interface Resource<T> {
  data: T | undefined
  error: unknown
  loading: boolean
  reload: () => void
  setData: (update: T | ((prev: T | undefined) => T)) => void
}

/**
 * Loads data with `load` whenever `deps` change. Never throws: failures land in `error`,
 * aborted requests (unmount, newer load) are ignored.
 */
export function useResource<T>(load: (signal: AbortSignal) => Promise<T>, deps: DependencyList): Resource<T> {
  const [data, setDataState] = useState<T | undefined>(undefined)
  const [error, setError] = useState<unknown>(null)
  const [loading, setLoading] = useState(true)
  const [tick, setTick] = useState(0)
  const loadRef = useRef(load)
  loadRef.current = load

  useEffect(() => {
    const ctrl = new AbortController()
    setLoading(true)
    setError(null)
    loadRef
      .current(ctrl.signal)
      .then(
        (value) => {
          if (ctrl.signal.aborted) return
          setDataState(() => value)
          setLoading(false)
        },
        (err: unknown) => {
          if (ctrl.signal.aborted || isAbort(err)) return
          setError(err)
          setLoading(false)
        },
      )
    return () => ctrl.abort()
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [...deps, tick])

  const reload = useCallback(() => setTick((t) => t + 1), [])
  const setData = useCallback((update: T | ((prev: T | undefined) => T)) => {
    setDataState((prev) => (typeof update === 'function' ? (update as (p: T | undefined) => T)(prev) : update))
  }, [])
  return { data, error, loading, reload, setData }
}

export interface Paged<T> {
  items: T[]
  error: unknown
  loading: boolean
  loadingMore: boolean
  hasMore: boolean
  loadMore: () => void
  reload: () => void
  setItems: (update: (items: T[]) => T[]) => void
}

/** A cursor-paginated list: first page on `deps` change, then "Load more". */
export function usePaged<T>(
  loadPage: (cursor: string | null, signal: AbortSignal) => Promise<Page<T>>,
  deps: DependencyList,
): Paged<T> {
  const [items, setItemsState] = useState<T[]>([])
  const [cursor, setCursor] = useState<string | null>(null)
  const [error, setError] = useState<unknown>(null)
  const [loading, setLoading] = useState(true)
  const [loadingMore, setLoadingMore] = useState(false)
  const [tick, setTick] = useState(0)
  const loadRef = useRef(loadPage)
  loadRef.current = loadPage
  const moreCtrl = useRef<AbortController | null>(null)

  useEffect(() => {
    const ctrl = new AbortController()
    moreCtrl.current?.abort()
    setLoading(true)
    setLoadingMore(false)
    setError(null)
    loadRef
      .current(null, ctrl.signal)
      .then(
        (page) => {
          if (ctrl.signal.aborted) return
          setItemsState(page.items)
          setCursor(page.next_cursor)
          setLoading(false)
        },
        (err: unknown) => {
          if (ctrl.signal.aborted || isAbort(err)) return
          setItemsState([])
          setCursor(null)
          setError(err)
          setLoading(false)
        },
      )
    return () => ctrl.abort()
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [...deps, tick])

  useEffect(() => () => moreCtrl.current?.abort(), [])

  const loadMore = useCallback(() => {
    if (!cursor || loadingMore) return
    const ctrl = new AbortController()
    moreCtrl.current = ctrl
    setLoadingMore(true)
    setError(null)
    loadRef
      .current(cursor, ctrl.signal)
      .then(
        (page) => {
          if (ctrl.signal.aborted) return
          setItemsState((prev) => [...prev, ...page.items])
          setCursor(page.next_cursor)
          setLoadingMore(false)
        },
        (err: unknown) => {
          if (ctrl.signal.aborted || isAbort(err)) return
          setError(err)
          setLoadingMore(false)
        },
      )
  }, [cursor, loadingMore])

  const reload = useCallback(() => setTick((t) => t + 1), [])
  const setItems = useCallback((update: (items: T[]) => T[]) => setItemsState(update), [])
  return { items, error, loading, loadingMore, hasMore: cursor !== null, loadMore, reload, setItems }
}

export interface Action {
  pending: boolean
  error: unknown
  run: <R>(fn: () => Promise<R>) => Promise<R | undefined>
  clearError: () => void
}

/** Runs a user-triggered async action; errors are kept in state, never thrown (no unhandled rejections). */
export function useAction(): Action {
  const [pending, setPending] = useState(false)
  const [error, setError] = useState<unknown>(null)
  const mounted = useRef(true)
  useEffect(() => {
    mounted.current = true
    return () => {
      mounted.current = false
    }
  }, [])
  const run = useCallback(async <R,>(fn: () => Promise<R>): Promise<R | undefined> => {
    setPending(true)
    setError(null)
    try {
      return await fn()
    } catch (e) {
      if (mounted.current && !isAbort(e)) setError(e)
      return undefined
    } finally {
      if (mounted.current) setPending(false)
    }
  }, [])
  const clearError = useCallback(() => setError(null), [])
  return { pending, error, run, clearError }
}

/** Sets document.title for the page. */
export function useTitle(title: string): void {
  useEffect(() => {
    document.title = title ? `${title} · DispatchHub` : 'DispatchHub'
  }, [title])
}

/** A value that follows `value` after `ms` without changes (for search boxes). */
export function useDebounced<T>(value: T, ms = 300): T {
  const [v, setV] = useState(value)
  useEffect(() => {
    const t = setTimeout(() => setV(value), ms)
    return () => clearTimeout(t)
  }, [value, ms])
  return v
}
