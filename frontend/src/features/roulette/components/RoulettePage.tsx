import { useRef, useState } from 'react'
import { AnimatePresence } from 'motion/react'
import * as m from 'motion/react-m'

import { Button } from '../../../components/Button.tsx'
import { ErrorText } from '../../../components/ErrorText.tsx'
import { LoadState } from '../../../components/LoadState.tsx'
import { FieldError } from '../../../components/Field.tsx'
import { gameMessages } from '../../../components/game/messages.ts'
import { Pocket } from '../../../components/game/Pocket.tsx'
import { PageTitle, Panel } from '../../../components/Panel.tsx'
import { multiplierOf } from '../../../lib/games/roulette.ts'
import { formatNumber, useMessages } from '../../../lib/i18n/i18n.ts'
import { href } from '../../../lib/router.ts'
import { useOp } from '../../../lib/useOp.ts'
import { useTitle } from '../../../lib/useTitle.ts'
import { usePrefs } from '../../../stores/prefs.ts'
import { useSession } from '../../../stores/session.ts'
import { useRoulette } from '../hooks/useRoulette.ts'
import { chipValues } from '../lib/slip.ts'
import { rouletteMessages } from '../messages.ts'
import { BettingTable } from './BettingTable.tsx'
import { Wheel } from './Wheel.tsx'

