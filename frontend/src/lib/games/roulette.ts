/* European roulette rules (PROTOCOL.md) shared by the table, round details and the verifier. */
import type { RouletteBet, RouletteBetType, RouletteColor } from '../protocol/types.ts'

export const POCKETS = 37

export const RED_NUMBERS: ReadonlySet<number> = new Set([
  1, 3, 5, 7, 9, 12, 14, 16, 18, 19, 21, 23, 25, 27, 30, 32, 34, 36,
])

/** Pocket order around a European wheel, clockwise from 0. */
export const WHEEL_ORDER: readonly number[] = [
  0, 32, 15, 19, 4, 21, 2, 25, 17, 34, 6, 27, 13, 36, 11, 30, 8, 23, 10, 5, 24, 16, 33, 1, 20, 14,
  31, 9, 22, 18, 29, 7, 28, 12, 35, 3, 26,
]

export function colorOf(n: number): RouletteColor {
  if (n === 0) return 'green'
  return RED_NUMBERS.has(n) ? 'red' : 'black'
}

/** Types that need a value, with its range. */
export const VALUE_RANGE: Partial<Record<RouletteBetType, readonly [number, number]>> = {
  straight: [0, 36],
  dozen: [1, 3],
  column: [1, 3],
}

/** Whether a bet wins on a number. */
export function betWins(bet: Pick<RouletteBet, 'type' | 'value'>, n: number): boolean {
  const v = bet.value ?? -1
  if (bet.type === 'straight') return n === v
  if (n === 0) return false
  switch (bet.type) {
    case 'red':
      return RED_NUMBERS.has(n)
    case 'black':
      return !RED_NUMBERS.has(n)
    case 'odd':
      return n % 2 === 1
    case 'even':
      return n % 2 === 0
    case 'low':
      return n <= 18
    case 'high':
      return n >= 19
    case 'dozen':
      return Math.ceil(n / 12) === v
    case 'column':
      return ((n - 1) % 3) + 1 === v
  }
}

export function multiplierOf(type: RouletteBetType): number {
  if (type === 'straight') return 36
  return type === 'dozen' || type === 'column' ? 3 : 2
}

/** What a bet returns on a number (stake included), 0 when it loses. */
export function payoutOf(bet: RouletteBet, n: number): number {
  return betWins(bet, n) ? bet.amount * multiplierOf(bet.type) : 0
}

/** A stable key for one spot on the table (also the bet's identity in the UI). */
export function betKey(bet: Pick<RouletteBet, 'type' | 'value'>): string {
  return bet.value === undefined ? bet.type : `${bet.type}:${bet.value}`
}
