/* The look of each rarity tier (lib/games/rarity.ts), for badges, tiles and reveal cards. */
import { rarityTier } from '../../lib/games/rarity.ts'
import type { Rarity } from '../../lib/protocol/types.ts'

/** Text, border and glow classes per tier, commonest first. */
export const RARITY_TONE = [
  { text: 'text-dim', border: 'border-line', glow: '' },
  { text: 'text-neon', border: 'border-neon/70', glow: 'shadow-[0_0_14px_rgb(34_211_238/0.35)]' },
  { text: 'text-hot', border: 'border-hot/80', glow: 'shadow-[var(--glow-hot)]' },
  { text: 'text-gold', border: 'border-gold', glow: 'shadow-[0_0_18px_rgb(252_211_77/0.55),0_0_40px_rgb(252_211_77/0.25)]' },
] as const

export function rarityTone(r: Rarity) {
  return RARITY_TONE[rarityTier(r)] ?? RARITY_TONE[0]
}
