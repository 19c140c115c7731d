import { useState, type FormEvent } from 'react'

import { Button } from '../../../components/Button.tsx'
import { Field } from '../../../components/Field.tsx'
import { useMessages } from '../../../lib/i18n/i18n.ts'
import type { AutoOptions, StopReason } from '../hooks/useAutoSpin.ts'
import { slotMessages } from '../messages.ts'

const COUNTS = [10, 25, 50, 100]

interface Props {
  running: boolean
  left: number | null
  stopped: StopReason | null
  disabled: boolean
  onStart: (opts: AutoOptions) => void
  onStop: () => void
}

export function AutoSpinPanel({ running, left, stopped, disabled, onStart, onStop }: Props) {
  const t = useMessages(slotMessages)
  const [count, setCount] = useState(10)
  const [stopOnWin, setStopOnWin] = useState(false)
  const [below, setBelow] = useState('')
  const [error, setError] = useState<string | null>(null)

  const submit = (e: FormEvent) => {
    e.preventDefault()
    if (running) {
      onStop()
      return
    }
    const trimmed = below.trim()
    const limit = trimmed === '' ? null : Number(trimmed)
    if (limit !== null && (!Number.isInteger(limit) || limit < 0)) {
      setError(t.stopBelowInvalid)
      document.getElementById('auto-below')?.focus()
      return
    }
    setError(null)
    onStart({ count, stopOnWin, stopBelow: limit })
  }

  return (
    <form onSubmit={submit} className="flex flex-col gap-3" aria-labelledby="auto-h">
      <h2 id="auto-h" className="font-display text-sm font-bold uppercase tracking-widest text-neon">
        {t.auto}
      </h2>
      <fieldset disabled={running} className="flex flex-col gap-3">
        <legend className="sr-only">{t.auto}</legend>
        <div role="radiogroup" aria-label={t.autoSpins} className="grid grid-cols-4 gap-1">
          {COUNTS.map((n) => (
            <label key={n} className="flex min-h-10 items-center justify-center rounded-md border border-line text-sm font-semibold has-[:checked]:border-neon has-[:checked]:bg-neon has-[:checked]:text-neon-ink has-[:focus-visible]:outline has-[:focus-visible]:outline-3 has-[:focus-visible]:outline-[var(--focus)]">
              <input type="radio" name="auto-count" value={n} checked={count === n} onChange={() => setCount(n)} className="sr-only" />
              {n}
            </label>
          ))}
        </div>
        <label className="flex min-h-10 items-center gap-2 text-sm">
          <input type="checkbox" checked={stopOnWin} onChange={(e) => setStopOnWin(e.target.checked)} className="size-5 accent-[var(--neon)]" />
          {t.stopOnWin}
        </label>
        <Field id="auto-below" label={t.stopBelow} hint={t.stopBelowHint} inputMode="numeric" value={below} onChange={(e) => setBelow(e.target.value)} error={error ?? undefined} />
      </fieldset>
      <Button type="submit" variant={running ? 'danger' : 'hot'} disabled={!running && disabled} data-testid="auto-toggle">
        {running ? t.stopAuto : t.startAuto}
      </Button>
      <p role="status" className="min-h-5 text-sm text-dim" data-testid="auto-status">
        {running && left !== null ? t.autoLeft(left) : stopped ? t.autoStopped[stopped] : ''}
      </p>
    </form>
  )
}
