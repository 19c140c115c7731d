/* A list read page by page, newest first: `before` is the last id already shown. The first
 * page loads again when `key` changes (a filter) or on reload(); older pages on more(). */
import { useCallback, useEffect, useRef, useState } from 'react'

export interface Pages<T> {
  items: T[]
  loading: boolean
  /** The last page was shorter than a page: there is nothing older. */
  done: boolean
  error: unknown
  more: () => void
  reload: () => void
}

interface State<T> {
  at: string
  items: T[]
  done: boolean
  error: unknown
  busy: boolean
}

export function usePages<T extends { id: number }>(key: string, fetchPage: (before: number | undefined) => Promise<T[]>, size: number): Pages<T> {
  const [generation, setGeneration] = useState(0)
  const at = `${key}\n${generation}`
  const [s, setS] = useState<State<T>>({ at: '', items: [], done: false, error: null, busy: false })
  const fetchRef = useRef(fetchPage)
  useEffect(() => {
    fetchRef.current = fetchPage
  })

  // The first page. A reload keeps what is shown until the new page is in; a new key does not.
  useEffect(() => {
    let live = true
    fetchRef
      .current(undefined)
      .then((items) => live && setS({ at, items, done: items.length < size, error: null, busy: false }))
      .catch((error: unknown) => live && setS((p) => ({ at, items: p.at.startsWith(`${key}\n`) ? p.items : [], done: false, error, busy: false })))
    return () => {
      live = false
    }
  }, [at, key, size])

  const current = s.at === at
  const more = useCallback(() => {
    const last = s.items[s.items.length - 1]
    if (!current || !last || s.busy) return
    setS((p) => ({ ...p, busy: true, error: null }))
    fetchRef
      .current(last.id)
      .then((items) => setS((p) => (p.at === at ? { ...p, items: [...p.items, ...items], done: items.length < size, busy: false } : p)))
      .catch((error: unknown) => setS((p) => (p.at === at ? { ...p, error, busy: false } : p)))
  }, [at, current, s.items, s.busy, size])

  const reload = useCallback(() => setGeneration((g) => g + 1), [])
  const sameKey = s.at.startsWith(`${key}\n`)
  return {
    items: sameKey ? s.items : [],
    loading: !current || s.busy,
    done: current && s.done,
    error: current ? s.error : null,
    more,
    reload,
  }
}
