/* Re-computes a stored round from its revealed server seed and compares every field the
 * round records with what the rules in PROTOCOL.md give. */
import { evaluateSlot, visibleColumn } from '../games/slot.ts'
import { colorOf, payoutOf, POCKETS } from '../games/roulette.ts'
import { RPS_CHOICES, rpsPayout, rpsResult } from '../games/rps.ts'
import type { GameRound, SlotInfo } from '../protocol/types.ts'
import { FairStream, sha256Hex } from './stream.ts'

export interface Check {
  /** What is compared, as an i18n-free key: hash, reels, lines, win, number, color, bets, house, result. */
  field: string
  expected: string
  actual: string
  ok: boolean
}

export interface Verification {
  ok: boolean
  checks: Check[]
  /** The u32 reads the outcome used (rejections included), for display. */
  reads: number[]
  /** The draws: slot stops, the roulette number or the house choice index. */
  draws: number[]
}

/** One compared field: equal when their JSON is. */
export function check(field: string, expected: unknown, actual: unknown): Check {
  const e = JSON.stringify(expected)
  const a = JSON.stringify(actual)
  return { field, expected: e, actual: a, ok: e === a }
}

/** Slot stops, reel by reel: stop i = uniform(length of strip i). */
export async function slotStopsFor(stream: FairStream, lengths: readonly number[]): Promise<number[]> {
  const stops: number[] = []
  for (const len of lengths) stops.push(await stream.uniform(len))
  return stops
}

/**
 * Verifies a round. `serverSeed` is the revealed seed (the round's proof carries it once the
 * pair was rotated); `slot` is slot.info (the strips, paylines and paytable) for slot rounds.
 * Gacha rounds follow the gacha rule (features/gacha/lib/pull.ts, verifyPull).
 */
export async function verifyRound(round: GameRound, serverSeed: string, slot?: Pick<SlotInfo, 'reels' | 'paylines' | 'paytable'>): Promise<Verification> {
  const { proof } = round
  const checks: Check[] = [check('hash', proof.server_seed_hash, await sha256Hex(serverSeed))]
  const stream = await FairStream.create(serverSeed, proof.client_seed, proof.nonce)
  let draws: number[]

  if (round.game === 'slot') {
    if (!slot) throw new Error('slot rounds need slot.info to verify')
    draws = await slotStopsFor(stream, slot.reels.map((r) => r.length))
    const grid = draws.map((s, i) => visibleColumn(slot.reels[i] ?? [], s))
    const { lines, win } = evaluateSlot(slot, grid, round.bet)
    checks.push(check('reels', grid, round.outcome.reels))
    checks.push(check('lines', lines, round.outcome.lines.map(({ line, symbol, count, win: w }) => ({ line, symbol, count, win: w }))))
    checks.push(check('win', win, round.win))
  } else if (round.game === 'roulette') {
    const n = await stream.uniform(POCKETS)
    draws = [n]
    checks.push(check('number', n, round.outcome.number))
    checks.push(check('color', colorOf(n), round.outcome.color))
    const bets = round.outcome.bets.map((b) => payoutOf(b, n))
    checks.push(check('bets', bets, round.outcome.bets.map((b) => b.win)))
    checks.push(check('win', bets.reduce((a, b) => a + b, 0), round.win))
  } else {
    const h = await stream.uniform(3)
    draws = [h]
    const house = RPS_CHOICES[h] ?? 'rock'
    const result = rpsResult(round.outcome.choice, house)
    checks.push(check('house', house, round.outcome.house))
    checks.push(check('result', result, round.outcome.result))
    checks.push(check('win', rpsPayout(result, round.bet), round.win))
  }
  return { ok: checks.every((c) => c.ok), checks, reads: [...stream.reads], draws }
}
