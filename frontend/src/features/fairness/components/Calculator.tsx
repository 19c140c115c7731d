import { useState, type FormEvent } from 'react'

import { Button } from '../../../components/Button.tsx'
import { Field, FieldError } from '../../../components/Field.tsx'
import { gameMessages } from '../../../components/game/messages.ts'
import { Pocket } from '../../../components/game/Pocket.tsx'
import { FairStream, sha256Hex } from '../../../lib/fair/stream.ts'
import { slotStopsFor } from '../../../lib/fair/verify.ts'
import { RPS_CHOICES } from '../../../lib/games/rps.ts'
import { useMessages } from '../../../lib/i18n/i18n.ts'
import { useOp } from '../../../lib/useOp.ts'
import { fairMessages } from '../messages.ts'

interface Out {
  hash: string
  stops: number[]
  number: number
  house: number
}

/** Any seeds and nonce in, each game's draws out: the same code the verifier runs. */
export function Calculator() {
  const t = useMessages(fairMessages)
  const g = useMessages(gameMessages)
  const slot = useOp('slot.info')
  const [seed, setSeed] = useState('')
  const [client, setClient] = useState('')
  const [nonce, setNonce] = useState('0')
  const [out, setOut] = useState<Out | null>(null)
  const [error, setError] = useState<string | null>(null)

  const run = async (e: FormEvent) => {
    e.preventDefault()
    setError(null)
    const n = Number(nonce)
    if (!Number.isInteger(n) || n < 0) {
      setError('nonce ≥ 0')
      return
    }
    try {
      const lengths = slot.data?.reels.map((r) => r.length) ?? []
      const [hash, stops, number, house] = await Promise.all([
        sha256Hex(seed),
        FairStream.create(seed, client, n).then((s) => slotStopsFor(s, lengths)),
        FairStream.create(seed, client, n).then((s) => s.uniform(37)),
        FairStream.create(seed, client, n).then((s) => s.uniform(3)),
      ])
      setOut({ hash, stops, number, house })
    } catch (err) {
      setError(err instanceof Error ? err.message : String(err))
    }
  }

  return (
    <details className="rounded-2xl border border-line bg-panel/80 p-4 sm:p-6">
      <summary className="cursor-pointer font-display text-sm font-bold uppercase tracking-widest text-neon">{t.calculator}</summary>
      <p className="mt-2 text-sm text-dim">{t.calculatorSub}</p>
      <form onSubmit={run} className="mt-3 grid gap-3 sm:grid-cols-[2fr_1fr_6rem_auto] sm:items-end" noValidate>
        <Field label={t.serverSeed} value={seed} onChange={(e) => setSeed(e.target.value.trim())} spellCheck={false} autoComplete="off" />
        <Field label={t.clientSeed} value={client} onChange={(e) => setClient(e.target.value)} spellCheck={false} autoComplete="off" />
        <Field label="Nonce" value={nonce} inputMode="numeric" onChange={(e) => setNonce(e.target.value)} />
        <Button type="submit" variant="ghost">
          {t.compute}
        </Button>
      </form>
      {error && <FieldError>{error}</FieldError>}
      {out && (
        <dl className="mt-4 grid gap-2 text-sm" aria-live="polite">
          <div>
            <dt className="text-dim">{t.seedHash}</dt>
            <dd className="break-all font-mono">{out.hash}</dd>
          </div>
          <div>
            <dt className="text-dim">{t.stops}</dt>
            <dd className="font-mono">{out.stops.join(', ')}</dd>
          </div>
          <div className="flex items-center gap-2">
            <dt className="text-dim">{t.rouletteNumber}</dt>
            <dd>
              <Pocket n={out.number} size="sm" />
            </dd>
          </div>
          <div className="flex items-center gap-2">
            <dt className="text-dim">{t.rpsHouse}</dt>
            <dd>{g.hands[RPS_CHOICES[out.house] ?? 'rock']}</dd>
          </div>
        </dl>
      )}
    </details>
  )
}
