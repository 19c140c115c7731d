/* Item rarities: a colour and a text label (and pips), never the colour alone. The seeded
 * rarities have their own looks; any other name falls back to the plain one. */
import { rarityTier } from '../../lib/games/rarity.ts'
import { useMessages } from '../../lib/i18n/i18n.ts'
import type { Rarity } from '../../lib/protocol/types.ts'
import { gameMessages } from './messages.ts'
import { rarityTone } from './rarityTone.ts'

/** The rarity's name as a small badge, with pips (one per tier) for a second cue. */
export function RarityBadge({ rarity, className = '' }: { rarity: Rarity; className?: string }) {
  const t = useMessages(gameMessages)
  const tone = rarityTone(rarity)
  const tier = rarityTier(rarity)
  return (
    <span data-rarity={rarity} className={`inline-flex items-center gap-1 rounded border px-1.5 py-0.5 text-[0.68rem] font-bold uppercase tracking-wider ${tone.text} ${tone.border} ${className}`}>
      <span aria-hidden="true">{'◆'.repeat(tier + 1)}</span>
      {t.rarities[rarity] ?? rarity}
    </span>
  )
}

const ART_BG = [
  'from-panel-2 to-bg',
  'from-[rgb(34_211_238/0.28)] to-bg',
  'from-[rgb(255_93_220/0.32)] to-bg',
  'from-[rgb(252_211_77/0.38)] to-[rgb(255_93_220/0.18)]',
] as const

/** An item's tile art: its initials on a ground in its rarity's colour. Decorative. */
export function ItemArt({ name, rarity, className = 'size-14 text-lg' }: { name: string; rarity: Rarity; className?: string }) {
  const tier = rarityTier(rarity)
  const tone = rarityTone(rarity)
  const initials = name
    .split(/\s+/)
    .filter(Boolean)
    .slice(0, 2)
    .map((w) => w[0]?.toUpperCase() ?? '')
    .join('')
  return (
    <span aria-hidden="true" className={`inline-flex shrink-0 items-center justify-center rounded-xl border-2 bg-linear-to-br font-display font-bold ${ART_BG[tier] ?? ART_BG[0]} ${tone.border} ${tone.text} ${tone.glow} ${className}`}>
      {initials}
    </span>
  )
}
