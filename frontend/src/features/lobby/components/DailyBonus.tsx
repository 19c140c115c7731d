import { useState } from 'react'

import { Button } from '../../../components/Button.tsx'
import { ErrorText } from '../../../components/ErrorText.tsx'
import { GiftIcon } from '../../../components/icons.tsx'
import { club } from '../../../lib/club.ts'
import { formatNumber, useMessages } from '../../../lib/i18n/i18n.ts'
import { usePrefs } from '../../../stores/prefs.ts'
import { useSession } from '../../../stores/session.ts'
import { useToasts } from '../../../stores/toasts.ts'
import { lobbyMessages } from '../messages.ts'

export function DailyBonus() {
  const t = useMessages(lobbyMessages)
  const lang = usePrefs((s) => s.lang)
  const [busy, setBusy] = useState(false)
  const [error, setError] = useState<unknown>(null)

  const claim = async () => {
    setBusy(true)
    setError(null)
    try {
      const d = await club.request('wallet.daily_bonus', {})
      useSession.getState().receiveBalance({ coins: d.coins, gems: d.gems })
      useToasts.getState().show(t.claimed(formatNumber(d.granted.coins, lang)), 'good')
    } catch (e) {
      setError(e)
    } finally {
      setBusy(false)
    }
  }

  return (
    <div className="flex flex-col gap-3 rounded-2xl border border-gold/40 bg-panel p-4 sm:flex-row sm:items-center">
      <GiftIcon size={32} className="text-gold" />
      <div className="flex-1">
        <h2 className="font-display text-sm font-bold uppercase tracking-widest text-gold">{t.dailyBonus}</h2>
        <p className="text-sm text-dim">{t.dailyBonusSub}</p>
        <ErrorText error={error} id="bonus-error" />
      </div>
      <Button variant="ghost" busy={busy} onClick={claim} data-testid="daily-bonus" aria-describedby={error ? 'bonus-error' : undefined}>
        {t.claim}
      </Button>
    </div>
  )
}
