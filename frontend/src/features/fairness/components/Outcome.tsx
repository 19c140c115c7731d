import { gameMessages } from '../../../components/game/messages.ts'
import { Pocket } from '../../../components/game/Pocket.tsx'
import { RpsHand } from '../../../components/game/RpsHand.tsx'
import { RarityBadge } from '../../../components/game/Rarity.tsx'
import { SlotSymbol } from '../../../components/game/SlotSymbol.tsx'
import { formatNumber, useMessages } from '../../../lib/i18n/i18n.ts'
import type { GachaBanner, GachaOutcome, StoredRound } from '../../../lib/protocol/types.ts'
import { usePrefs } from '../../../stores/prefs.ts'
import { fairMessages } from '../messages.ts'

/** A stored round's outcome, drawn small. */
export function Outcome({ round, banner }: { round: StoredRound; banner: GachaBanner | null }) {
  const t = useMessages(fairMessages)
  const g = useMessages(gameMessages)
  const lang = usePrefs((s) => s.lang)
  const fmt = (n: number) => formatNumber(n, lang)

  if (round.game === 'slot') {
    const o = round.outcome
    return (
      <div className="flex flex-col gap-2">
        <div className="grid w-fit grid-cols-5 gap-1 rounded-lg border border-line bg-[#05050c] p-1" role="img" aria-label={o.reels.map((col) => col.map((s) => g.symbols[s]).join(', ')).join('; ')} data-testid="round-reels">
          {o.reels.map((col, i) => (
            <div key={i} className="flex flex-col gap-1">
              {col.map((s, r) => (
                <SlotSymbol key={r} symbol={s} className="size-9 sm:size-11" />
              ))}
            </div>
          ))}
        </div>
        {o.lines.length > 0 && (
          <ul className="text-sm">
            {o.lines.map((l) => (
              <li key={l.line}>
                #{l.line + 1}: {l.count} × {g.symbols[l.symbol]} → {fmt(l.win)}
              </li>
            ))}
          </ul>
        )}
      </div>
    )
  }
  if (round.game === 'roulette') {
    const o = round.outcome
    return (
      <div className="flex flex-col gap-2">
        <Pocket n={o.number} size="lg" />
        <ul className="text-sm">
          {o.bets.map((b, i) => (
            <li key={i}>
              {g.betName(b.type, b.value)} · {fmt(b.amount)} → <span className={b.win ? 'text-win' : 'text-dim'}>{fmt(b.win)}</span>
            </li>
          ))}
        </ul>
      </div>
    )
  }
  if (round.game === 'gacha') return <PullOutcome outcome={round.outcome} banner={banner} />
  const o = round.outcome
  return (
    <div className="flex items-center gap-4">
      <figure className="flex flex-col items-center text-neon">
        <RpsHand choice={o.choice} className="size-14" />
        <figcaption className="text-xs text-dim">
          {t.you}: {g.hands[o.choice]}
        </figcaption>
      </figure>
      <span className="font-display text-dim">VS</span>
      <figure className="flex flex-col items-center text-hot">
        <RpsHand choice={o.house} className="size-14 -scale-x-100" />
        <figcaption className="text-xs text-dim">
          {t.house}: {g.hands[o.house]}
        </figcaption>
      </figure>
    </div>
  )
}

/** A pull round: the banner and version, the pity it started from and ended at, each item. */
function PullOutcome({ outcome: o, banner }: { outcome: GachaOutcome; banner: GachaBanner | null }) {
  const t = useMessages(fairMessages)
  const g = useMessages(gameMessages)
  return (
    <div className="flex flex-col gap-2 text-sm" data-testid="round-pull">
      <p>
        {banner?.name ?? o.banner_id} · <span className="text-dim">{t.bannerVersion(o.version)}</span>
      </p>
      <p className="text-dim">
        {t.pityBefore(o.pity_before.count, o.pity_before.guaranteed)} → {t.pityAfter(o.pity.count, o.pity.guaranteed)}
      </p>
      <ol className="flex flex-col gap-1">
        {o.items.map((it, i) => (
          <li key={i} className="flex flex-wrap items-center gap-2" data-rarity={it.rarity}>
            <span className="w-6 text-right font-mono text-xs text-dim">{i + 1}.</span>
            <RarityBadge rarity={it.rarity} />
            <span className={it.featured ? 'font-semibold text-gold' : ''}>
              {it.featured && <span aria-hidden="true">★ </span>}
              {it.name}
              {it.featured && <span className="sr-only"> ({g.featured})</span>}
            </span>
            <span className="font-mono text-xs text-dim">{t.pityAt(it.pity_before)}</span>
          </li>
        ))}
      </ol>
    </div>
  )
}
