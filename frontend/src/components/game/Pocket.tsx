import { colorOf } from '../../lib/games/roulette.ts'
import { useMessages } from '../../lib/i18n/i18n.ts'
import { gameMessages } from './messages.ts'

const BG = { red: 'bg-pocket-red', black: 'bg-pocket-black', green: 'bg-pocket-green' } as const

/** A roulette number in its pocket colour (white on each passes AA). */
export function Pocket({ n, size = 'md' }: { n: number; size?: 'sm' | 'md' | 'lg' }) {
  const t = useMessages(gameMessages)
  const color = colorOf(n)
  const dim = size === 'lg' ? 'size-16 text-2xl' : size === 'sm' ? 'size-7 text-xs' : 'size-10 text-base'
  return (
    <span
      role="img"
      aria-label={t.pocket(n, t.colors[color])}
      className={`inline-flex shrink-0 items-center justify-center rounded-full border-2 border-white/70 font-mono font-bold text-white ${BG[color]} ${dim}`}
    >
      {n}
    </span>
  )
}
