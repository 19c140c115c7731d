/* Item rarities in order. The seeded ones have tiers; any other name ranks with the commonest. */
import type { Rarity } from '../protocol/types.ts'

const TIERS: Record<string, number> = { LEGENDARY: 3, EPIC: 2, RARE: 1, COMMON: 0 }

/** 3 for the rarest seeded rarity down to 0 for the commonest (and for unknown names). */
export function rarityTier(r: Rarity): number {
  return TIERS[r] ?? 0
}

/** Rarest first, then by name. */
export function byRarity<T extends { rarity: Rarity; name: string }>(a: T, b: T): number {
  return rarityTier(b.rarity) - rarityTier(a.rarity) || a.name.localeCompare(b.name)
}