export default function RoulettePage() {
  const t = useMessages(rouletteMessages)
  const g = useMessages(gameMessages)
  const lang = usePrefs((s) => s.lang)
  useTitle(t.title)
  const info = useOp('roulette.info')
  const game = useRoulette(info.data)
  const [chipChoice, setChip] = useState<number | null>(null)
  const coins = useSession((s) => s.latest?.coins ?? null)
  const wheelBox = useRef<HTMLDivElement>(null)
  const fmt = (n: number) => formatNumber(n, lang)

  if (!info.data) return <LoadState error={info.error} reload={info.reload} />
  const data = info.data
  const chips = chipValues(data)
  const chip = chipChoice !== null && chips.includes(chipChoice) ? chipChoice : (chips[0] ?? data.bet.min)
  const notEnough = coins !== null && game.total > coins && !game.busy
  const problemText = game.problem
    ? game.problem.kind === 'tooMany'
      ? t.tooMany(data.max_bets)
      : game.problem.kind === 'overMax'
        ? t.overMax(fmt(data.bet.max))
        : game.problem.kind === 'overTable'
          ? t.overTable(fmt(data.table_max))
          : t.underMin(fmt(data.bet.min))
    : null
  const result = game.busy ? null : game.result

  return (
    <div>
      <PageTitle sub={t.sub}>{t.title}</PageTitle>
      <div className="grid gap-4 lg:grid-cols-[22rem_minmax(0,1fr)]">
        <Panel className="flex scroll-mt-20 flex-col gap-4" ref={wheelBox}>
          <Wheel target={game.target} label={result ? t.landed(result.number, g.colors[result.color]) : t.wheel} onLanded={game.onLanded} />
          <div aria-live="polite" aria-atomic="true" data-testid="roulette-result" className="flex min-h-16 flex-col items-center gap-2 text-center">
            {!result && !game.busy && <p className="my-auto text-sm text-dim">{t.placeBets}</p>}
            <AnimatePresence mode="wait">
              {result && (
                <m.div key={result.round_id} initial={{ opacity: 0, y: 8 }} animate={{ opacity: 1, y: 0 }} exit={{ opacity: 0 }} className="flex flex-col items-center gap-2">
                  <div className="flex items-center gap-3">
                    <Pocket n={result.number} size="lg" />
                    <span className="sr-only">{t.landed(result.number, g.colors[result.color])}</span>
                  </div>
                  {result.win > 0 ? (
                    <p className="font-display text-xl font-bold uppercase tracking-widest text-win" data-win={result.win}>
                      {t.winTotal(fmt(result.win))}
                    </p>
                  ) : (
                    <p className="text-dim" data-win={0}>
                      {t.noWin}
                    </p>
                  )}
                </m.div>
              )}
            </AnimatePresence>
          </div>
          {game.recent.length > 0 && (
            <div>
              <h2 className="mb-1 text-xs font-semibold uppercase tracking-widest text-dim">{t.recent}</h2>
              <ol className="flex flex-wrap gap-1" data-testid="recent-numbers">
                {game.recent.map((n, i) => (
                  <li key={i}>
                    <Pocket n={n} size="sm" />
                  </li>
                ))}
              </ol>
            </div>
          )}
          {result && (
            <div>
              <h2 className="mb-1 text-xs font-semibold uppercase tracking-widest text-dim">{t.result}</h2>
              <table className="w-full text-sm" data-testid="bet-results">
                <tbody>
                  {result.bets.map((b, i) => (
                    <tr key={i} className="border-t border-line/60">
                      <th scope="row" className="py-1 text-left font-normal">
                        {g.betName(b.type, b.value)}
                      </th>
                      <td className="py-1 text-right font-mono">{fmt(b.amount)}</td>
                      <td className={`py-1 text-right font-mono ${b.win > 0 ? 'text-win' : 'text-dim'}`}>{b.win > 0 ? `${t.paid} +${fmt(b.win)}` : t.lost}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
              <a href={href(`/round/${result.round_id}`)} className="mt-2 inline-block text-sm text-neon underline underline-offset-4" data-testid="round-link">
                {t.roundLink}
              </a>
            </div>
          )}
        </Panel>

        <Panel className="flex flex-col gap-4">
          <div role="radiogroup" aria-label={t.chips} className="flex flex-wrap items-center gap-2">
            <span className="mr-1 text-xs font-semibold uppercase tracking-widest text-dim" aria-hidden="true">
              {t.chips}
            </span>
            {chips.map((v) => (
              <button
                key={v}
                type="button"
                role="radio"
                aria-checked={v === chip}
                aria-label={t.chip(fmt(v))}
                data-testid={`chip-${v}`}
                onClick={() => setChip(v)}
                className="flex size-12 items-center justify-center rounded-full border-4 border-dashed border-white/70 bg-panel-2 font-mono text-xs font-bold text-ink transition aria-checked:scale-110 aria-checked:border-white aria-checked:bg-hot aria-checked:text-bg aria-checked:shadow-[var(--glow-hot)]"
              >
                {v >= 1000 ? `${v / 1000}K` : v}
              </button>
            ))}
          </div>

          <BettingTable slip={game.slip} disabled={game.busy} last={result} onPlace={(s) => game.place(s, chip)} describedBy="table-limits" />
          <p id="table-limits" className="text-xs text-dim">
            {t.limits(fmt(data.bet.min), fmt(data.bet.max), fmt(data.table_max), data.max_bets)} · {t.pays(multiplierOf('straight'))} / {t.pays(multiplierOf('dozen'))} / {t.pays(multiplierOf('red'))}
          </p>

          <div className="flex flex-col gap-2 rounded-xl border border-line bg-panel-2/40 p-3">
            <div className="flex items-center justify-between">
              <h2 className="text-xs font-semibold uppercase tracking-widest text-dim">{t.yourBets}</h2>
              <span className="font-mono text-sm">
                {t.total}: <strong className="text-gold" data-testid="roulette-total">{fmt(game.total)}</strong>
              </span>
            </div>
            {game.slip.length === 0 ? (
              <p className="text-sm text-dim">{t.noBets}</p>
            ) : (
              <ul className="flex flex-wrap gap-1 text-xs" data-testid="slip">
                {game.slip.map((b, i) => (
                  <li key={i} className="rounded-full border border-hot/60 px-2 py-1">
                    {g.betName(b.type, b.value)} · <span className="font-mono">{fmt(b.amount)}</span>
                  </li>
                ))}
              </ul>
            )}
            {problemText && <FieldError id="slip-problem">{problemText}</FieldError>}
            {notEnough && <FieldError>{t.notEnough}</FieldError>}
            <ErrorText error={game.error} id="roulette-error" />
          </div>

          <div className="flex flex-wrap gap-2">
            <Button variant="ghost" size="sm" onClick={game.undo} disabled={game.busy || !game.canUndo}>
              {t.undo}
            </Button>
            <Button variant="ghost" size="sm" onClick={game.clear} disabled={game.busy || game.slip.length === 0}>
              {t.clear}
            </Button>
            <Button variant="ghost" size="sm" onClick={game.rebet} disabled={game.busy || game.lastSlip.length === 0}>
              {t.rebet}
            </Button>
            <Button size="lg" className="ml-auto min-w-36 font-display uppercase tracking-widest" busy={game.busy} disabled={game.slip.length === 0 || notEnough} onClick={() => {
                // On a phone the wheel is above the table: bring it into view for the spin.
                const box = wheelBox.current?.getBoundingClientRect()
                if (box && (box.bottom < 120 || box.top > innerHeight)) wheelBox.current?.scrollIntoView({ block: 'start', behavior: matchMedia('(prefers-reduced-motion: reduce)').matches ? 'auto' : 'smooth' })
                void game.spin()
              }} data-testid="roulette-spin" aria-describedby={game.error ? 'roulette-error' : problemText ? 'slip-problem' : undefined}>
              {game.busy ? t.spinning : t.spin}
            </Button>
          </div>
        </Panel>
      </div>
    </div>
  )
}
