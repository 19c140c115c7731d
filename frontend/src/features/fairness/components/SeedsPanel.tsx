import { useState, type FormEvent } from 'react'

import { Button } from '../../../components/Button.tsx'
import { useErrorText } from '../../../components/useErrorText.ts'
import { Field, FieldError } from '../../../components/Field.tsx'
import { Panel } from '../../../components/Panel.tsx'
import { club } from '../../../lib/club.ts'
import { useMessages } from '../../../lib/i18n/i18n.ts'
import { isClubError } from '../../../lib/protocol/errors.ts'
import type { OpData } from '../../../lib/protocol/types.ts'
import { useOp } from '../../../lib/useOp.ts'
import { CLIENT_SEED_RE, randomClientSeed } from '../lib/clientSeed.ts'
import { fairMessages } from '../messages.ts'

/** The current pair (hash, client seed, nonce), the client seed editor and rotation. */
export function SeedsPanel({ onRotated }: { onRotated: (d: OpData<'fair.rotate'>) => void }) {
  const t = useMessages(fairMessages)
  const errorText = useErrorText()
  const seeds = useOp('fair.seeds')
  const [draft, setDraft] = useState<string | null>(null)
  const [fieldError, setFieldError] = useState<string | null>(null)
  const [formError, setFormError] = useState<string | null>(null)
  const [busy, setBusy] = useState(false)
  const [revealed, setRevealed] = useState<string | null>(null)
  const [copied, setCopied] = useState(false)
  const clientSeed = draft ?? seeds.data?.client_seed ?? ''

  const rotate = async (e: FormEvent) => {
    e.preventDefault()
    if (!CLIENT_SEED_RE.test(clientSeed)) {
      setFieldError(t.clientSeedInvalid)
      document.getElementById('client-seed')?.focus()
      return
    }
    setFieldError(null)
    setFormError(null)
    setBusy(true)
    try {
      const d = await club.request('fair.rotate', { client_seed: clientSeed })
      setRevealed(d.revealed_server_seed)
      setDraft(null)
      seeds.reload()
      onRotated(d)
    } catch (err) {
      // A bad seed is about the field; anything else about the whole action.
      if (isClubError(err, 'BAD_REQUEST')) setFieldError(errorText(err))
      else setFormError(errorText(err))
    } finally {
      setBusy(false)
    }
  }

  const copy = async () => {
    if (!revealed) return
    try {
      await navigator.clipboard.writeText(revealed)
      setCopied(true)
      setTimeout(() => setCopied(false), 1500)
    } catch {
      /* clipboard blocked: the seed is on screen to select */
    }
  }

  return (
    <Panel aria-labelledby="seeds-h" className="flex flex-col gap-4">
      <h2 id="seeds-h" className="font-display text-sm font-bold uppercase tracking-widest text-neon">
        {t.current}
      </h2>
      {seeds.error ? <FieldError>{errorText(seeds.error)}</FieldError> : null}
      <dl className="grid gap-3 text-sm">
        <div>
          <dt className="text-dim">{t.serverHash}</dt>
          <dd className="break-all font-mono" data-testid="seed-hash">
            {seeds.data?.server_seed_hash ?? '…'}
          </dd>
        </div>
        <div>
          <dt className="text-dim">{t.nonce}</dt>
          <dd className="font-mono" data-testid="seed-nonce">
            {seeds.data?.nonce ?? '…'}
          </dd>
        </div>
      </dl>
      <form onSubmit={rotate} className="flex flex-col gap-3" noValidate>
        <div className="flex items-end gap-2">
          <Field
            id="client-seed"
            className="flex-1"
            label={t.clientSeed}
            value={clientSeed}
            maxLength={64}
            autoComplete="off"
            spellCheck={false}
            onChange={(e) => setDraft(e.target.value)}
            hint={t.clientSeedHint}
            error={fieldError ?? undefined}
          />
          <Button variant="ghost" onClick={() => setDraft(randomClientSeed())} className="mb-[1.4rem]">
            {t.randomize}
          </Button>
        </div>
        <Button type="submit" variant="hot" busy={busy} data-testid="rotate" disabled={!seeds.data}>
          {t.rotate}
        </Button>
        {formError && <FieldError>{formError}</FieldError>}
      </form>
      {revealed && (
        <div role="status" className="flex flex-col gap-2 rounded-xl border border-win/60 bg-panel-2/60 p-3">
          <p className="text-sm">{t.rotated}</p>
          <div className="text-xs text-dim">{t.revealed}</div>
          <div className="flex items-start gap-2">
            <code className="flex-1 break-all font-mono text-sm text-win" data-testid="revealed-seed">
              {revealed}
            </code>
            <Button variant="ghost" size="sm" onClick={() => void copy()}>
              {copied ? t.copied : t.copy}
            </Button>
          </div>
        </div>
      )}
    </Panel>
  )
}
