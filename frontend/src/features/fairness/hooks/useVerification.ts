/* Runs the in-browser verifier on a stored round once its seed is revealed: the games' rules
 * (lib/fair/verify.ts) or, for a pull, the gacha rule with the banner at the pull's version. */
import { useEffect, useState } from 'react'

import { verifyRound, type Verification } from '../../../lib/fair/verify.ts'
import type { GachaBanner, SlotInfo, StoredRound } from '../../../lib/protocol/types.ts'
import { verifyPull } from '../../gacha/lib/pull.ts'

type Outcome = { id: string; v: Verification; error?: undefined } | { id: string; v?: undefined; error: unknown }

function verify(round: StoredRound, seed: string, slot: SlotInfo | null, banner: GachaBanner | null): Promise<Verification> {
  if (round.game !== 'gacha') return verifyRound(round, seed, slot ?? undefined)
  if (!banner) return Promise.reject(new Error('pull rounds need the banner at their version'))
  return verifyPull({ ...round.outcome, proof: round.proof }, seed, banner)
}

export function useVerification(round: StoredRound | null, slot: SlotInfo | null, banner: GachaBanner | null) {
  const [outcome, setOutcome] = useState<Outcome | null>(null)
  const seed = round?.proof.server_seed
  const ready = round !== null && seed !== undefined && (round.game === 'slot' ? slot !== null : round.game === 'gacha' ? banner !== null : true)

  useEffect(() => {
    if (!ready || !round || !seed) return
    let live = true
    verify(round, seed, slot, banner)
      .then((v) => live && setOutcome({ id: round.round_id, v }))
      .catch((error: unknown) => live && setOutcome({ id: round.round_id, error }))
    return () => {
      live = false
    }
  }, [ready, round, seed, slot, banner])

  const current = outcome && round && outcome.id === round.round_id ? outcome : null
  return { verification: current?.v ?? null, error: current?.error ?? null, verifying: ready && !current, revealed: seed !== undefined }
}
