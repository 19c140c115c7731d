import { describe, expect, it } from 'vitest'

import { betWins, colorOf, payoutOf, WHEEL_ORDER } from '../../../lib/games/roulette.ts'
import { rpsPayout, rpsResult } from '../../../lib/games/rps.ts'
import type { RouletteInfo } from '../../../lib/protocol/types.ts'
import { SPOTS } from './layout.ts'
import { addChip, checkSlip } from './slip.ts'
import { nextAngle, restingAngle } from './wheel.ts'

const INFO: RouletteInfo = { bet: { min: 10, max: 1000 }, table_max: 1500, max_bets: 3, payouts: {} }

describe('roulette rules', () => {
  it('pays per PROTOCOL.md', () => {
    expect(payoutOf({ type: 'straight', value: 17, amount: 10 }, 17)).toBe(360)
    expect(payoutOf({ type: 'straight', value: 0, amount: 10 }, 0)).toBe(360)
    expect(payoutOf({ type: 'red', amount: 10 }, 0)).toBe(0)
    expect(payoutOf({ type: 'dozen', value: 3, amount: 10 }, 25)).toBe(30)
    expect(betWins({ type: 'column', value: 1 }, 34)).toBe(true)
    expect(betWins({ type: 'column', value: 3 }, 36)).toBe(true)
    expect(betWins({ type: 'low' }, 18)).toBe(true)
    expect(betWins({ type: 'high' }, 18)).toBe(false)
    expect(colorOf(5)).toBe('red')
    expect(colorOf(10)).toBe('black')
  })

  it('the table has every bet: 37 numbers, 3 dozens, 3 columns, 6 outside', () => {
    expect(SPOTS).toHaveLength(49)
    expect(new Set(SPOTS.filter((s) => s.type === 'straight').map((s) => s.value))).toEqual(new Set(Array.from({ length: 37 }, (_, i) => i)))
    expect(SPOTS.filter((s) => s.value === undefined).map((s) => s.type).sort()).toEqual(['black', 'even', 'high', 'low', 'odd', 'red'])
  })

  it('the wheel turns forward and stops with the number under the pointer', () => {
    expect(WHEEL_ORDER).toHaveLength(37)
    let a = 0
    for (const n of [5, 0, 26, 32, 5]) {
      const b = nextAngle(a, n, 4)
      expect(b - a).toBeGreaterThanOrEqual(4 * 360)
      expect(((b % 360) + 360) % 360).toBeCloseTo(restingAngle(n))
      a = b
    }
  })
})

describe('bet slip', () => {
  it('adds chips per spot within the limits', () => {
    let r = addChip([], { type: 'red' }, 5, INFO)
    expect(r).toEqual({ slip: [{ type: 'red', amount: 10 }] }) // raised to the minimum
    if (!('slip' in r)) throw new Error()
    r = addChip(r.slip, { type: 'red' }, 500, INFO)
    expect('slip' in r && r.slip).toEqual([{ type: 'red', amount: 510 }])
    if (!('slip' in r)) throw new Error()
    const s2 = addChip(r.slip, { type: 'straight', value: 0 }, 1000, INFO)
    expect(s2).toEqual({ problem: { kind: 'overTable' } })
    const s3 = addChip(r.slip, { type: 'straight', value: 0 }, 100, INFO)
    if (!('slip' in s3)) throw new Error()
    const s4 = addChip(s3.slip, { type: 'dozen', value: 2 }, 100, INFO)
    if (!('slip' in s4)) throw new Error()
    expect(addChip(s4.slip, { type: 'odd' }, 100, INFO)).toEqual({ problem: { kind: 'tooMany' } })
    expect(checkSlip(s4.slip, INFO)).toBeNull()
  })
})

describe('rps', () => {
  it('paper beats rock, rock beats scissors, scissors beat paper', () => {
    expect(rpsResult('paper', 'rock')).toBe('win')
    expect(rpsResult('rock', 'scissors')).toBe('win')
    expect(rpsResult('scissors', 'paper')).toBe('win')
    expect(rpsResult('rock', 'paper')).toBe('lose')
    expect(rpsResult('rock', 'rock')).toBe('draw')
    expect(rpsPayout('win', 101)).toBe(195)
    expect(rpsPayout('draw', 101)).toBe(101)
    expect(rpsPayout('lose', 101)).toBe(0)
  })
})
