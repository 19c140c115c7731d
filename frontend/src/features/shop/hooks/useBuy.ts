/* One purchase attempt at a time; its idem stays for "Try again" after a timeout or a drop
 * (lib/attempt.ts), so the retry completes the same purchase instead of buying twice. */
import { useCallback, useState } from 'react'

import { Attempts } from '../../../lib/attempt.ts'
import { club } from '../../../lib/club.ts'
import type { OpData } from '../../../lib/protocol/types.ts'
import { useSession } from '../../../stores/session.ts'

export type Bought = OpData<'shop.buy'>

/* Module-wide, so an attempt left open survives the dialog or the page closing. */
const attempts = new Attempts()

export function useBuy() {
  const [busy, setBusy] = useState(false)
  const [error, setError] = useState<unknown>(null)

  const buy = useCallback(
    async (sku: string): Promise<Bought | null> => {
      setBusy(true)
      setError(null)
      try {
        const d = await attempts.run(`buy:${sku}`, (idem) => club.request('shop.buy', { sku }, { idem }))
        useSession.getState().receiveBalance(d.balance)
        return d
      } catch (e) {
        setError(e)
        return null
      } finally {
        setBusy(false)
      }
    },
    [],
  )

  const clearError = useCallback(() => setError(null), [])
  const pending = (sku: string) => attempts.pending(`buy:${sku}`)
  return { buy, busy, error, clearError, pending }
}
