import { common } from '../lib/i18n/common.ts'
import { formatNumber, useMessages } from '../lib/i18n/i18n.ts'
import { usePrefs } from '../stores/prefs.ts'
import { useSession } from '../stores/session.ts'
import { AnimatedNumber } from './AnimatedNumber.tsx'
import { CoinIcon, GemIcon } from './icons.tsx'
import { Panel } from './Panel.tsx'

/** Coins and gems, live: the session store follows every wallet.balance push. */
export function BalanceChips({ compact = false }: { compact?: boolean }) {
  const t = useMessages(common)
  const lang = usePrefs((s) => s.lang)
  const balance = useSession((s) => s.balance)
  const coins = balance?.coins ?? 0
  const gems = balance?.gems ?? 0
  return (
    <div
      role="group"
      aria-label={t.balance}
      data-testid="balance"
      className={`flex items-center gap-2 font-mono ${compact ? 'text-sm' : 'text-base'}`}
    >
      <span className="flex items-center gap-1 rounded-full border border-line bg-panel-2 px-2 py-1" title={t.coins}>
        <CoinIcon size={compact ? 16 : 18} />
        <span className="sr-only">{t.coins}</span>
        <span data-testid="coins" className="font-semibold text-gold">
          {balance ? <AnimatedNumber value={coins} format={(n) => formatNumber(n, lang)} /> : '…'}
        </span>
      </span>
      <span className="flex items-center gap-1 rounded-full border border-line bg-panel-2 px-2 py-1" title={t.gems}>
        <GemIcon size={compact ? 16 : 18} />
        <span className="sr-only">{t.gems}</span>
        <span data-testid="gems" className="font-semibold text-hot">
          {balance ? formatNumber(gems, lang) : '…'}
        </span>
      </span>
    </div>
  )
}

/** The balance on a panel of its own, at the top of a page about money. */
export function BalancePanel() {
  return (
    <Panel className="flex justify-center sm:justify-start">
      <BalanceChips />
    </Panel>
  )
}
