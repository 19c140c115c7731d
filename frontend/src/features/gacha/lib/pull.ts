/* The gacha rule of PROTOCOL.md ("Gacha, inventory, shop"), over the provably-fair stream:
 * the rates of the k-th pull after the last top item, one pull's draws (r = uniform(1000000),
 * then the item), a 10-pull with pity and the 50/50 flag carried along, the disclosed
 * `effective` rate, and the verifier of a stored pull round. The gacha screen and the
 * fairness feature's round view both use it, so what is disclosed and what is checked are the
 * same code. */
import { check, type Verification } from '../../../lib/fair/verify.ts'
import { FairStream, sha256Hex } from '../../../lib/fair/stream.ts'
import type { GachaBanner, GachaOutcome, ItemRef, PityState, PulledItem } from '../../../lib/protocol/types.ts'

export const PPM = 1_000_000

/** What a pull depends on: a banner at one version. */
export type BannerRule = Pick<GachaBanner, 'rates' | 'pity' | 'pools' | 'featured'>

/** The part of FairStream a pull reads (a scripted one in tests). */
export interface Uniform {
  uniform(n: number): Promise<number>
}

/** The top rarity's rate on the k-th pull after the last top item (k = count + 1), ppm. */
export function topRate(b: Pick<BannerRule, 'rates' | 'pity'>, k: number): number {
  const base = b.rates[0]?.probability ?? 0
  const { soft, hard, step } = b.pity
  if (k >= hard) return PPM
  if (k < soft) return base
  return Math.min(PPM, base + (k - soft + 1) * step)
}

/** Every rarity's rate on the k-th pull, rarest first: the top one from topRate(), each other
 * its base rate cut so the running sum stays at or under 1,000,000, the commonest the rest. */
export function ratesAt(b: Pick<BannerRule, 'rates' | 'pity'>, k: number): number[] {
  const n = b.rates.length
  if (n === 0) return []
  const out = [n === 1 ? PPM : topRate(b, k)]
  let sum = out[0] as number
  for (let i = 1; i < n; i++) {
    const rate = i === n - 1 ? PPM - sum : Math.min(b.rates[i]?.probability ?? 0, PPM - sum)
    out.push(rate)
    sum += rate
  }
  return out
}

/** E of PROTOCOL.md: sum over k = 1..hard of k * p(k) * prod over j < k of (1 - p(j)). */
export function expectedPulls(b: Pick<BannerRule, 'rates' | 'pity'>): number {
  let e = 0
  let none = 1 // no top item in the pulls before k
  for (let k = 1; k <= b.pity.hard; k++) {
    const p = topRate(b, k) / PPM
    e += k * p * none
    none *= 1 - p
  }
  return e
}

/** `effective` of PROTOCOL.md: 1,000,000 / E rounded to the nearest integer. */
export function effectivePpm(b: Pick<BannerRule, 'rates' | 'pity'>): number {
  return Math.round(PPM / expectedPulls(b))
}

export interface Draw extends PulledItem {
  /** The numbers this pull drew, in order: r, then c and the item's index as the rule asks. */
  draws: number[]
}

function poolOf(b: BannerRule, rarity: string): ItemRef[] {
  const pool = b.pools[rarity]
  if (!pool || pool.length === 0) throw new Error(`the banner has no ${rarity} pool`)
  return pool
}

/** One pull with the user's pity before it; returns the item and the pity after it. */
export async function pullOnce(b: BannerRule, rng: Uniform, pity: PityState): Promise<{ draw: Draw; pity: PityState }> {
  const rates = ratesAt(b, pity.count + 1)
  const r = await rng.uniform(PPM)
  let index = rates.length - 1
  for (let i = 0, sum = 0; i < rates.length; i++) {
    sum += rates[i] as number
    if (sum > r) {
      index = i
      break
    }
  }
  const rarity = b.rates[index]?.rarity ?? ''
  const draws = [r]
  const featured = b.featured ?? null
  let item: ItemRef
  let guaranteed = pity.guaranteed

  if (index === 0 && featured) {
    if (guaranteed) {
      item = featured
      guaranteed = false
    } else {
      const c = await rng.uniform(2)
      draws.push(c)
      if (c === 0) {
        item = featured
      } else {
        const others = poolOf(b, rarity).filter((it) => it.item_id !== featured.item_id)
        const i = await rng.uniform(others.length)
        draws.push(i)
        item = others[i] as ItemRef
        guaranteed = true
      }
    }
  } else {
    const pool = poolOf(b, rarity)
    const i = await rng.uniform(pool.length)
    draws.push(i)
    item = pool[i] as ItemRef
  }

  const draw: Draw = {
    item_id: item.item_id,
    name: item.name,
    rarity,
    pity_before: pity.count,
    featured: featured !== null && item.item_id === featured.item_id,
    draws,
  }
  return { draw, pity: { count: index === 0 ? 0 : pity.count + 1, guaranteed } }
}

/** A round of `count` pulls in order (1 or 10), pity and the flag carried from one to the next. */
export async function pullRound(b: BannerRule, rng: Uniform, pity: PityState, count: number): Promise<{ draws: Draw[]; pity: PityState }> {
  const draws: Draw[] = []
  let p = pity
  for (let i = 0; i < count; i++) {
    const one = await pullOnce(b, rng, p)
    draws.push(one.draw)
    p = one.pity
  }
  return { draws, pity: p }
}

/** Pulls until a top item is certain: hard - count (at least 1). */
export function guaranteedAt(b: Pick<BannerRule, 'pity'>, count: number): number {
  return count < b.pity.hard ? b.pity.hard - count : 1
}

/**
 * Re-computes a stored pull round from its revealed server seed and the banner at the round's
 * version, starting from the pity the round records it began with, and compares every item
 * and the pity after it.
 */
export async function verifyPull(outcome: GachaOutcome, serverSeed: string, banner: BannerRule & Pick<GachaBanner, 'version'>): Promise<Verification> {
  const { proof } = outcome
  const checks = [check('hash', proof.server_seed_hash, await sha256Hex(serverSeed)), check('version', banner.version, outcome.version)]
  const stream = await FairStream.create(serverSeed, proof.client_seed, proof.nonce)
  const before = { count: outcome.pity_before.count, guaranteed: outcome.pity_before.guaranteed }
  const { draws, pity } = await pullRound(banner, stream, before, outcome.items.length)
  const pick = <K extends keyof PulledItem>(list: readonly PulledItem[], k: K) => list.map((it) => it[k])
  checks.push(check('rarities', pick(draws, 'rarity'), pick(outcome.items, 'rarity')))
  checks.push(check('items', pick(draws, 'item_id'), pick(outcome.items, 'item_id')))
  checks.push(check('featured', pick(draws, 'featured'), pick(outcome.items, 'featured')))
  checks.push(check('pityBefore', pick(draws, 'pity_before'), pick(outcome.items, 'pity_before')))
  checks.push(
    check(
      'pity',
      { count: pity.count, guaranteed: pity.guaranteed, guaranteed_at: guaranteedAt(banner, pity.count) },
      { count: outcome.pity.count, guaranteed: outcome.pity.guaranteed, guaranteed_at: outcome.pity.guaranteed_at },
    ),
  )
  return { ok: checks.every((c) => c.ok), checks, reads: [...stream.reads], draws: draws.flatMap((d) => d.draws) }
}
