import { useState } from 'react'

import { Field } from '../../../components/Field.tsx'
import { gameMessages } from '../../../components/game/messages.ts'
import { ItemArt, RarityBadge } from '../../../components/game/Rarity.tsx'
import { LoadState } from '../../../components/LoadState.tsx'
import { PageTitle, Panel } from '../../../components/Panel.tsx'
import { byRarity, rarityTier } from '../../../lib/games/rarity.ts'
import { formatNumber, useMessages } from '../../../lib/i18n/i18n.ts'
import { href } from '../../../lib/router.ts'
import { useOp } from '../../../lib/useOp.ts'
import { useTitle } from '../../../lib/useTitle.ts'
import { usePrefs } from '../../../stores/prefs.ts'
import { inventoryMessages } from '../messages.ts'

/** inventory.list as a grid, rarest first: a rarity filter and a name search. */
export default function InventoryPage() {
  const t = useMessages(inventoryMessages)
  const g = useMessages(gameMessages)
  const lang = usePrefs((s) => s.lang)
  useTitle(t.title)
  const inv = useOp('inventory.list')
  const [rarity, setRarity] = useState('')
  const [query, setQuery] = useState('')

  if (!inv.data) return <LoadState error={inv.error} reload={inv.reload} />
  const all = inv.data.items.filter((it) => it.qty > 0).sort(byRarity)
  const rarities = [...new Set(all.map((it) => it.rarity))].sort((a, b) => rarityTier(b) - rarityTier(a))
  const q = query.trim().toLocaleLowerCase()
  const shown = all.filter((it) => (!rarity || it.rarity === rarity) && (!q || it.name.toLocaleLowerCase().includes(q)))

  return (
    <div className="flex flex-col gap-4">
      <PageTitle sub={t.sub}>{t.title}</PageTitle>
      {all.length === 0 ? (
        <Panel className="flex flex-col items-center gap-3 text-center">
          <p className="text-dim" data-testid="inventory-empty">
            {t.empty}
          </p>
          <div className="flex gap-4">
            <a href={href('/gacha')} className="text-neon underline underline-offset-4">
              {t.toGacha}
            </a>
            <a href={href('/shop')} className="text-neon underline underline-offset-4">
              {t.toShop}
            </a>
          </div>
        </Panel>
      ) : (
        <Panel className="flex flex-col gap-4">
          <div className="flex flex-col gap-3 sm:flex-row sm:items-end">
            <Field id="inventory-search" type="search" className="sm:w-64" label={t.search} placeholder={t.searchPlaceholder} value={query} onChange={(e) => setQuery(e.target.value)} autoComplete="off" data-testid="inventory-search" />
            <fieldset className="flex min-w-0 flex-col gap-1">
              <legend className="text-sm font-semibold text-dim">{t.rarity}</legend>
              <div className="flex flex-wrap gap-1">
                {['', ...rarities].map((r) => (
                  <button
                    key={r || 'all'}
                    type="button"
                    aria-pressed={rarity === r}
                    data-testid={`inventory-filter-${r || 'all'}`}
                    onClick={() => setRarity(r)}
                    className="min-h-10 rounded-lg border border-line px-3 text-sm font-semibold aria-pressed:border-neon aria-pressed:bg-neon aria-pressed:text-neon-ink"
                  >
                    {r ? (g.rarities[r] ?? r) : t.all}
                  </button>
                ))}
              </div>
            </fieldset>
          </div>
          <p role="status" className="text-sm text-dim" data-testid="inventory-count">
            {t.shown(shown.length, all.length)}
          </p>
          {shown.length === 0 ? (
            <p className="text-dim">{t.noMatch}</p>
          ) : (
            <ul className="grid grid-cols-2 gap-3 sm:grid-cols-3 lg:grid-cols-5" data-testid="inventory-grid">
              {shown.map((it) => (
                <li key={it.item_id} data-testid="inventory-item" data-item-id={it.item_id} data-rarity={it.rarity} data-qty={it.qty} className="relative flex flex-col items-center gap-2 rounded-xl border border-line bg-panel-2/50 p-3 text-center">
                  <ItemArt name={it.name} rarity={it.rarity} />
                  <span className="text-sm font-semibold">{it.name}</span>
                  <RarityBadge rarity={it.rarity} />
                  <span className="absolute right-2 top-2 rounded-md bg-bg px-1.5 font-mono text-xs font-bold text-ink" title={t.qtyLong(formatNumber(it.qty, lang))}>
                    <span aria-hidden="true">{t.qty(formatNumber(it.qty, lang))}</span>
                    <span className="sr-only">{t.qtyLong(formatNumber(it.qty, lang))}</span>
                  </span>
                </li>
              ))}
            </ul>
          )}
        </Panel>
      )}
    </div>
  )
}
