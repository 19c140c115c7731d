/* The roulette table's state: the slip, the spin in flight, the wheel's target, the results. */
import { useCallback, useRef, useState } from 'react'

import { club } from '../../../lib/club.ts'
import type { OpData, RouletteInfo } from '../../../lib/protocol/types.ts'
import { useBalanceHold } from '../../../lib/useBalanceHold.ts'
import { useSession } from '../../../stores/session.ts'
import type { WheelTarget } from '../lib/wheel.ts'
import type { Spot } from '../lib/layout.ts'
import { addChip, checkSlip, slipTotal, type Slip, type SlipProblem } from '../lib/slip.ts'

export type RouletteSpin = OpData<'roulette.spin'>

export function useRoulette(info: RouletteInfo | null) {
  const [slip, setSlip] = useState<Slip>([])
  const [history, setHistory] = useState<Slip[]>([])
  const [lastSlip, setLastSlip] = useState<Slip>([])
  const [problem, setProblem] = useState<SlipProblem | null>(null)
  const [busy, setBusy] = useState(false)
  const [target, setTarget] = useState<WheelTarget | null>(null)
  const [result, setResult] = useState<RouletteSpin | null>(null)
  const [recent, setRecent] = useState<number[]>([])
  const [error, setError] = useState<unknown>(null)
  const waiting = useRef<RouletteSpin | null>(null)
  const { hold, release } = useBalanceHold()

  const place = (spot: Spot, chip: number) => {
    if (!info) return
    const r = addChip(slip, spot, chip, info)
    if ('problem' in r) {
      setProblem(r.problem)
      return
    }
    setProblem(null)
    setError(null)
    setHistory((h) => [...h, slip])
    setSlip(r.slip)
  }
  const undo = () => {
    setProblem(null)
    setSlip(history[history.length - 1] ?? [])
    setHistory((h) => h.slice(0, -1))
  }
  const clear = () => {
    setProblem(null)
    if (slip.length) setHistory((h) => [...h, slip])
    setSlip([])
  }
  const rebet = () => {
    setProblem(null)
    setHistory((h) => [...h, slip])
    setSlip(lastSlip)
  }

  const spin = async () => {
    if (!info || busy || slip.length === 0) return
    const p = checkSlip(slip, info)
    if (p) {
      setProblem(p)
      return
    }
    setBusy(true)
    setError(null)
    setProblem(null)
    hold(slipTotal(slip))
    try {
      const data = await club.request('roulette.spin', { bets: [...slip] })
      useSession.getState().receiveBalance(data.balance)
      waiting.current = data
      setTarget({ id: data.round_id, number: data.number })
    } catch (e) {
      release()
      setError(e)
      setBusy(false)
    }
  }

  const onLanded = useCallback(
    (id: string) => {
      const d = waiting.current
      if (!d || d.round_id !== id) return
      waiting.current = null
      setResult(d)
      setRecent((r) => [d.number, ...r].slice(0, 12))
      setLastSlip(d.bets.map(({ type, value, amount }) => (value === undefined ? { type, amount } : { type, value, amount })))
      setSlip([])
      setHistory([])
      release()
      setBusy(false)
    },
    [release],
  )

  return { slip, total: slipTotal(slip), problem, busy, target, result, recent, error, lastSlip, place, undo, clear, rebet, spin, onLanded, canUndo: history.length > 0 }
}
