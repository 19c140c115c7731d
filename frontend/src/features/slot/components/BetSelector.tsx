import { Button } from '../../../components/Button.tsx'
import { formatNumber, useMessages } from '../../../lib/i18n/i18n.ts'
import type { BetLimits } from '../../../lib/protocol/types.ts'
import { usePrefs } from '../../../stores/prefs.ts'
import { slotMessages } from '../messages.ts'

interface Props {
  levels: number[]
  bet: number
  lines: number
  limits: BetLimits
  disabled: boolean
  onChange: (bet: number) => void
  errorId?: string
}

/** Steps through the allowed bets (multiples of the line count within the rank's limits). */
export function BetSelector({ levels, bet, lines, limits, disabled, onChange, errorId }: Props) {
  const t = useMessages(slotMessages)
  const lang = usePrefs((s) => s.lang)
  const i = levels.indexOf(bet)
  const fmt = (n: number) => formatNumber(n, lang)
  return (
    <div role="group" aria-labelledby="bet-label" aria-describedby={[`bet-limits`, errorId].filter(Boolean).join(' ')} className="flex flex-col gap-1">
      <span id="bet-label" className="text-xs font-semibold uppercase tracking-widest text-dim">
        {t.bet}
      </span>
      <div className="flex items-center gap-2">
        <Button variant="ghost" size="md" aria-label={t.lower} disabled={disabled || i <= 0} onClick={() => onChange(levels[i - 1] ?? bet)} className="w-11 text-xl">
          −
        </Button>
        <output data-testid="slot-bet" aria-live="polite" className="min-w-24 rounded-lg border border-line bg-panel-2 px-3 py-2 text-center font-mono text-xl font-bold text-gold">
          {fmt(bet)}
        </output>
        <Button variant="ghost" size="md" aria-label={t.raise} disabled={disabled || i < 0 || i >= levels.length - 1} onClick={() => onChange(levels[i + 1] ?? bet)} className="w-11 text-xl">
          +
        </Button>
        <Button variant="ghost" size="sm" disabled={disabled || i === levels.length - 1} onClick={() => onChange(levels[levels.length - 1] ?? bet)}>
          {t.maxBet}
        </Button>
      </div>
      <span id="bet-limits" className="text-xs text-dim">
        {t.perLine(fmt(Math.floor(bet / Math.max(1, lines))))} · {t.limits(fmt(limits.min), fmt(limits.max))}
      </span>
    </div>
  )
}
