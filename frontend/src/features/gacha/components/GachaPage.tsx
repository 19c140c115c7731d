import { useCallback, useState } from 'react'

import { LoadState } from '../../../components/LoadState.tsx'
import { PageTitle, Panel } from '../../../components/Panel.tsx'
import { Price } from '../../../components/Price.tsx'
import { club } from '../../../lib/club.ts'
import { useMessages } from '../../../lib/i18n/i18n.ts'
import type { GachaPullRecord, PlayerPity } from '../../../lib/protocol/types.ts'
import { href, useRoute } from '../../../lib/router.ts'
import { useOp } from '../../../lib/useOp.ts'
import { usePages } from '../../../lib/usePages.ts'
import { useTitle } from '../../../lib/useTitle.ts'
import { useGachaPull, type PullData } from '../hooks/useGachaPull.ts'
import { gachaMessages } from '../messages.ts'
import { BannerView } from './BannerView.tsx'
import { PullHistory } from './PullHistory.tsx'

const HISTORY_PAGE = 20

/** #/gacha/<banner id>: the banners, the chosen one's pulls and disclosure, the history. */
export default function GachaPage() {
  const t = useMessages(gachaMessages)
  useTitle(t.title)
  const route = useRoute()
  const banners = useOp('gacha.banners')
  // The pity each pull reply brings, newer than what gacha.banners said on loading.
  const [pity, setPity] = useState<Record<string, PlayerPity>>({})
  const [filter, setFilter] = useState('')
  const fetchHistory = useCallback(
    (before: number | undefined): Promise<GachaPullRecord[]> =>
      club.request('gacha.history', { limit: HISTORY_PAGE, ...(filter ? { banner_id: filter } : {}), ...(before !== undefined ? { before } : {}) }).then((d) => d.pulls),
    [filter],
  )
  const history = usePages(`gacha.history:${filter}`, fetchHistory, HISTORY_PAGE)
  const { reload: reloadHistory } = history
  const onPulled = useCallback(
    (d: PullData) => {
      setPity((p) => ({ ...p, [d.banner_id]: d.pity }))
      reloadHistory()
    },
    [reloadHistory],
  )
  const puller = useGachaPull(onPulled)

  if (!banners.data) return <LoadState error={banners.error} reload={banners.reload} />
  const list = banners.data.banners
  const banner = list.find((b) => b.id === route.parts[1]) ?? list[0]

  return (
    <div className="flex flex-col gap-4">
      <PageTitle sub={t.sub}>{t.title}</PageTitle>
      {list.length === 0 || !banner ? (
        <p className="text-dim">{t.noBanners}</p>
      ) : (
        <>
          <nav aria-label={t.banners}>
            <ul className="grid gap-2 sm:grid-cols-3">
              {list.map((b) => (
                <li key={b.id}>
                  <a
                    href={href(`/gacha/${b.id}`)}
                    aria-current={b.id === banner.id ? 'page' : undefined}
                    data-testid={`banner-${b.id}`}
                    className="flex h-full flex-col gap-1 rounded-xl border border-line bg-panel p-3 transition hover:border-neon aria-[current=page]:border-neon aria-[current=page]:bg-panel-2 aria-[current=page]:shadow-[var(--glow)]"
                  >
                    <span className="font-display text-sm font-bold uppercase tracking-wider">{b.name}</span>
                    <span className="flex flex-wrap items-center gap-x-2 text-xs text-dim">
                      <Price currency={b.cost.currency} amount={b.cost.amount} size={14} /> {t.perPull}
                    </span>
                    {b.featured && <span className="text-xs text-gold">★ {t.featuredItem(b.featured.name)}</span>}
                  </a>
                </li>
              ))}
            </ul>
          </nav>
          <BannerView key={banner.id} banner={banner} pity={pity[banner.id] ?? banner.player_pity} puller={puller} />
        </>
      )}
      <Panel>
        <PullHistory pages={history} banners={list} filter={filter} onFilter={setFilter} />
      </Panel>
    </div>
  )
}
