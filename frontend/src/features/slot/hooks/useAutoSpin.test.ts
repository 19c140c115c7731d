import { describe, expect, it } from 'vitest'

import { stopReason, type AutoOptions } from './useAutoSpin.ts'
import type { SpinData } from './useSlotMachine.ts'

const spin = (win: number, coins: number) => ({ win, balance: { coins, gems: 0 } }) as SpinData
const opts = (o: Partial<AutoOptions> = {}): AutoOptions => ({ count: 10, stopOnWin: false, stopBelow: null, ...o })

describe('auto-spin stop conditions', () => {
  it('runs N spins', () => {
    expect(stopReason(opts(), 3, spin(0, 1000), 10)).toBeNull()
    expect(stopReason(opts(), 0, spin(0, 1000), 10)).toBe('done')
  })
  it('stops on a win when asked', () => {
    expect(stopReason(opts({ stopOnWin: true }), 5, spin(20, 1000), 10)).toBe('win')
    expect(stopReason(opts(), 5, spin(20, 1000), 10)).toBeNull()
  })
  it('stops when the balance falls below the limit, or below the bet', () => {
    expect(stopReason(opts({ stopBelow: 500 }), 5, spin(0, 499), 10)).toBe('balance')
    expect(stopReason(opts({ stopBelow: 500 }), 5, spin(0, 500), 10)).toBeNull()
    expect(stopReason(opts(), 5, spin(0, 99), 100)).toBe('balance')
  })
  it('stops on an error', () => {
    expect(stopReason(opts(), 5, null, 10)).toBe('error')
  })
})
