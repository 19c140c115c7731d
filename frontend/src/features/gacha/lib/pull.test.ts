import { describe, expect, it } from 'vitest'

import { FairStream, sha256Hex } from '../../../lib/fair/stream.ts'
import type { GachaOutcome, ItemRef } from '../../../lib/protocol/types.ts'
import { effectivePpm, expectedPulls, pullOnce, pullRound, ratesAt, topRate, verifyPull, type BannerRule, type Uniform } from './pull.ts'

const item = (item_id: number, name: string): ItemRef => ({ item_id, name })
const KATANA = item(101, 'Neon Katana')

// neon_katana as migrations/005_gacha.sql seeds it.
const NEON: BannerRule = {
  rates: [
    { rarity: 'LEGENDARY', probability: 6000 },
    { rarity: 'EPIC', probability: 51000 },
    { rarity: 'RARE', probability: 250000 },
    { rarity: 'COMMON', probability: 693000 },
  ],
  pity: { soft: 74, hard: 90, step: 60000 },
  featured: KATANA,
  pools: {
    LEGENDARY: [KATANA, item(102, 'Chrome Dragon'), item(103, 'Quantum Crown'), item(104, 'Void Phoenix')],
    EPIC: [201, 202, 203, 204, 205, 206, 207, 208, 209].map((id) => item(id, `epic ${id}`)),
    RARE: [301, 302, 303, 304, 305, 306, 307, 308, 309].map((id) => item(id, `rare ${id}`)),
    COMMON: [401, 402, 403, 404, 405, 406, 407, 408, 409].map((id) => item(id, `common ${id}`)),
  },
}

/** Hands out the given values in order, checking each asks for the expected n, and fails on
 * a read the rule should not make. */
function scripted(steps: [n: number, value: number][]): Uniform & { left: () => number } {
  const queue = [...steps]
  return {
    uniform: (n) => {
      const step = queue.shift()
      if (!step) throw new Error(`an extra read: uniform(${n})`)
      expect(n, 'the range this read asks for').toBe(step[0])
      return Promise.resolve(step[1])
    },
    left: () => queue.length,
  }
}

describe('rates of the k-th pull', () => {
  it('the top rate: base before soft, + step per pull from soft, 100 % from hard', () => {
    // k < 74: 6000; k = 74: 6000 + 1 * 60000; k = 80: 6000 + 7 * 60000; k = 89: 6000 + 16 * 60000.
    expect([1, 73, 74, 75, 80, 89, 90, 91].map((k) => topRate(NEON, k))).toEqual([6000, 6000, 66000, 126000, 426000, 966000, 1000000, 1000000])
  })

  it('the rising rate stops at 1,000,000 before hard', () => {
    const steep = { ...NEON, pity: { soft: 2, hard: 10, step: 600000 } }
    // k = 2: 606000; k = 3: 6000 + 2 * 600000 = 1206000, capped.
    expect([1, 2, 3, 9].map((k) => topRate(steep, k))).toEqual([6000, 606000, 1000000, 1000000])
  })

  it('the others keep their rates, cut so the running sum stays under 1,000,000, the commonest takes the rest', () => {
    expect(ratesAt(NEON, 1)).toEqual([6000, 51000, 250000, 693000])
    // 426000 + 51000 + 250000 = 727000: COMMON keeps 273000 of its 693000.
    expect(ratesAt(NEON, 80)).toEqual([426000, 51000, 250000, 273000])
    // 906000 + 51000 = 957000: RARE is cut to 43000, COMMON gets nothing.
    expect(ratesAt(NEON, 88)).toEqual([906000, 51000, 43000, 0])
    // 966000: EPIC is cut to 34000.
    expect(ratesAt(NEON, 89)).toEqual([966000, 34000, 0, 0])
    expect(ratesAt(NEON, 90)).toEqual([1000000, 0, 0, 0])
    for (const k of [1, 74, 80, 88, 89, 90]) expect(ratesAt(NEON, k).reduce((a, b) => a + b)).toBe(1000000)
  })
})

describe('effective rate', () => {
  it('a small banner worked by hand', () => {
    // p(1) = 0.5, p(2) = 0.75, p(3) = 1: E = 1 * 0.5 + 2 * 0.75 * 0.5 + 3 * 1 * 0.5 * 0.25 = 1.625;
    // 1,000,000 / 1.625 = 615384.6 -> 615385.
    const b = { rates: [{ rarity: 'TOP', probability: 500000 }, { rarity: 'REST', probability: 500000 }], pity: { soft: 2, hard: 3, step: 250000 } }
    expect(expectedPulls(b)).toBeCloseTo(1.625, 12)
    expect(effectivePpm(b)).toBe(615385)
  })

  it('neon_katana, against E as the sum of the chances of no top item in the first k pulls', () => {
    // An independent way to the same mean: E = sum over k = 0..hard-1 of P(no top item in k pulls).
    let e = 0
    let none = 1
    for (let k = 1; k <= 90; k++) {
      e += none
      const p = k >= 90 ? 1 : k < 74 ? 0.006 : Math.min(1, 0.006 + (k - 73) * 0.06)
      none *= 1 - p
    }
    expect(expectedPulls(NEON)).toBeCloseTo(e, 9)
    expect(effectivePpm(NEON)).toBe(Math.round(1e6 / e))
    expect(effectivePpm(NEON)).toBe(16052) // 1.6052 %, against 0.6 % base
  })
})

