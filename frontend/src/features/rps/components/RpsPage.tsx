import { useState } from 'react'
import * as m from 'motion/react-m'

import { Button } from '../../../components/Button.tsx'
import { ErrorText } from '../../../components/ErrorText.tsx'
import { LoadState } from '../../../components/LoadState.tsx'
import { Field } from '../../../components/Field.tsx'
import { gameMessages } from '../../../components/game/messages.ts'
import { RpsHand } from '../../../components/game/RpsHand.tsx'
import { PageTitle, Panel } from '../../../components/Panel.tsx'
import { club } from '../../../lib/club.ts'
import { RPS_CHOICES } from '../../../lib/games/rps.ts'
import { common } from '../../../lib/i18n/common.ts'
import { formatNumber, useMessages } from '../../../lib/i18n/i18n.ts'
import { useReducedMotion } from '../../../lib/motion.ts'
import type { OpData, RpsChoice } from '../../../lib/protocol/types.ts'
import { href } from '../../../lib/router.ts'
import { useBalanceHold } from '../../../lib/useBalanceHold.ts'
import { useOp } from '../../../lib/useOp.ts'
import { useTitle } from '../../../lib/useTitle.ts'
import { usePrefs } from '../../../stores/prefs.ts'
import { useSession } from '../../../stores/session.ts'
import { rpsMessages } from '../messages.ts'

type Play = OpData<'rps.play'>

const RESULT_COLOR = { win: 'text-win', lose: 'text-bad', draw: 'text-gold' } as const

