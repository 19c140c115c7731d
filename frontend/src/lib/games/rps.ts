/* Rock-paper-scissors rules (PROTOCOL.md). */
import type { RpsChoice, RpsResult } from '../protocol/types.ts'

/** In the order the fair stream indexes them: 0 rock, 1 paper, 2 scissors. */
export const RPS_CHOICES: readonly RpsChoice[] = ['rock', 'paper', 'scissors']

export function rpsResult(choice: RpsChoice, house: RpsChoice): RpsResult {
  if (choice === house) return 'draw'
  const c = RPS_CHOICES.indexOf(choice)
  const h = RPS_CHOICES.indexOf(house)
  return (c - h + 3) % 3 === 1 ? 'win' : 'lose'
}

export function rpsPayout(result: RpsResult, bet: number): number {
  if (result === 'win') return Math.floor((bet * 194) / 100)
  return result === 'draw' ? bet : 0
}
