/* Hash routes (#/slot, #/round/abc): the edge serves files only, so every deep link must
 * resolve to index.html, and a hash never reaches the server. */
import { useMemo, useSyncExternalStore } from 'react'

export interface Route {
  /** The path after '#', always starting with '/'. */
  path: string
  /** Path segments: '#/round/ab12' -> ['round', 'ab12']. */
  parts: string[]
  query: URLSearchParams
}

function read(): string {
  return location.hash.replace(/^#/, '') || '/'
}

function subscribe(fn: () => void): () => void {
  window.addEventListener('hashchange', fn)
  return () => window.removeEventListener('hashchange', fn)
}

export function parseRoute(hash: string): Route {
  const [path = '/', search = ''] = hash.split('?')
  return { path, parts: path.split('/').filter(Boolean).map(decodeURIComponent), query: new URLSearchParams(search) }
}

export function useRoute(): Route {
  const hash = useSyncExternalStore(subscribe, read, () => '/')
  return useMemo(() => parseRoute(hash), [hash])
}

export function href(path: string): string {
  return `#${path}`
}

export function navigate(path: string, replace = false): void {
  if (replace) history.replaceState(null, '', href(path))
  else location.hash = path
  if (replace) window.dispatchEvent(new HashChangeEvent('hashchange'))
}
