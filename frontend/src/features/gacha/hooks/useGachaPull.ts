/* Pulls on a banner: one in flight at a time, each attempt with its own idem (kept for a
 * second press after a timeout, see lib/attempt.ts), the balance from the reply. */
import { useCallback, useRef, useState } from 'react'

import { Attempts } from '../../../lib/attempt.ts'
import { club } from '../../../lib/club.ts'
import type { OpData } from '../../../lib/protocol/types.ts'
import { useSession } from '../../../stores/session.ts'

export type PullData = OpData<'gacha.pull'>
export type PullCount = 1 | 10

/* Module-wide, so an attempt left open survives the dialog or the page closing. */
const attempts = new Attempts()

export function useGachaPull(onPulled: (d: PullData) => void) {
  const [busy, setBusy] = useState<{ banner: string; count: PullCount } | null>(null)
  const [result, setResult] = useState<PullData | null>(null)
  const [error, setError] = useState<{ banner: string; error: unknown } | null>(null)
  const inFlight = useRef(false)

  const pull = useCallback(
    async (banner: string, count: PullCount) => {
      if (inFlight.current) return
      inFlight.current = true
      setBusy({ banner, count })
      setError(null)
      try {
        const d = await attempts.run(`${banner}:${count}`, (idem) => club.request('gacha.pull', { banner_id: banner, count }, { idem }))
        useSession.getState().receiveBalance(d.balance)
        setResult(d)
        onPulled(d)
      } catch (e) {
        setError({ banner, error: e })
      } finally {
        inFlight.current = false
        setBusy(null)
      }
    },
    [onPulled],
  )

  /** A pull on this banner has an attempt whose outcome is unknown (pressing again resumes it). */
  const pending = (banner: string, count: PullCount) => attempts.pending(`${banner}:${count}`)

  return { busy, result, error, pull, pending }
}
