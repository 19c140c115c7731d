/* Slot bets: a positive multiple of the number of paylines within the rank's limits. */
import type { BetLimits } from '../../../lib/protocol/types.ts'

const LEVELS = [10, 20, 30, 50, 100, 200, 300, 500, 1000, 2000, 3000, 5000, 10000, 20000, 50000, 100000]

/** The bets the stepper offers: round levels that are allowed, plus the min and max. */
export function betLevels(limits: BetLimits, lines: number): number[] {
  const step = Math.max(1, lines)
  const min = Math.ceil(limits.min / step) * step
  const max = Math.floor(limits.max / step) * step
  if (max < min) return []
  const set = new Set([min, max, ...LEVELS.filter((b) => b > min && b < max && b % step === 0)])
  return [...set].sort((a, b) => a - b)
}

/** The level nearest to a wanted bet (for keeping the bet when limits change). */
export function nearestLevel(levels: readonly number[], want: number): number {
  let best = levels[0] ?? 0
  for (const l of levels) if (Math.abs(l - want) < Math.abs(best - want)) best = l
  return best
}

export function isValidBet(bet: number, limits: BetLimits, lines: number): boolean {
  return Number.isInteger(bet) && bet >= limits.min && bet <= limits.max && bet % Math.max(1, lines) === 0
}
