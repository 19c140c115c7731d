/* Runs the in-browser verifier on a stored round once its seed is revealed. */
import { useEffect, useState } from 'react'

import { verifyRound, type Verification } from '../../../lib/fair/verify.ts'
import type { SlotInfo, StoredRound } from '../../../lib/protocol/types.ts'

type Outcome = { id: string; v: Verification; error?: undefined } | { id: string; v?: undefined; error: unknown }

export function useVerification(round: StoredRound | null, slot: SlotInfo | null) {
  const [outcome, setOutcome] = useState<Outcome | null>(null)
  const seed = round?.proof.server_seed
  const ready = round !== null && seed !== undefined && (round.game !== 'slot' || slot !== null)

  useEffect(() => {
    if (!ready || !round || !seed) return
    let live = true
    verifyRound(round, seed, slot ?? undefined)
      .then((v) => live && setOutcome({ id: round.round_id, v }))
      .catch((error: unknown) => live && setOutcome({ id: round.round_id, error }))
    return () => {
      live = false
    }
  }, [ready, round, seed, slot])

  const current = outcome && round && outcome.id === round.round_id ? outcome : null
  return { verification: current?.v ?? null, error: current?.error ?? null, verifying: ready && !current, revealed: seed !== undefined }
}
