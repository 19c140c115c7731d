import type { ReactNode } from 'react'

import { BalanceChips } from '../../../components/Balance.tsx'
import { SlotSymbol } from '../../../components/game/SlotSymbol.tsx'
import { Pocket } from '../../../components/game/Pocket.tsx'
import { RpsHand } from '../../../components/game/RpsHand.tsx'
import { BagIcon, CapsuleIcon, ShieldIcon, ShopIcon, WalletIcon } from '../../../components/icons.tsx'
import { RankBadge } from '../../../components/RankBadge.tsx'
import { common } from '../../../lib/i18n/common.ts'
import { useMessages } from '../../../lib/i18n/i18n.ts'
import { href } from '../../../lib/router.ts'
import { useTitle } from '../../../lib/useTitle.ts'
import { useSession } from '../../../stores/session.ts'
import { lobbyMessages } from '../messages.ts'
import { DailyBonus } from './DailyBonus.tsx'

export default function LobbyPage() {
  const t = useMessages(lobbyMessages)
  const c = useMessages(common)
  const user = useSession((s) => s.user)
  useTitle(t.title)
  if (!user) return null
  return (
    <div className="flex flex-col gap-6">
      <section className="flex flex-col gap-3 rounded-2xl border border-line bg-panel/80 p-4 sm:flex-row sm:items-center sm:justify-between sm:p-6">
        <div>
          <h1 className="font-display text-xl font-bold tracking-wider sm:text-2xl">
            <span className="neon-text">{t.hello(user.username)}</span>
          </h1>
          <div className="mt-2 flex items-center gap-2">
            <RankBadge rank={user.rank} />
          </div>
        </div>
        <BalanceChips />
      </section>

      <DailyBonus />

      <section aria-labelledby="games-h">
        <h2 id="games-h" className="mb-3 font-display text-sm font-bold uppercase tracking-[0.3em] text-dim">
          {t.games}
        </h2>
        <ul className="grid gap-4 sm:grid-cols-3">
          <GameCard path="/slot" title={c.slot} sub={t.slotSub} accent="neon" art={<span className="flex gap-1">{(['SEVEN', 'WILD', 'SEVEN'] as const).map((s, i) => <SlotSymbol key={i} symbol={s} className="size-12" />)}</span>} cta={t.play} />
          <GameCard path="/roulette" title={c.roulette} sub={t.rouletteSub} accent="hot" art={<span className="flex gap-1"><Pocket n={0} /><Pocket n={32} /><Pocket n={15} /></span>} cta={t.play} />
          <GameCard path="/rps" title={c.rps} sub={t.rpsSub} accent="neon" art={<span className="flex gap-2 text-neon"><RpsHand choice="rock" className="size-12" /><RpsHand choice="paper" className="size-12" /><RpsHand choice="scissors" className="size-12" /></span>} cta={t.play} />
        </ul>
      </section>

      <section aria-labelledby="more-h">
        <h2 id="more-h" className="mb-3 font-display text-sm font-bold uppercase tracking-[0.3em] text-dim">
          {t.more}
        </h2>
        <ul className="grid gap-4 sm:grid-cols-2 lg:grid-cols-3">
          <GameCard path="/gacha" title={c.gacha} sub={t.gachaSub} accent="hot" art={<CapsuleIcon size={40} className="text-hot" />} cta={t.open} small />
          <GameCard path="/shop" title={c.shop} sub={t.shopSub} accent="neon" art={<ShopIcon size={40} className="text-neon" />} cta={t.open} small />
          <GameCard path="/inventory" title={c.inventory} sub={t.inventorySub} accent="gold" art={<BagIcon size={40} className="text-gold" />} cta={t.open} small />
          <GameCard path="/wallet" title={c.wallet} sub={t.walletSub} accent="gold" art={<WalletIcon size={40} className="text-gold" />} cta={t.open} small />
          <GameCard path="/fair" title={c.fairness} sub={t.fairSub} accent="gold" art={<ShieldIcon size={40} className="text-win" />} cta={t.open} small />
        </ul>
      </section>
    </div>
  )
}

const ACCENT = { neon: 'hover:border-neon hover:shadow-[var(--glow)]', hot: 'hover:border-hot hover:shadow-[var(--glow-hot)]', gold: 'hover:border-gold' } as const

function GameCard({ path, title, sub, art, cta, accent, small = false }: { path: string; title: string; sub: string; art: ReactNode; cta: string; accent: keyof typeof ACCENT; small?: boolean }) {
  return (
    <li>
      <a
        href={href(path)}
        data-testid={`card-${path.slice(1)}`}
        className={`group flex h-full ${small ? 'flex-row items-center gap-4' : 'flex-col gap-4'} rounded-2xl border border-line bg-panel p-5 transition ${ACCENT[accent]}`}
      >
        <span aria-hidden="true" className={small ? '' : 'flex min-h-16 items-center'}>
          {art}
        </span>
        <span className="flex flex-1 flex-col">
          <span className="font-display text-lg font-bold uppercase tracking-widest">{title}</span>
          <span className="text-sm text-dim">{sub}</span>
        </span>
        {!small && <span className="self-start rounded-md bg-panel-2 px-3 py-1 text-sm font-semibold text-neon group-hover:bg-neon group-hover:text-neon-ink">{cta} →</span>}
      </a>
    </li>
  )
}
