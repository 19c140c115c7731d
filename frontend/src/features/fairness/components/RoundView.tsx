import { ErrorText } from '../../../components/ErrorText.tsx'
import { Price } from '../../../components/Price.tsx'
import { formatNumber, formatTime, useMessages } from '../../../lib/i18n/i18n.ts'
import { useOp } from '../../../lib/useOp.ts'
import { usePrefs } from '../../../stores/prefs.ts'
import { useVerification } from '../hooks/useVerification.ts'
import { fairMessages } from '../messages.ts'
import { Outcome } from './Outcome.tsx'

/** One stored round: what happened, its proof, and (once revealed) the verifier's verdict. */
export function RoundView({ roundId }: { roundId: string }) {
  const t = useMessages(fairMessages)
  const lang = usePrefs((s) => s.lang)
  const round = useOp('game.round', { round_id: roundId })
  const slot = useOp('slot.info', undefined, round.data?.game === 'slot')
  const pull = round.data?.game === 'gacha' ? round.data.outcome : null
  const banner = useOp('gacha.banner', { banner_id: pull?.banner_id ?? '', version: pull?.version ?? 1 }, pull !== null)
  const { verification, error, verifying, revealed } = useVerification(round.data, slot.data, banner.data?.banner ?? null)
  const fmt = (n: number) => formatNumber(n, lang)

  if (round.error) return <ErrorText error={round.error} />
  if (!round.data) return <p role="status" className="text-dim">…</p>
  const r = round.data

  return (
    <article className="flex flex-col gap-4" data-testid="round-view" aria-labelledby="round-h">
      <header>
        <h2 id="round-h" className="font-display text-lg font-bold uppercase tracking-widest">
          {t.game[r.game] ?? r.game} · <span className="font-mono text-base normal-case text-dim">{r.round_id}</span>
        </h2>
        <dl className="mt-2 grid grid-cols-3 gap-2 text-sm">
          <div>
            <dt className="text-dim">{t.playedAt}</dt>
            <dd>{formatTime(r.at, lang)}</dd>
          </div>
          {r.game === 'gacha' ? (
            <div>
              <dt className="text-dim">{t.cost}</dt>
              <dd>
                <Price currency={r.outcome.cost.currency} amount={r.outcome.cost.amount} />
              </dd>
            </div>
          ) : (
            <>
              <div>
                <dt className="text-dim">{t.bet}</dt>
                <dd className="font-mono">{fmt(r.bet)}</dd>
              </div>
              <div>
                <dt className="text-dim">{t.win}</dt>
                <dd className={`font-mono ${r.win > 0 ? 'text-win' : ''}`}>{fmt(r.win)}</dd>
              </div>
            </>
          )}
        </dl>
      </header>

      <section aria-labelledby="outcome-h">
        <h3 id="outcome-h" className="mb-2 text-xs font-semibold uppercase tracking-widest text-dim">
          {t.outcome}
        </h3>
        <Outcome round={r} banner={banner.data?.banner ?? null} />
      </section>

      <section aria-labelledby="proof-h">
        <h3 id="proof-h" className="mb-2 text-xs font-semibold uppercase tracking-widest text-dim">
          {t.proof}
        </h3>
        <dl className="grid gap-2 text-sm">
          <ProofRow label={t.serverHash} value={r.proof.server_seed_hash} />
          <ProofRow label={t.clientSeed} value={r.proof.client_seed} />
          <ProofRow label="Nonce" value={String(r.proof.nonce)} />
          {revealed ? <ProofRow label={t.serverSeed} value={r.proof.server_seed ?? ''} testId="round-server-seed" /> : <div className="rounded-lg border border-gold/50 p-2 text-gold" data-testid="round-hidden">{t.hidden}</div>}
        </dl>
      </section>

      {revealed && (
        <section aria-labelledby="verify-h" aria-live="polite" aria-busy={verifying}>
          <h3 id="verify-h" className="mb-2 text-xs font-semibold uppercase tracking-widest text-dim">
            {t.verify}
          </h3>
          {verifying && <p className="text-dim">{t.verifying}</p>}
          <ErrorText error={error ?? banner.error} />
          {verification && (
            <div className="flex flex-col gap-2" data-testid="verification" data-ok={verification.ok}>
              <p className={`rounded-lg border-2 p-3 font-semibold ${verification.ok ? 'border-win text-win' : 'border-bad text-bad'}`}>
                {verification.ok ? '✓ ' : '✗ '}
                {verification.ok ? t.verified : t.mismatch}
              </p>
              <ul className="flex flex-col gap-1 text-sm">
                {verification.checks.map((c) => (
                  <li key={c.field} className="flex flex-col rounded-md bg-panel-2/50 px-2 py-1">
                    <span>
                      <span aria-hidden="true" className={c.ok ? 'text-win' : 'text-bad'}>
                        {c.ok ? '✓' : '✗'}
                      </span>{' '}
                      {t.field[c.field] ?? c.field}
                      <span className="sr-only">{c.ok ? ' ✓' : ' ✗'}</span>
                    </span>
                    {!c.ok && (
                      <span className="break-all font-mono text-xs text-dim">
                        {t.expected}: {c.expected} · {t.actual}: {c.actual}
                      </span>
                    )}
                  </li>
                ))}
              </ul>
              <p className="break-all font-mono text-xs text-dim">
                {t.draws}: {verification.draws.join(', ')} · {t.reads}: {verification.reads.map((u) => `0x${u.toString(16).padStart(8, '0')}`).join(' ')}
              </p>
            </div>
          )}
        </section>
      )}
    </article>
  )
}

function ProofRow({ label, value, testId }: { label: string; value: string; testId?: string }) {
  return (
    <div>
      <dt className="text-dim">{label}</dt>
      <dd className="break-all font-mono text-xs sm:text-sm" data-testid={testId}>
        {value}
      </dd>
    </div>
  )
}
