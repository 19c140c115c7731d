import { gameMessages } from '../../../components/game/messages.ts'
import { RarityBadge } from '../../../components/game/Rarity.tsx'
import { formatPpm, useMessages } from '../../../lib/i18n/i18n.ts'
import type { GachaBanner, PlayerPity } from '../../../lib/protocol/types.ts'
import { usePrefs } from '../../../stores/prefs.ts'
import { effectivePpm, ratesAt } from '../lib/pull.ts'
import { gachaMessages } from '../messages.ts'

/** Everything a pull depends on, beside the pull buttons: the base rates, the rates of the
 * player's next pull, the effective rate (as disclosed, and re-computed here), the pity rules
 * and the 50/50, and the pools with the featured item marked. */
export function Disclosure({ banner, pity }: { banner: GachaBanner; pity: PlayerPity }) {
  const t = useMessages(gachaMessages)
  const g = useMessages(gameMessages)
  const lang = usePrefs((s) => s.lang)
  const pct = (ppm: number) => formatPpm(ppm, lang)
  const next = ratesAt(banner, pity.count + 1)
  const topRarity = banner.rates[0]?.rarity ?? ''
  const top = g.rarities[topRarity] ?? topRarity
  const computed = effectivePpm(banner)
  const { soft, hard, step } = banner.pity

  return (
    <section aria-labelledby="rates-h" className="flex flex-col gap-4" data-testid="gacha-disclosure">
      <div>
        <h3 id="rates-h" className="font-display text-sm font-bold uppercase tracking-widest text-neon">
          {t.ratesTitle}
        </h3>
        <p className="text-xs text-dim">{t.version(banner.version)}</p>
      </div>
      <table className="w-full text-sm" data-testid="gacha-rates">
        <thead>
          <tr className="text-left text-xs uppercase tracking-wider text-dim">
            <th scope="col" className="py-1 pr-2">{t.rarity}</th>
            <th scope="col" className="px-2 py-1 text-right">{t.baseRate}</th>
            <th scope="col" className="px-2 py-1 text-right">{t.nextRate}</th>
            <th scope="col" className="py-1 pl-2 text-right">{t.items}</th>
          </tr>
        </thead>
        <tbody>
          {banner.rates.map((r, i) => (
            <tr key={r.rarity} className="border-t border-line/60" data-rarity={r.rarity} data-ppm={r.probability}>
              <th scope="row" className="py-1.5 pr-2 text-left font-normal">
                <RarityBadge rarity={r.rarity} />
              </th>
              <td className="px-2 py-1.5 text-right font-mono">{pct(r.probability)}</td>
              <td className={`px-2 py-1.5 text-right font-mono ${next[i] !== r.probability ? 'text-gold' : 'text-dim'}`}>{pct(next[i] ?? 0)}</td>
              <td className="py-1.5 pl-2 text-right font-mono text-dim">{banner.pools[r.rarity]?.length ?? 0}</td>
            </tr>
          ))}
        </tbody>
      </table>

      <div className="rounded-xl border border-gold/50 bg-panel-2/50 p-3" data-testid="gacha-effective" data-ppm={banner.effective.probability}>
        <p className="text-sm text-dim">{t.effective(g.rarities[banner.effective.rarity] ?? banner.effective.rarity)}</p>
        <p className="font-display text-2xl font-bold text-gold">{pct(banner.effective.probability)}</p>
        <p className="text-xs text-dim">{t.effectiveNote}</p>
        <p className={`mt-1 text-xs ${computed === banner.effective.probability ? 'text-win' : 'text-bad'}`} data-testid="gacha-effective-check" data-ok={computed === banner.effective.probability}>
          <span aria-hidden="true">{computed === banner.effective.probability ? '✓ ' : '✗ '}</span>
          {t.effectiveChecked(pct(computed))}
          {computed !== banner.effective.probability && ` ${t.effectiveMismatch}`}
        </p>
      </div>

      <div className="flex flex-col gap-2 text-sm" data-testid="gacha-pity-rules">
        <h3 className="font-display text-sm font-bold uppercase tracking-widest text-neon">{t.pityRulesTitle}</h3>
        <p>{t.pityRules(top, soft, hard, pct(step), pct(banner.rates[0]?.probability ?? 0))}</p>
        <p>{banner.featured ? t.fiftyFifty(top, banner.featured.name) : t.noFeatured(top)}</p>
        <p className="text-dim">{t.cutNote}</p>
        <p className="text-dim">{t.perBanner}</p>
      </div>

      <div className="flex flex-col gap-2" data-testid="gacha-pools">
        <h3 className="font-display text-sm font-bold uppercase tracking-widest text-neon">{t.poolsTitle}</h3>
        {banner.rates.map((r) => {
          const pool = banner.pools[r.rarity] ?? []
          return (
            <details key={r.rarity} open className="rounded-lg border border-line/70 px-3 py-2">
              <summary className="cursor-pointer text-sm">
                <RarityBadge rarity={r.rarity} /> <span className="text-dim">{t.poolOf(pool.length)}</span>
              </summary>
              <ul className="mt-2 flex flex-wrap gap-1.5">
                {pool.map((it) => {
                  const featured = banner.featured?.item_id === it.item_id
                  return (
                    <li
                      key={it.item_id}
                      data-item-id={it.item_id}
                      data-featured={featured || undefined}
                      className={`rounded-md border px-2 py-0.5 text-xs ${featured ? 'border-gold bg-gold/15 font-bold text-gold' : 'border-line text-ink'}`}
                    >
                      {featured && <span aria-hidden="true">★ </span>}
                      {it.name}
                      {featured && <span className="ml-1 uppercase tracking-wider">· {t.featured}</span>}
                    </li>
                  )
                })}
              </ul>
            </details>
          )
        })}
      </div>
    </section>
  )
}
