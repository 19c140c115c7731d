import { gameMessages } from '../../../components/game/messages.ts'
import { useMessages } from '../../../lib/i18n/i18n.ts'
import type { GachaBanner, PlayerPity } from '../../../lib/protocol/types.ts'
import { gachaMessages } from '../messages.ts'

/** The player's pity on a banner: pulls since the last top item on a bar from 0 to hard (soft
 * pity marked), how soon a top item is certain, and what the next one will be. */
export function PityMeter({ banner, pity }: { banner: GachaBanner; pity: PlayerPity }) {
  const t = useMessages(gachaMessages)
  const g = useMessages(gameMessages)
  const topRarity = banner.rates[0]?.rarity ?? ''
  const top = g.rarities[topRarity] ?? topRarity
  const { soft, hard } = banner.pity
  const pct = (n: number) => `${Math.min(100, (n / hard) * 100)}%`
  const soon = pity.count + 1 >= soft

  return (
    <section aria-labelledby="pity-h" className="flex flex-col gap-2 rounded-xl border border-line bg-panel-2/50 p-3" data-testid="pity" data-count={pity.count} data-guaranteed={pity.guaranteed}>
      <div className="flex flex-wrap items-baseline justify-between gap-x-3">
        <h3 id="pity-h" className="text-xs font-semibold uppercase tracking-widest text-dim">
          {t.pityTitle}
        </h3>
        <p className="font-mono text-sm" data-testid="pity-count">
          {t.sinceTop(pity.count, top)}
        </p>
      </div>
      <div
        role="progressbar"
        aria-label={t.pityTitle}
        aria-valuemin={0}
        aria-valuemax={hard}
        aria-valuenow={pity.count}
        aria-valuetext={t.pityMeter(pity.count, hard)}
        className="relative h-3 overflow-hidden rounded-full border border-line bg-bg"
      >
        <span className={`absolute inset-y-0 left-0 rounded-full ${soon ? 'bg-gold' : 'bg-neon'} transition-[width] duration-500`} style={{ width: pct(pity.count) }} />
        <span aria-hidden="true" title={t.softFrom(soft)} className="absolute inset-y-0 w-0.5 bg-hot" style={{ left: pct(soft - 1) }} />
      </div>
      <div className="flex justify-between text-[0.7rem] text-dim" aria-hidden="true">
        <span>0</span>
        <span>{t.softFrom(soft)}</span>
        <span>{hard}</span>
      </div>
      <p className="font-semibold text-ink" data-testid="pity-within" data-within={pity.guaranteed_at}>
        {t.within(pity.guaranteed_at, top)}
      </p>
      {banner.featured && (
        <p className={pity.guaranteed ? 'font-semibold text-gold' : 'text-sm text-dim'} data-testid="pity-next">
          {pity.guaranteed ? `★ ${t.nextIsFeatured(top, banner.featured.name)}` : t.nextIs5050(top, banner.featured.name)}
        </p>
      )}
    </section>
  )
}