export default function RpsPage() {
  const t = useMessages(rpsMessages)
  const c = useMessages(common)
  const g = useMessages(gameMessages)
  const lang = usePrefs((s) => s.lang)
  const reduced = useReducedMotion()
  useTitle(t.title)
  const info = useOp('rps.info')
  const [betText, setBetText] = useState('100')
  const [betError, setBetError] = useState<string | null>(null)
  const [serverError, setServerError] = useState<unknown>(null)
  const [busy, setBusy] = useState(false)
  const [shaking, setShaking] = useState<RpsChoice | null>(null)
  const [play, setPlay] = useState<Play | null>(null)
  const [history, setHistory] = useState<Play[]>([])
  const { hold, release } = useBalanceHold()
  const fmt = (n: number) => formatNumber(n, lang)

  if (!info.data) return <LoadState error={info.error} reload={info.reload} />
  const limits = info.data.bet

  const setBet = (n: number) => {
    setBetText(String(Math.min(limits.max, Math.max(limits.min, Math.floor(n)))))
    setBetError(null)
  }

  const go = async (choice: RpsChoice) => {
    const bet = Number(betText)
    if (!Number.isInteger(bet) || bet < limits.min || bet > limits.max) {
      setBetError(t.betInvalid(fmt(limits.min), fmt(limits.max)))
      document.getElementById('rps-bet')?.focus()
      return
    }
    setBetError(null)
    setServerError(null)
    setBusy(true)
    setPlay(null)
    setShaking(choice)
    hold(bet)
    try {
      const [d] = await Promise.all([club.request('rps.play', { choice, bet }), new Promise((r) => setTimeout(r, reduced ? 0 : 900))])
      useSession.getState().receiveBalance(d.balance)
      setPlay(d)
      setHistory((h) => [d, ...h].slice(0, 10))
    } catch (e) {
      setServerError(e)
    } finally {
      release()
      setShaking(null)
      setBusy(false)
    }
  }

  const shake = reduced ? {} : { y: [0, -18, 0, -18, 0, -18, 0] }

  return (
    <div>
      <PageTitle sub={t.sub}>{t.title}</PageTitle>
      <div className="grid gap-4 lg:grid-cols-[minmax(0,1fr)_18rem]">
        <Panel className="flex flex-col gap-6">
          <div className="grid grid-cols-2 gap-4 text-center">
            {([
              [t.you, shaking ?? play?.choice ?? null, 'text-neon'],
              [t.house, shaking ? 'rock' : (play?.house ?? null), 'text-hot'],
            ] as const).map(([who, hand, color], i) => (
              <div key={who} className="flex flex-col items-center gap-2">
                <span className="text-xs font-semibold uppercase tracking-widest text-dim">{who}</span>
                <m.div
                  key={shaking ? 'shake' : (play?.round_id ?? 'idle')}
                  animate={shaking ? shake : { scale: [0.85, 1] }}
                  transition={{ duration: shaking ? 0.9 : 0.25 }}
                  className={`flex size-28 items-center justify-center rounded-2xl border-2 border-line bg-panel-2 sm:size-36 ${color} ${play && !shaking && ((i === 0 && play.result === 'win') || (i === 1 && play.result === 'lose')) ? 'glow border-win' : ''}`}
                  data-testid={i === 0 ? 'rps-you' : 'rps-house'}
                  data-hand={shaking ? undefined : (hand ?? undefined)}
                >
                  {hand ? <RpsHand choice={hand} className={`size-20 sm:size-24 ${i === 1 ? '-scale-x-100' : ''}`} /> : <span className="font-display text-4xl text-dim">?</span>}
                </m.div>
                <span className="min-h-5 text-sm">{hand && !shaking ? g.hands[hand] : ''}</span>
              </div>
            ))}
          </div>

          <div aria-live="polite" aria-atomic="true" data-testid="rps-result" className="min-h-10 text-center">
            {play && (
              <>
                <p className={`font-display text-2xl font-bold uppercase tracking-widest ${RESULT_COLOR[play.result]}`} data-result={play.result}>
                  {t.result[play.result]} {play.win > 0 && play.result === 'win' ? `+${fmt(play.win)}` : ''}
                </p>
                <span className="sr-only">{t.announce(g.hands[play.choice], g.hands[play.house], t.result[play.result], play.win ? c.coinsAmount(fmt(play.win)) : '')}</span>
              </>
            )}
          </div>

          <fieldset disabled={busy} className="flex flex-col gap-2">
            <legend className="mb-2 text-center text-xs font-semibold uppercase tracking-widest text-dim">{t.pick}</legend>
            <div className="grid grid-cols-3 gap-2 sm:gap-4">
              {RPS_CHOICES.map((ch) => (
                <button
                  key={ch}
                  type="button"
                  onClick={() => void go(ch)}
                  aria-label={t.play(g.hands[ch])}
                  aria-describedby="rps-bet-hint"
                  data-testid={`rps-${ch}`}
                  className="flex min-h-24 flex-col items-center justify-center gap-1 rounded-2xl border-2 border-neon/60 bg-panel-2 p-2 text-neon transition hover:bg-neon hover:text-neon-ink disabled:opacity-50"
                >
                  <RpsHand choice={ch} className="size-12 sm:size-16" />
                  <span className="text-sm font-bold">{g.hands[ch]}</span>
                </button>
              ))}
            </div>
          </fieldset>
          {busy && (
            <p role="status" className="text-center text-sm text-dim">
              {t.playing}
            </p>
          )}
          <ErrorText error={serverError} id="rps-error" />
          {play && !busy && (
            <a href={href(`/round/${play.round_id}`)} className="self-center text-sm text-neon underline underline-offset-4" data-testid="round-link">
              {t.roundLink}
            </a>
          )}
        </Panel>
        <Panel className="flex flex-col gap-4">
          <Field id="rps-bet" label={t.bet} inputMode="numeric" value={betText} disabled={busy} onChange={(e) => setBetText(e.target.value.replace(/[^0-9]/g, ''))} hint={t.betHint(fmt(limits.min), fmt(limits.max))} error={betError ?? undefined} />
          <span id="rps-bet-hint" className="sr-only">
            {t.bet}: {betText}
          </span>
          <div className="grid grid-cols-4 gap-1">
            <Button variant="ghost" size="sm" disabled={busy} onClick={() => setBet(limits.min)}>
              {t.min}
            </Button>
            <Button variant="ghost" size="sm" disabled={busy} onClick={() => setBet(Number(betText || 0) / 2)}>
              {t.half}
            </Button>
            <Button variant="ghost" size="sm" disabled={busy} onClick={() => setBet(Number(betText || 0) * 2)}>
              {t.double}
            </Button>
            <Button variant="ghost" size="sm" disabled={busy} onClick={() => setBet(limits.max)}>
              {t.max}
            </Button>
          </div>
          {history.length > 0 && (
            <div>
              <h2 className="mb-1 text-xs font-semibold uppercase tracking-widest text-dim">{t.history}</h2>
              <ol className="flex flex-wrap gap-1">
                {history.map((h) => (
                  <li key={h.round_id} title={t.result[h.result]} className={`flex size-8 items-center justify-center rounded-md border border-line font-bold ${RESULT_COLOR[h.result]}`}>
                    <span aria-hidden="true">{t.short[h.result]}</span>
                    <span className="sr-only">{t.result[h.result]}</span>
                  </li>
                ))}
              </ol>
            </div>
          )}
        </Panel>
      </div>
    </div>
  )
}
