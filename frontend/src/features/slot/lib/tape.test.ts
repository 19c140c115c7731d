import { describe, expect, it } from 'vitest'

import { evaluateSlot, findStop, lineRun, reelStops, visibleColumn, winningCells } from '../../../lib/games/slot.ts'
import type { SlotInfo, SlotSymbol } from '../../../lib/protocol/types.ts'
import { betLevels, isValidBet } from './bets.ts'
import { buildTape, tapeOffset } from './tape.ts'

const S = (s: string) => s.split(' ') as SlotSymbol[]
const STRIP = S('LEMON GRAPE CHERRY BELL SEVEN BAR WILD GRAPE LEMON')

// A server reply (slot.spin data), as the wire carries it.
const REPLY = {
  round_id: 'a1b2c3d4e5f60718',
  reels: [S('CHERRY BELL SEVEN'), S('WILD GRAPE LEMON'), S('LEMON GRAPE CHERRY'), S('BELL SEVEN BAR'), S('GRAPE LEMON LEMON')],
  lines: [],
  win: 0,
}

describe('reel positions from a server reply', () => {
  it('finds where each column sits on its strip', () => {
    expect(findStop(STRIP, S('CHERRY BELL SEVEN'))).toBe(2)
    expect(findStop(STRIP, S('GRAPE LEMON LEMON'))).toBe(7) // wraps around the end
    expect(findStop(STRIP, S('SEVEN SEVEN SEVEN'))).toBe(-1)
    expect(reelStops([STRIP, STRIP, STRIP, STRIP, STRIP], REPLY.reels)).toEqual([2, 6, 0, 3, 7])
    for (const [i, s] of [2, 6, 0, 3, 7].entries()) expect(visibleColumn(STRIP, s)).toEqual(REPLY.reels[i])
  })

  it('a tape starts on what is shown and ends exactly on the server column', () => {
    const current = S('BAR WILD GRAPE')
    for (const col of REPLY.reels) {
      const tape = buildTape(STRIP, current, col, findStop(STRIP, col), 20)
      expect(tape.distance).toBe(20)
      expect(tape.cells).toHaveLength(23)
      expect(tape.cells.slice(0, 3)).toEqual(col) // where it lands (translate 0)
      expect(tape.cells.slice(20)).toEqual(current) // where it starts (translate -distance)
      expect(tapeOffset(tape, 0)).toBe('0%')
      expect(tapeOffset(tape, tape.distance)).toBe(`${(-20 / 23) * 100}%`)
    }
  })

  it('between the ends the tape runs along the strip', () => {
    const col = REPLY.reels[0] ?? []
    const tape = buildTape(STRIP, S('BAR WILD GRAPE'), col, 2, 12)
    for (let j = 0; j < 12; j++) expect(tape.cells[j]).toBe(STRIP[(2 + j) % STRIP.length])
  })

  it('still lands on the server column when the strips are unknown', () => {
    const col = S('SEVEN SEVEN SEVEN')
    const tape = buildTape(STRIP, S('BAR WILD GRAPE'), col, -1, 5)
    expect(tape.cells.slice(0, 3)).toEqual(col)
  })
})

describe('paylines', () => {
  const info: Pick<SlotInfo, 'paylines' | 'paytable'> = {
    paylines: [
      [1, 1, 1, 1, 1],
      [0, 0, 0, 0, 0],
      [2, 2, 2, 2, 2],
      [0, 1, 2, 1, 0],
    ],
    paytable: [
      { symbol: 'CHERRY', count: 3, multiplier: 10 },
      { symbol: 'CHERRY', count: 4, multiplier: 30 },
      { symbol: 'WILD', count: 5, multiplier: 1000 },
    ],
  }

  it('runs from reel 0 with WILD standing in', () => {
    expect(lineRun(S('WILD WILD CHERRY CHERRY LEMON'))).toEqual({ symbol: 'CHERRY', count: 4 })
    expect(lineRun(S('WILD WILD WILD WILD WILD'))).toEqual({ symbol: 'WILD', count: 5 })
    expect(lineRun(S('CHERRY WILD LEMON CHERRY CHERRY'))).toEqual({ symbol: 'CHERRY', count: 2 })
  })

  it('pays floor(bet * multiplier / lines) per line and marks the cells', () => {
    const grid = [S('CHERRY LEMON GRAPE'), S('CHERRY WILD GRAPE'), S('WILD LEMON CHERRY'), S('LEMON GRAPE BELL'), S('BAR BAR BAR')]
    const { lines, win } = evaluateSlot(info, grid, 30)
    // line 1 (top): CHERRY CHERRY WILD LEMON -> 3 cherries: floor(30*10/4) = 75
    // line 3 (V): CHERRY WILD CHERRY GRAPE -> 3 cherries: 75
    expect(lines).toEqual([
      { line: 1, symbol: 'CHERRY', count: 3, win: 75 },
      { line: 3, symbol: 'CHERRY', count: 3, win: 75 },
    ])
    expect(win).toBe(150)
    expect([...winningCells(info.paylines, lines)].sort()).toEqual(['0:0', '1:0', '1:1', '2:0', '2:2'])
  })
})

describe('bets', () => {
  it('offers multiples of the line count within the limits', () => {
    expect(betLevels({ min: 10, max: 500 }, 10)).toEqual([10, 20, 30, 50, 100, 200, 300, 500])
    expect(betLevels({ min: 15, max: 95 }, 10)).toEqual([20, 30, 50, 90])
    expect(isValidBet(100, { min: 10, max: 500 }, 10)).toBe(true)
    expect(isValidBet(105, { min: 10, max: 500 }, 10)).toBe(false)
  })
})
