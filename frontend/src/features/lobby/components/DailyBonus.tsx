import { useEffect, useState } from 'react'

import { Button } from '../../../components/Button.tsx'
import { ErrorText } from '../../../components/ErrorText.tsx'
import { CheckIcon, GiftIcon } from '../../../components/icons.tsx'
import { club } from '../../../lib/club.ts'
import { formatNumber, useMessages } from '../../../lib/i18n/i18n.ts'
import { isClubError } from '../../../lib/protocol/errors.ts'
import { usePrefs } from '../../../stores/prefs.ts'
import { useSession } from '../../../stores/session.ts'
import { useToasts } from '../../../stores/toasts.ts'
import { hms, nextUtcMidnight, utcDay } from '../lib/utcDay.ts'
import { lobbyMessages } from '../messages.ts'

/* The UTC day this browser last saw the bonus claimed (or refused as ALREADY_CLAIMED), per
 * user: the lobby shows the countdown at once instead of a button that would be refused. */
const key = (userId: number) => `club.bonus.${userId}`

function storedDay(userId: number | undefined): string | null {
  if (userId === undefined) return null
  try {
    return localStorage.getItem(key(userId))
  } catch {
    return null
  }
}

export function DailyBonus() {
  const t = useMessages(lobbyMessages)
  const lang = usePrefs((s) => s.lang)
  const userId = useSession((s) => s.user?.id)
  const [busy, setBusy] = useState(false)
  const [error, setError] = useState<unknown>(null)
  const [claimedDay, setClaimedDay] = useState(() => storedDay(userId))
  const [now, setNow] = useState(() => Date.now())
  const claimed = claimedDay !== null && claimedDay === utcDay(now)

  // While claimed, tick every second; the countdown ends at midnight UTC and the button is back.
  useEffect(() => {
    if (!claimed) return
    const id = setInterval(() => setNow(Date.now()), 1000)
    return () => clearInterval(id)
  }, [claimed])

  const markClaimed = () => {
    const at = Date.now()
    const day = utcDay(at)
    setNow(at)
    setClaimedDay(day)
    try {
      if (userId !== undefined) localStorage.setItem(key(userId), day)
    } catch {
      /* private mode: the countdown lasts while the page does */
    }
  }

  const claim = async () => {
    setBusy(true)
    setError(null)
    try {
      const d = await club.request('wallet.daily_bonus', {})
      useSession.getState().receiveBalance({ coins: d.coins, gems: d.gems })
      markClaimed()
      const parts = [d.granted.coins ? t.coinsPart(formatNumber(d.granted.coins, lang)) : '', d.granted.gems ? t.gemsPart(formatNumber(d.granted.gems, lang)) : ''].filter(Boolean)
      useToasts.getState().show(t.claimed(parts.join(', ')), 'good')
    } catch (e) {
      if (isClubError(e, 'ALREADY_CLAIMED')) markClaimed()
      else setError(e)
    } finally {
      setBusy(false)
    }
  }

  const next = nextUtcMidnight(now)
  return (
    <div className="flex flex-col gap-3 rounded-2xl border border-gold/40 bg-panel p-4 sm:flex-row sm:items-center" data-testid="daily-bonus-card" data-claimed={claimed}>
      <GiftIcon size={32} className="text-gold" />
      <div className="flex-1">
        <h2 className="font-display text-sm font-bold uppercase tracking-widest text-gold">{t.dailyBonus}</h2>
        <p className="text-sm text-dim">{claimed ? t.claimedToday : t.dailyBonusSub}</p>
        <ErrorText error={error} id="bonus-error" />
      </div>
      {claimed ? (
        <div className="flex flex-col items-start sm:items-end" data-testid="bonus-countdown">
          <span className="flex items-center gap-1 text-sm font-semibold text-win">
            <CheckIcon size={16} />
            {t.nextIn}
          </span>
          <time role="timer" dateTime={new Date(next).toISOString()} className="font-mono text-2xl font-bold text-gold" data-testid="bonus-timer" data-until={next}>
            {hms(next - now)}
          </time>
          <span className="text-xs text-dim">{t.resetsAt(new Date(next).toLocaleTimeString(lang === 'ko' ? 'ko-KR' : 'en-US', { hour: '2-digit', minute: '2-digit' }))}</span>
        </div>
      ) : (
        <Button variant="ghost" busy={busy} onClick={claim} data-testid="daily-bonus" aria-describedby={error ? 'bonus-error' : undefined}>
          {t.claim}
        </Button>
      )}
    </div>
  )
}
