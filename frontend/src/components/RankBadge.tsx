import { common } from '../lib/i18n/common.ts'
import { useMessages } from '../lib/i18n/i18n.ts'
import type { Rank } from '../lib/protocol/types.ts'

const STYLES: Record<Rank, string> = {
  STANDARD: 'border-line text-dim',
  PREMIUM: 'border-neon text-neon',
  VIP: 'border-gold text-gold',
}

export function RankBadge({ rank }: { rank: Rank }) {
  const t = useMessages(common)
  return (
    <span
      data-testid="rank"
      data-rank={rank}
      title={t.rank(t.rankName(rank))}
      className={`inline-flex items-center rounded-md border px-2 py-0.5 font-display text-xs font-bold uppercase tracking-widest ${STYLES[rank]}`}
    >
      <span className="sr-only">{t.rank('')}</span>
      {t.rankName(rank)}
    </span>
  )
}
