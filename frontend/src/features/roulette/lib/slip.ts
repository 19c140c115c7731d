/* The bet slip: chips placed on spots, checked against the rank's limits before a spin. */
import { betKey } from '../../../lib/games/roulette.ts'
import type { RouletteBet, RouletteInfo } from '../../../lib/protocol/types.ts'

export type Slip = readonly RouletteBet[]

export type SlipProblem = { kind: 'tooMany' } | { kind: 'overMax' } | { kind: 'overTable' } | { kind: 'underMin' }

export function slipTotal(slip: Slip): number {
  return slip.reduce((a, b) => a + b.amount, 0)
}

/** Adds a chip to a spot: the new slip, or the problem that stops it. */
export function addChip(slip: Slip, spot: Pick<RouletteBet, 'type' | 'value'>, chip: number, info: RouletteInfo): { slip: Slip } | { problem: SlipProblem } {
  const key = betKey(spot)
  const i = slip.findIndex((b) => betKey(b) === key)
  if (i < 0 && slip.length >= info.max_bets) return { problem: { kind: 'tooMany' } }
  const before = i < 0 ? 0 : (slip[i]?.amount ?? 0)
  if (before >= info.bet.max) return { problem: { kind: 'overMax' } }
  const amount = Math.min(info.bet.max, before + Math.max(chip, info.bet.min - before))
  if (slipTotal(slip) - before + amount > info.table_max) return { problem: { kind: 'overTable' } }
  const bet: RouletteBet = spot.value === undefined ? { type: spot.type, amount } : { type: spot.type, value: spot.value, amount }
  return { slip: i < 0 ? [...slip, bet] : slip.map((b, j) => (j === i ? bet : b)) }
}

/** What would stop this slip at the server, if anything. */
export function checkSlip(slip: Slip, info: RouletteInfo): SlipProblem | null {
  if (slip.length > info.max_bets) return { kind: 'tooMany' }
  if (slip.some((b) => b.amount < info.bet.min)) return { kind: 'underMin' }
  if (slip.some((b) => b.amount > info.bet.max)) return { kind: 'overMax' }
  if (slipTotal(slip) > info.table_max) return { kind: 'overTable' }
  return null
}

/** Chip values offered for the limits. */
export function chipValues(info: RouletteInfo): number[] {
  const set = new Set([info.bet.min, ...[10, 50, 100, 500, 1000, 5000, 10000, 50000].filter((v) => v > info.bet.min && v <= info.bet.max)])
  return [...set].sort((a, b) => a - b).slice(0, 6)
}
