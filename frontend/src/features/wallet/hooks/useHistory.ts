/* wallet.history, page by page: `before` is the last id of the page already shown. */
import { useEffect, useState } from 'react'

import { club } from '../../../lib/club.ts'
import type { LedgerEntry } from '../../../lib/protocol/types.ts'

export const PAGE = 20

interface State {
  entries: LedgerEntry[]
  loading: boolean
  done: boolean
  error: unknown
}

function fetchPage(before?: number) {
  return club.request('wallet.history', before === undefined ? { limit: PAGE } : { limit: PAGE, before })
}

export function useHistory() {
  const [s, setS] = useState<State>({ entries: [], loading: true, done: false, error: null })
  const [generation, setGeneration] = useState(0)

  // The first page (again after reload()).
  useEffect(() => {
    let live = true
    fetchPage()
      .then((d) => live && setS({ entries: d.entries, loading: false, done: d.entries.length < PAGE, error: null }))
      .catch((error: unknown) => live && setS((p) => ({ ...p, loading: false, error })))
    return () => {
      live = false
    }
  }, [generation])

  const more = () => {
    const last = s.entries[s.entries.length - 1]
    if (!last || s.loading) return
    setS((p) => ({ ...p, loading: true, error: null }))
    fetchPage(last.id)
      .then((d) => setS((p) => ({ entries: [...p.entries, ...d.entries], loading: false, done: d.entries.length < PAGE, error: null })))
      .catch((error: unknown) => setS((p) => ({ ...p, loading: false, error })))
  }

  const reload = () => {
    setS((p) => ({ ...p, loading: true, error: null }))
    setGeneration((g) => g + 1)
  }

  return { ...s, more, reload }
}
