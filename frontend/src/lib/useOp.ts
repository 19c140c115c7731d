/* Loading data from one op into a component: the reply, the error, and a reload. The data
 * of the previous load stays on show while a reload is under way. */
import { useCallback, useEffect, useState } from 'react'

import { club } from './club.ts'
import type { OpArgs, OpName } from './protocol/ops.gen.ts'
import type { OpData } from './protocol/types.ts'

export interface OpState<T> {
  data: T | null
  error: unknown
  loading: boolean
  reload: () => void
}

export function useOp<O extends OpName>(op: O, args?: OpArgs[O], enabled = true): OpState<OpData<O>> {
  const [tick, setTick] = useState(0)
  const argsJson = JSON.stringify(args ?? null)
  const key = `${op}\n${argsJson}\n${tick}`
  const [state, setState] = useState<{ key: string; data: OpData<O> | null; error: unknown }>({ key: '', data: null, error: null })

  useEffect(() => {
    if (!enabled) return
    let live = true
    const a = JSON.parse(argsJson) as OpArgs[O] | null
    club
      .request(op, a ?? undefined)
      .then((data) => live && setState({ key, data, error: null }))
      .catch((error: unknown) => live && setState((s) => ({ key, data: s.data, error })))
    return () => {
      live = false
    }
  }, [op, argsJson, key, enabled])

  const reload = useCallback(() => setTick((n) => n + 1), [])
  const current = state.key === key
  return { data: state.data, error: current ? state.error : null, loading: enabled && !current, reload }
}
