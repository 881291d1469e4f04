export interface Health {
  status: string
  version?: string
}

/** GET /healthz (outside /api/v1, no auth). Resolves null when the server cannot be reached or answers oddly. */
export async function fetchHealth(signal?: AbortSignal): Promise<Health | null> {
  try {
    const res = await fetch('/healthz', { headers: { Accept: 'application/json' }, signal })
    if (!res.ok) return null
    const data: unknown = await res.json()
    if (!data || typeof data !== 'object') return null
    const h = data as Record<string, unknown>
    return { status: String(h.status ?? 'ok'), version: typeof h.version === 'string' ? h.version : undefined }
  } catch {
    return null
  }
}
