/* Auto-spin: N spins in a row that stop early on a win, when the balance falls below a limit,
 * on any error, or when the player says stop. */
import { useCallback, useEffect, useRef, useState } from 'react'

import type { SpinData } from './useSlotMachine.ts'

export interface AutoOptions {
  count: number
  stopOnWin: boolean
  /** Stop once coins are below this (null: no limit). */
  stopBelow: number | null
}

export type StopReason = 'done' | 'win' | 'balance' | 'error' | 'user'

/** Why a run of spins should stop after this result, or null to go on. */
export function stopReason(opts: AutoOptions, left: number, r: SpinData | null, bet: number): StopReason | null {
  if (!r) return 'error'
  if (opts.stopOnWin && r.win > 0) return 'win'
  if (opts.stopBelow !== null && r.balance.coins < opts.stopBelow) return 'balance'
  if (r.balance.coins < bet) return 'balance'
  return left <= 0 ? 'done' : null
}

export function useAutoSpin(spin: () => Promise<SpinData | null>, bet: number) {
  const [left, setLeft] = useState<number | null>(null)
  const [stopped, setStopped] = useState<StopReason | null>(null)
  const stop = useRef(false)
  const alive = useRef(true)
  const spinRef = useRef(spin)
  const betRef = useRef(bet)
  useEffect(() => {
    spinRef.current = spin
    betRef.current = bet
  })
  useEffect(() => {
    alive.current = true
    return () => {
      alive.current = false
      stop.current = true
    }
  }, [])

  const start = useCallback(async (opts: AutoOptions) => {
    stop.current = false
    setStopped(null)
    let n = opts.count
    let reason: StopReason | null = null
    while (!reason) {
      if (stop.current) {
        reason = 'user'
        break
      }
      setLeft(n)
      const r = await spinRef.current()
      n--
      if (!alive.current) return
      reason = stopReason(opts, n, r, betRef.current)
      if (!reason) await new Promise((res) => setTimeout(res, 350))
    }
    setLeft(null)
    setStopped(reason)
  }, [])

  return { running: left !== null, left, stopped, start, stop: () => (stop.current = true) }
}
