import { PagesFooter } from '../../../components/PagesFooter.tsx'
import { RarityBadge } from '../../../components/game/Rarity.tsx'
import { formatTime, useMessages } from '../../../lib/i18n/i18n.ts'
import type { GachaBanner, GachaPullRecord } from '../../../lib/protocol/types.ts'
import { href } from '../../../lib/router.ts'
import type { Pages } from '../../../lib/usePages.ts'
import { usePrefs } from '../../../stores/prefs.ts'
import { gachaMessages } from '../messages.ts'

/** gacha.history, newest first, one row per item, filtered by banner, each row linking to its
 * round's proof. */
export function PullHistory({ pages, banners, filter, onFilter }: { pages: Pages<GachaPullRecord>; banners: readonly GachaBanner[]; filter: string; onFilter: (id: string) => void }) {
  const t = useMessages(gachaMessages)
  const lang = usePrefs((s) => s.lang)
  const nameOf = (id: string) => banners.find((b) => b.id === id)?.name ?? id

  return (
    <section aria-labelledby="gacha-history-h" className="flex flex-col gap-3" data-testid="gacha-history">
      <div className="flex flex-wrap items-end justify-between gap-3">
        <h2 id="gacha-history-h" className="font-display text-sm font-bold uppercase tracking-widest text-neon">
          {t.historyTitle}
        </h2>
        <div className="flex flex-col gap-1">
          <label htmlFor="gacha-history-banner" className="text-xs font-semibold text-dim">
            {t.filterBanner}
          </label>
          <select id="gacha-history-banner" data-testid="gacha-history-filter" value={filter} onChange={(e) => onFilter(e.target.value)} className="min-h-10 rounded-lg border border-line bg-panel-2 px-3 text-sm text-ink">
            <option value="">{t.allBanners}</option>
            {banners.map((b) => (
              <option key={b.id} value={b.id}>
                {b.name}
              </option>
            ))}
          </select>
        </div>
      </div>
      {pages.items.length === 0 && !pages.loading && !pages.error && <p className="text-sm text-dim">{t.historyEmpty}</p>}
      {pages.items.length > 0 && (
        <ul className="divide-y divide-line/60" aria-busy={pages.loading}>
          {pages.items.map((p) => (
            <li key={p.id} data-testid="gacha-history-row" data-rarity={p.rarity} data-banner={p.banner_id} className="flex flex-wrap items-center gap-x-3 gap-y-1 py-2 text-sm">
              <RarityBadge rarity={p.rarity} />
              <span className="min-w-0 flex-1 font-semibold">{p.name}</span>
              <span className="text-xs text-dim">{nameOf(p.banner_id)}</span>
              <span className="font-mono text-xs text-dim">{t.pityAt(p.pity_before)}</span>
              <time dateTime={new Date(p.at).toISOString()} className="text-xs text-dim">
                {formatTime(p.at, lang)}
              </time>
              <a href={href(`/round/${p.round_id}`)} className="text-xs text-neon underline underline-offset-2" aria-label={t.verifyRound(p.round_id)}>
                {t.round} {p.round_id.slice(0, 8)}
              </a>
            </li>
          ))}
        </ul>
      )}
      <PagesFooter pages={pages} more={t.older} end={t.end} testId="gacha-history" />
    </section>
  )
}
