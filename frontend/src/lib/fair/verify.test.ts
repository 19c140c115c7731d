import { describe, expect, it } from 'vitest'

import { evaluateSlot, visibleColumn } from '../games/slot.ts'
import type { SlotInfo, SlotSymbol, StoredRound } from '../protocol/types.ts'
import { FairStream, sha256Hex } from './stream.ts'
import { slotStopsFor, verifyRound } from './verify.ts'

// Computed independently of this code (see the issue): keep these literal.
const SEED = '9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08'
const CLIENT = 'lucky_seed'

describe('fair stream', () => {
  it('reads big-endian u32s of HMAC(server_seed, "client_seed:nonce:cursor")', async () => {
    const s = await FairStream.create(SEED, CLIENT, 0)
    expect([await s.u32(), await s.u32(), await s.u32()]).toEqual([0x51e3d624, 0xc5c924ff, 0x0c5c87ee])
  })

  it('moves on to the next cursor after 8 reads', async () => {
    const s = await FairStream.create(SEED, CLIENT, 0)
    for (let i = 0; i < 8; i++) await s.u32()
    const key = await crypto.subtle.importKey('raw', new TextEncoder().encode(SEED), { name: 'HMAC', hash: 'SHA-256' }, false, ['sign'])
    const block1 = new DataView(await crypto.subtle.sign('HMAC', key, new TextEncoder().encode(`${CLIENT}:0:1`)))
    expect(await s.u32()).toBe(block1.getUint32(0))
  })

  it('slot stops for strips of 28, 29, 30, 32, 33', async () => {
    const s = await FairStream.create(SEED, CLIENT, 0)
    expect(await slotStopsFor(s, [28, 29, 30, 32, 33])).toEqual([20, 21, 12, 28, 8])
  })

  it('nonce 3: roulette number 5, rps house paper', async () => {
    expect(await (await FairStream.create(SEED, CLIENT, 3)).uniform(37)).toBe(5)
    expect(await (await FairStream.create(SEED, CLIENT, 3)).uniform(3)).toBe(1)
  })

  it('rejects u >= 2^32 - (2^32 mod n)', async () => {
    const s = await FairStream.create(SEED, CLIENT, 0)
    // n = 2^31 + 1: limit = 2^32 - (2^31 - 1) = 2^31 + 1; 0x51e3d624 < limit is taken,
    // 0xc5c924ff >= limit is thrown away, 0x0c5c87ee is taken.
    const n = 2 ** 31 + 1
    expect(await s.uniform(n)).toBe(0x51e3d624 % n)
    expect(await s.uniform(n)).toBe(0x0c5c87ee % n)
    expect(s.reads).toEqual([0x51e3d624, 0xc5c924ff, 0x0c5c87ee])
  })
})

// A small made-up machine: 3 paylines over strips of the lengths.
const SYMS: SlotSymbol[] = ['WILD', 'SEVEN', 'BAR', 'BELL', 'CHERRY', 'LEMON', 'GRAPE']
const strip = (len: number, shift: number) => Array.from({ length: len }, (_, i) => SYMS[(i * 3 + shift) % SYMS.length] as SlotSymbol)
const INFO: SlotInfo = {
  reels: [strip(28, 0), strip(29, 1), strip(30, 2), strip(32, 3), strip(33, 4)],
  paylines: [
    [1, 1, 1, 1, 1],
    [0, 0, 0, 0, 0],
    [2, 2, 2, 2, 2],
  ],
  paytable: [{ symbol: 'CHERRY', count: 3, multiplier: 10 }],
  rtp: 0.9,
  bet: { min: 3, max: 300 },
}

describe('verifyRound', () => {
  it('matches a slot round re-computed from the same seed', async () => {
    const stops = [20, 21, 12, 28, 8]
    const grid = stops.map((s, i) => visibleColumn(INFO.reels[i] ?? [], s))
    const { lines, win } = evaluateSlot(INFO, grid, 30)
    const proof = { server_seed_hash: await sha256Hex(SEED), client_seed: CLIENT, nonce: 0, server_seed: SEED }
    const round: StoredRound = {
      round_id: 'r1', game: 'slot', bet: 30, win, at: 0, proof,
      outcome: { round_id: 'r1', reels: grid, lines, win, proof },
    }
    const v = await verifyRound(round, SEED, INFO)
    expect(v.checks.filter((c) => !c.ok)).toEqual([])
    expect(v.draws).toEqual(stops)

    const tampered = { ...round, outcome: { ...round.outcome, reels: [...grid].reverse() } }
    expect((await verifyRound(tampered, SEED, INFO)).ok).toBe(false)
  })

  it('roulette and rps rounds at nonce 3', async () => {
    const proof = { server_seed_hash: await sha256Hex(SEED), client_seed: CLIENT, nonce: 3 }
    const roulette: StoredRound = {
      round_id: 'r2', game: 'roulette', bet: 300, win: 360 + 200, at: 0, proof,
      outcome: {
        round_id: 'r2', number: 5, color: 'red', win: 560, proof,
        bets: [
          { type: 'straight', value: 5, amount: 10, win: 360 },
          { type: 'red', amount: 100, win: 200 },
          { type: 'dozen', value: 2, amount: 190, win: 0 },
        ],
      },
    }
    expect((await verifyRound(roulette, SEED)).ok).toBe(true)
    const rps: StoredRound = {
      round_id: 'r3', game: 'rps', bet: 100, win: 194, at: 0, proof,
      outcome: { round_id: 'r3', choice: 'scissors', house: 'paper', result: 'win', win: 194, proof },
    }
    expect((await verifyRound(rps, SEED)).ok).toBe(true)
    const lie = { ...rps, outcome: { ...rps.outcome, house: 'rock' as const } }
    const v = await verifyRound(lie, SEED)
    expect(v.ok).toBe(false)
    expect(v.checks.find((c) => c.field === 'house')?.ok).toBe(false)
  })

  it('flags a seed that does not hash to the announced hash', async () => {
    const proof = { server_seed_hash: 'ab'.repeat(32), client_seed: CLIENT, nonce: 3 }
    const rps: StoredRound = {
      round_id: 'r3', game: 'rps', bet: 100, win: 194, at: 0, proof,
      outcome: { round_id: 'r3', choice: 'scissors', house: 'paper', result: 'win', win: 194, proof },
    }
    const v = await verifyRound(rps, SEED)
    expect(v.checks[0]).toMatchObject({ field: 'hash', ok: false })
  })
})
