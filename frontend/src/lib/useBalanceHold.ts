/* Holds the balance on screen while a round animates (see stores/session.ts), and lets go
 * when the component goes away mid-round. */
import { useCallback, useEffect, useRef } from 'react'

import { useSession } from '../stores/session.ts'

export function useBalanceHold(): { hold: (stake: number) => void; release: () => void } {
  const held = useRef(false)
  const release = useCallback(() => {
    if (!held.current) return
    held.current = false
    useSession.getState().releaseBalance()
  }, [])
  const hold = useCallback(
    (stake: number) => {
      release()
      held.current = true
      useSession.getState().holdBalance(stake)
    },
    [release],
  )
  useEffect(() => release, [release])
  return { hold, release }
}
