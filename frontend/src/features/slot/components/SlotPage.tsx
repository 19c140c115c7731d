import { AnimatePresence } from 'motion/react'
import * as m from 'motion/react-m'

import { Button } from '../../../components/Button.tsx'
import { ErrorText } from '../../../components/ErrorText.tsx'
import { LoadState } from '../../../components/LoadState.tsx'
import { FieldError } from '../../../components/Field.tsx'
import { gameMessages } from '../../../components/game/messages.ts'
import { PageTitle, Panel } from '../../../components/Panel.tsx'
import { common } from '../../../lib/i18n/common.ts'
import { formatNumber, useMessages } from '../../../lib/i18n/i18n.ts'
import { href } from '../../../lib/router.ts'
import { useOp } from '../../../lib/useOp.ts'
import { useTitle } from '../../../lib/useTitle.ts'
import { usePrefs } from '../../../stores/prefs.ts'
import { useSession } from '../../../stores/session.ts'
import { useAutoSpin } from '../hooks/useAutoSpin.ts'
import { useSlotMachine } from '../hooks/useSlotMachine.ts'
import { slotMessages } from '../messages.ts'
import { AutoSpinPanel } from './AutoSpinPanel.tsx'
import { BetSelector } from './BetSelector.tsx'
import { Paytable } from './Paytable.tsx'
import { LINE_COLORS } from '../lib/tape.ts'
import { Reels } from './Reels.tsx'

export default function SlotPage() {
  const t = useMessages(slotMessages)
  const c = useMessages(common)
  const g = useMessages(gameMessages)
  const lang = usePrefs((s) => s.lang)
  useTitle(t.title)
  const info = useOp('slot.info')
  const machine = useSlotMachine(info.data)
  const auto = useAutoSpin(machine.spin, machine.bet)
  const coins = useSession((s) => s.latest?.coins ?? null)
  const fmt = (n: number) => formatNumber(n, lang)

  if (!info.data) return <LoadState error={info.error} reload={info.reload} />

  const data = info.data
  const result = machine.result
  const notEnough = coins !== null && coins < machine.bet && !machine.busy
  const big = result && result.win >= machine.bet * 10

  return (
    <div>
      <PageTitle sub={t.sub}>{t.title}</PageTitle>
      <div className="grid gap-4 lg:grid-cols-[minmax(0,1fr)_20rem]">
        <Panel className="flex flex-col gap-4">
          <Reels info={data} columns={machine.columns} target={machine.target} lines={machine.busy ? [] : result?.lines ?? []} onLanded={machine.onLanded} />

          <div aria-live="polite" aria-atomic="true" data-testid="slot-result" className="flex min-h-16 flex-col items-center justify-center text-center">
            <AnimatePresence mode="wait">
              {result && !machine.busy && (
                <m.div key={result.round_id} initial={{ opacity: 0, scale: 0.8 }} animate={{ opacity: 1, scale: 1 }} exit={{ opacity: 0 }} transition={{ type: 'spring', stiffness: 300, damping: 18 }}>
                  {result.win > 0 ? (
                    <p className="font-display text-2xl font-bold uppercase tracking-widest text-win sm:text-3xl" data-win={result.win}>
                      {big ? t.bigWin : t.win} +{fmt(result.win)}
                    </p>
                  ) : (
                    <p className="text-dim" data-win={0}>
                      {t.noWin}
                    </p>
                  )}
                  <span className="sr-only">{c.yourBalance(fmt(result.balance.coins), fmt(result.balance.gems))}</span>
                </m.div>
              )}
            </AnimatePresence>
          </div>

          {result && !machine.busy && result.lines.length > 0 && (
            <ul className="flex flex-col gap-1 text-sm" aria-label={t.win}>
              {result.lines.map((l) => (
                <li key={l.line} className="flex items-center gap-2">
                  <span aria-hidden="true" className="inline-block h-1 w-5 rounded" style={{ background: LINE_COLORS[l.line % LINE_COLORS.length] }} />
                  {t.lineWin(l.line + 1, l.count, g.symbols[l.symbol], fmt(l.win))}
                </li>
              ))}
            </ul>
          )}

          <div className="flex flex-col gap-4 sm:flex-row sm:items-end sm:justify-between">
            <BetSelector levels={machine.levels} bet={machine.bet} lines={data.paylines.length} limits={data.bet} disabled={machine.busy || auto.running} onChange={machine.setBet} errorId={machine.error ? 'spin-error' : undefined} />
            <Button size="lg" className="min-w-40 font-display text-xl uppercase tracking-widest" busy={machine.busy} disabled={auto.running || notEnough} onClick={() => void machine.spin()} data-testid="spin" aria-describedby={notEnough ? 'spin-funds' : machine.error ? 'spin-error' : undefined}>
              {machine.busy ? t.spinning : t.spin}
            </Button>
          </div>
          {notEnough && (
            <FieldError id="spin-funds">
              {t.notEnough}
            </FieldError>
          )}
          <ErrorText error={machine.error} id="spin-error" />
          {result && !machine.busy && (
            <a href={href(`/round/${result.round_id}`)} className="self-start text-sm text-neon underline underline-offset-4" data-testid="round-link">
              {t.lastRound}
            </a>
          )}
        </Panel>
        <div className="flex flex-col gap-4">
          <Panel>
            <AutoSpinPanel running={auto.running} left={auto.left} stopped={auto.stopped} disabled={machine.busy || notEnough} onStart={(o) => void auto.start(o)} onStop={auto.stop} />
          </Panel>
          <Paytable info={data} />
        </div>
      </div>
    </div>
  )
}
