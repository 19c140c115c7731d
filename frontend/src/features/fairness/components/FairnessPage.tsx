import { useEffect, useState, type FormEvent } from 'react'

import { Button } from '../../../components/Button.tsx'
import { Field } from '../../../components/Field.tsx'
import { PageTitle, Panel } from '../../../components/Panel.tsx'
import { club } from '../../../lib/club.ts'
import { roundOf } from '../../../lib/ledger.ts'
import { useMessages } from '../../../lib/i18n/i18n.ts'
import { useTitle } from '../../../lib/useTitle.ts'
import { fairMessages } from '../messages.ts'
import { Calculator } from './Calculator.tsx'
import { RoundView } from './RoundView.tsx'
import { SeedsPanel } from './SeedsPanel.tsx'

/** Round ids from the ledger's latest game movements, newest first. */
function useRecentRounds(refresh: number): string[] {
  const [ids, setIds] = useState<string[]>([])
  useEffect(() => {
    let live = true
    club
      .request('wallet.history', { limit: 60 })
      .then((d) => {
        if (!live) return
        const seen = new Set<string>()
        for (const e of d.entries) {
          const id = roundOf(e)
          if (id) seen.add(id)
        }
        setIds([...seen].slice(0, 20))
      })
      .catch(() => {
        /* the id can be typed in */
      })
    return () => {
      live = false
    }
  }, [refresh])
  return ids
}

export default function FairnessPage() {
  const t = useMessages(fairMessages)
  useTitle(t.title)
  const [rotations, setRotations] = useState(0)
  const recent = useRecentRounds(rotations)
  const [draft, setDraft] = useState('')
  const [shown, setShown] = useState<{ id: string; n: number } | null>(null)
  const crypto = typeof globalThis.crypto?.subtle !== 'undefined'

  const verify = (e: FormEvent) => {
    e.preventDefault()
    const id = (draft || recent[0] || '').trim()
    if (id) setShown((s) => ({ id, n: (s?.n ?? 0) + 1 }))
  }

  return (
    <div className="flex flex-col gap-4">
      <PageTitle sub={t.sub}>{t.title}</PageTitle>
      {!crypto && <p className="rounded-lg border border-bad p-3 text-bad">{t.needsCrypto}</p>}
      <div className="grid gap-4 lg:grid-cols-2">
        <SeedsPanel onRotated={() => setRotations((n) => n + 1)} />
        <Panel aria-labelledby="verify-title" className="flex flex-col gap-4">
          <div>
            <h2 id="verify-title" className="font-display text-sm font-bold uppercase tracking-widest text-neon">
              {t.verifyTitle}
            </h2>
            <p className="text-sm text-dim">{t.verifySub}</p>
          </div>
          <form onSubmit={verify} className="flex flex-col gap-3" noValidate>
            {recent.length > 0 && (
              <div className="flex flex-col gap-1">
                <label htmlFor="recent-rounds" className="text-sm font-semibold text-dim">
                  {t.recentRounds}
                </label>
                <select id="recent-rounds" data-testid="recent-rounds" className="min-h-11 rounded-lg border border-line bg-panel-2 px-3 font-mono text-ink" value={draft} onChange={(e) => setDraft(e.target.value)}>
                  <option value="">{t.pickRound}</option>
                  {recent.map((id) => (
                    <option key={id} value={id}>
                      {id}
                    </option>
                  ))}
                </select>
              </div>
            )}
            <Field id="round-id" label={t.roundId} value={draft} onChange={(e) => setDraft(e.target.value)} spellCheck={false} autoComplete="off" />
            <Button type="submit" data-testid="verify" disabled={!draft && recent.length === 0}>
              {t.verify}
            </Button>
          </form>
          {shown && <RoundView key={`${shown.id}:${shown.n}`} roundId={shown.id} />}
        </Panel>
      </div>
      <Calculator />
    </div>
  )
}
