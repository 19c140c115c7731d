/* What an offer or a purchase gives, as the words of a list: coins, gems, then each item. */
import type { Grants } from '../../../lib/protocol/types.ts'

export interface GrantWords {
  coins: (n: string) => string
  gems: (n: string) => string
  item: (name: string, qty: string) => string
}

export function grantLines(g: Grants, w: GrantWords, fmt: (n: number) => string): string[] {
  const out: string[] = []
  if (g.coins) out.push(w.coins(fmt(g.coins)))
  if (g.gems) out.push(w.gems(fmt(g.gems)))
  for (const it of g.items ?? []) out.push(w.item(it.name, fmt(it.qty)))
  return out
}
