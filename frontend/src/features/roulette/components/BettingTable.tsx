import type { CSSProperties } from 'react'

import { gameMessages } from '../../../components/game/messages.ts'
import { betKey, colorOf } from '../../../lib/games/roulette.ts'
import { formatNumber, useMessages } from '../../../lib/i18n/i18n.ts'
import type { RouletteBetResult } from '../../../lib/protocol/types.ts'
import { usePrefs } from '../../../stores/prefs.ts'
import { SPOTS, type Spot } from '../lib/layout.ts'
import type { Slip } from '../lib/slip.ts'
import { rouletteMessages } from '../messages.ts'

interface Props {
  slip: Slip
  disabled: boolean
  /** The last spin, to light the winning spots. */
  last: { number: number; bets: RouletteBetResult[] } | null
  onPlace: (spot: Spot) => void
  describedBy?: string
}

const FACE = {
  red: 'bg-pocket-red text-white',
  black: 'bg-pocket-black text-white',
  green: 'bg-pocket-green text-white',
  outside: 'bg-panel-2 text-ink',
} as const

export function BettingTable({ slip, disabled, last, onPlace, describedBy }: Props) {
  const t = useMessages(rouletteMessages)
  const g = useMessages(gameMessages)
  const lang = usePrefs((s) => s.lang)
  const amounts = new Map(slip.map((b) => [betKey(b), b.amount]))

  const faceOf = (s: Spot) => {
    if (s.type === 'straight') return FACE[colorOf(s.value ?? 0)]
    if (s.type === 'red') return FACE.red
    if (s.type === 'black') return FACE.black
    return FACE.outside
  }
  const textOf = (s: Spot) => {
    if (s.type === 'straight') return String(s.value)
    if (s.type === 'dozen') return t.dozenShort(s.value ?? 1)
    return t.short[s.type]
  }
  const nameOf = (s: Spot) => (s.type === 'straight' ? g.pocket(s.value ?? 0, g.colors[colorOf(s.value ?? 0)]) : g.betName(s.type, s.value))

  return (
    <div
      role="group"
      aria-label={t.table}
      aria-describedby={describedBy}
      data-testid="roulette-table"
      className="grid gap-1 [grid-template-columns:1fr_1.25fr_1.25fr_1.25fr_1fr] sm:[grid-template-columns:repeat(14,minmax(0,1fr))]"
    >
      {SPOTS.map((s) => {
        const key = betKey(s)
        const amount = amounts.get(key) ?? null
        const hit = last !== null && last.number === s.value && s.type === 'straight'
        const style = { '--dc': s.down.col, '--dr': s.down.row, '--ac': s.across.col, '--ar': s.across.row } as CSSProperties
        return (
          <button
            key={key}
            type="button"
            disabled={disabled}
            data-spot={key}
            aria-label={t.spot(nameOf(s), amount === null ? null : formatNumber(amount, lang))}
            onClick={() => onPlace(s)}
            style={style}
            className={`relative flex min-h-9 items-center justify-center rounded-md border text-sm font-bold transition [grid-column:var(--dc)] [grid-row:var(--dr)] hover:brightness-125 disabled:cursor-not-allowed sm:min-h-12 sm:[grid-column:var(--ac)] sm:[grid-row:var(--ar)] ${faceOf(s)} ${hit ? 'border-gold ring-2 ring-gold' : 'border-white/15'} ${s.type !== 'straight' ? 'text-xs sm:text-sm' : ''}`}
          >
            <span aria-hidden="true" className={s.type === 'column' ? '' : ''}>
              {textOf(s)}
            </span>
            {amount !== null && (
              <span aria-hidden="true" className="absolute -right-1 -top-1 z-10 flex h-6 min-w-6 items-center justify-center rounded-full border-2 border-dashed border-white bg-hot px-1 font-mono text-[0.65rem] font-bold text-bg shadow-[var(--glow-hot)]">
                {compact(amount)}
              </span>
            )}
          </button>
        )
      })}
    </div>
  )
}

function compact(n: number): string {
  if (n >= 1_000_000) return `${Math.round(n / 100_000) / 10}M`
  if (n >= 1000) return `${Math.round(n / 100) / 10}K`
  return String(n)
}