describe('one pull', () => {
  it('picks the first rarity whose running sum exceeds r', async () => {
    // At k = 1: sums 6000, 57000, 307000, 1000000.
    const at = async (r: number, n: number, i: number) => (await pullOnce(NEON, scripted([[1e6, r], [n, i]]), { count: 0, guaranteed: false })).draw
    expect(await at(6000, 9, 4)).toMatchObject({ rarity: 'EPIC', item_id: 205 })
    expect(await at(56999, 9, 0)).toMatchObject({ rarity: 'EPIC', item_id: 201 })
    expect(await at(57000, 9, 8)).toMatchObject({ rarity: 'RARE', item_id: 309 })
    expect(await at(999999, 9, 2)).toMatchObject({ rarity: 'COMMON', item_id: 403, featured: false })
  })

  it('a won 50/50 gives the featured item, a lost one another top item and the guarantee', async () => {
    const won = await pullOnce(NEON, scripted([[1e6, 5999], [2, 0]]), { count: 40, guaranteed: false })
    expect(won.draw).toMatchObject({ rarity: 'LEGENDARY', item_id: 101, featured: true, pity_before: 40, draws: [5999, 0] })
    expect(won.pity).toEqual({ count: 0, guaranteed: false })

    // c = 1: uniform(3) over the top pool without the featured item, in listed order.
    const lost = await pullOnce(NEON, scripted([[1e6, 0], [2, 1], [3, 2]]), { count: 7, guaranteed: false })
    expect(lost.draw).toMatchObject({ rarity: 'LEGENDARY', item_id: 104, featured: false, draws: [0, 1, 2] })
    expect(lost.pity).toEqual({ count: 0, guaranteed: true })
  })

  it('with the guarantee the next top item is the featured one, drawn with nothing more, and the flag clears', async () => {
    const rng = scripted([[1e6, 100]])
    const g = await pullOnce(NEON, rng, { count: 12, guaranteed: true })
    expect(rng.left()).toBe(0)
    expect(g.draw).toMatchObject({ item_id: 101, featured: true, draws: [100] })
    expect(g.pity).toEqual({ count: 0, guaranteed: false })

    // A lower rarity keeps the flag and counts on.
    const epic = await pullOnce(NEON, scripted([[1e6, 6000], [9, 0]]), { count: 12, guaranteed: true })
    expect(epic.pity).toEqual({ count: 13, guaranteed: true })
  })

  it('pull 90 always brings a top item', async () => {
    const d = await pullOnce(NEON, scripted([[1e6, 999999], [2, 0]]), { count: 89, guaranteed: false })
    expect(d.draw.rarity).toBe('LEGENDARY')
  })

  it('a banner without featured draws its top pool like any other', async () => {
    const plain = { ...NEON, featured: null }
    const d = await pullOnce(plain, scripted([[1e6, 0], [4, 3]]), { count: 0, guaranteed: false })
    expect(d.draw).toMatchObject({ rarity: 'LEGENDARY', item_id: 104, featured: false })
    expect(d.pity).toEqual({ count: 0, guaranteed: false })
  })
})

// The stream of lib/fair/verify.test.ts (seed SEED, client seed lucky_seed, nonce 0) reads
// 0x51e3d624, 0xc5c924ff, 0x0c5c87ee, 0x6c687bfc, 0x31756cdf, ...
const SEED = '9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08'
const CLIENT = 'lucky_seed'

describe('pulls over the fair stream', () => {
  it('two pulls from pity 88, worked by hand', async () => {
    // Pull 1, k = 89, rates 966000/34000/0/0: r = 0x51e3d624 mod 10^6 = 885988 -> LEGENDARY;
    // c = 0xc5c924ff mod 2 = 1 (lost); 0x0c5c87ee = 207390702 mod 3 = 0 -> Chrome Dragon.
    // Pull 2, k = 1: r = 0x6c687bfc mod 10^6 = 786812 -> COMMON; 0x31756cdf = 829779167 mod 9
    // = 2 -> item 403 (no rejection: the limit for 9 is 2^32 - 4).
    const s = await FairStream.create(SEED, CLIENT, 0)
    const { draws, pity } = await pullRound(NEON, s, { count: 88, guaranteed: false }, 2)
    expect(draws.map(({ rarity, item_id, pity_before, featured }) => ({ rarity, item_id, pity_before, featured }))).toEqual([
      { rarity: 'LEGENDARY', item_id: 102, pity_before: 88, featured: false },
      { rarity: 'COMMON', item_id: 403, pity_before: 0, featured: false },
    ])
    expect(draws.flatMap((d) => d.draws)).toEqual([885988, 1, 0, 786812, 2])
    expect(pity).toEqual({ count: 1, guaranteed: true })
  })

  it('verifies a stored round, and catches a changed item', async () => {
    const proof = { server_seed_hash: await sha256Hex(SEED), client_seed: CLIENT, nonce: 0 }
    const outcome: GachaOutcome = {
      round_id: 'g1',
      banner_id: 'neon_katana',
      version: 1,
      items: [
        { item_id: 102, name: 'Chrome Dragon', rarity: 'LEGENDARY', pity_before: 88, featured: false },
        { item_id: 403, name: 'common 403', rarity: 'COMMON', pity_before: 0, featured: false },
      ],
      pity: { count: 1, guaranteed: true, guaranteed_at: 89 },
      pity_before: { count: 88, guaranteed: false },
      cost: { currency: 'coins', amount: 200 },
      proof,
    }
    const banner = { ...NEON, version: 1 }
    const v = await verifyPull(outcome, SEED, banner)
    expect(v.checks.filter((c) => !c.ok)).toEqual([])
    expect(v.ok).toBe(true)

    const katana = { ...outcome, items: [{ ...outcome.items[0]!, item_id: 101, featured: true }, outcome.items[1]!] }
    const bad = await verifyPull(katana, SEED, banner)
    expect(bad.ok).toBe(false)
    expect(bad.checks.filter((c) => !c.ok).map((c) => c.field)).toEqual(['items', 'featured'])
  })
})
