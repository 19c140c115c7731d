import type { LedgerEntry } from './protocol/types.ts'

/** Ledger reasons whose ref is a round id: a game's bet and win, a pull's cost. */
const ROUND_REASONS = new Set(['bet', 'win', 'gacha'])

/** The round a ledger entry belongs to, or null. */
export function roundOf(e: LedgerEntry): string | null {
  return e.ref && ROUND_REASONS.has(e.reason) ? e.ref : null
}
