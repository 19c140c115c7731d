/* One slot machine's state: the bet, the spin in flight, what the reels show, the last result.
 * spin() resolves when the reels have landed, so auto-spin can simply await it. */
import { useCallback, useMemo, useRef, useState } from 'react'

import { club } from '../../../lib/club.ts'
import { visibleColumn } from '../../../lib/games/slot.ts'
import type { OpData, SlotInfo, SlotSymbol } from '../../../lib/protocol/types.ts'
import { useBalanceHold } from '../../../lib/useBalanceHold.ts'
import { useSession } from '../../../stores/session.ts'
import type { ReelTarget } from '../lib/tape.ts'
import { betLevels, isValidBet, nearestLevel } from '../lib/bets.ts'

export type SpinData = OpData<'slot.spin'>

export function useSlotMachine(info: SlotInfo | null) {
  const levels = info ? betLevels(info.bet, info.paylines.length) : []
  const [wanted, setBet] = useState(100)
  const bet = levels.length ? nearestLevel(levels, wanted) : wanted
  const [busy, setBusy] = useState(false)
  const [target, setTarget] = useState<ReelTarget | null>(null)
  const [landedColumns, setLandedColumns] = useState<SlotSymbol[][] | null>(null)
  const [result, setResult] = useState<SpinData | null>(null)
  const [error, setError] = useState<unknown>(null)
  const waiting = useRef<{ id: string; data: SpinData; resolve: (d: SpinData) => void } | null>(null)
  const inFlight = useRef(false)
  const { hold, release } = useBalanceHold()

  // Before the first spin the reels show a fixed spot of each strip. Memoized: the reels
  // restart their animation when the columns they start from change.
  const initial = useMemo(() => (info ? info.reels.map((strip, i) => visibleColumn(strip, (i * 7) % Math.max(1, strip.length))) : []), [info])
  const columns = landedColumns ?? initial

  const spin = useCallback(async (): Promise<SpinData | null> => {
    if (!info || inFlight.current) return null
    if (!isValidBet(bet, info.bet, info.paylines.length)) return null
    inFlight.current = true
    setBusy(true)
    setError(null)
    setResult(null)
    hold(bet)
    try {
      const data = await club.request('slot.spin', { bet })
      useSession.getState().receiveBalance(data.balance)
      return await new Promise<SpinData>((resolve) => {
        waiting.current = { id: data.round_id, data, resolve }
        setTarget({ id: data.round_id, columns: data.reels })
      })
    } catch (e) {
      release()
      setError(e)
      inFlight.current = false
      setBusy(false)
      return null
    }
  }, [info, bet, hold, release])

  const onLanded = useCallback((id: string) => {
    const w = waiting.current
    if (!w || w.id !== id) return
    waiting.current = null
    setLandedColumns(w.data.reels)
    setResult(w.data)
    release()
    inFlight.current = false
    setBusy(false)
    w.resolve(w.data)
  }, [release])

  return { levels, bet, setBet, busy, target, columns, result, error, spin, onLanded }
}
