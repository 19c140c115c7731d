import { common } from '../lib/i18n/common.ts'
import { formatNumber, useMessages } from '../lib/i18n/i18n.ts'
import type { Currency } from '../lib/protocol/types.ts'
import { usePrefs } from '../stores/prefs.ts'
import { CoinIcon, GemIcon } from './icons.tsx'

/** An amount of coins or gems with its icon; the currency is in the text for screen readers. */
export function Price({ currency, amount, size = 16 }: { currency: Currency; amount: number; size?: number }) {
  const t = useMessages(common)
  const lang = usePrefs((s) => s.lang)
  const Icon = currency === 'gems' ? GemIcon : CoinIcon
  return (
    <span className="inline-flex items-center gap-1 font-mono font-semibold" data-currency={currency} data-amount={amount}>
      <Icon size={size} />
      <span>{formatNumber(amount, lang)}</span>
      <span className="sr-only">{currency === 'gems' ? t.gems : t.coins}</span>
    </span>
  )
}
