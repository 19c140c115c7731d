/* The client's protocol types against schemas/ops.json, the one table of ops the server's op
 * table and the client's op types are generated from: every op a client may call has a
 * hand-written reply type in types.ts and nothing else does, the generated lists say what the
 * schema says (defaults included), and the error codes are the schema's. */
import { describe, expect, it } from 'vitest'

import schema from '../../../../schemas/ops.json'
import { IDEM_OPS, OP_ACCESS, RESEND_SAFE, type Access } from './ops.gen.ts'
import type { ErrorCode, EventName, Replies } from './types.ts'

// Exactly the keys of Replies: a missing or extra op fails the type check (tsc -b), and the
// test below holds this list to the schema's.
const REPLY_TYPED: Record<keyof Replies, true> = {
  'sys.ping': true,
  'auth.register': true,
  'auth.login': true,
  'auth.token': true,
  'auth.refresh': true,
  'auth.logout': true,
  'profile.get': true,
  'wallet.balance': true,
  'wallet.history': true,
  'wallet.daily_bonus': true,
  'fair.seeds': true,
  'fair.rotate': true,
  'slot.info': true,
  'slot.spin': true,
  'roulette.info': true,
  'roulette.spin': true,
  'rps.info': true,
  'rps.play': true,
  'game.round': true,
  'notify.list': true,
  'notify.read': true,
  'gacha.banners': true,
  'gacha.banner': true,
  'gacha.pull': true,
  'gacha.history': true,
  'inventory.list': true,
  'shop.catalog': true,
  'shop.buy': true,
}

// Exactly the keys of Events, the pushes the client types.
const PUSH_TYPED: Record<EventName, true> = {
  'wallet.balance': true,
  'battlepass.xp': true,
  'rank.update': true,
  notify: true,
  announce: true,
  'feed.bigwin': true,
  'session.kicked': true,
}

const ERRORS: Record<ErrorCode, true> = {
  BAD_REQUEST: true,
  UNAUTHENTICATED: true,
  FORBIDDEN: true,
  NOT_FOUND: true,
  CONFLICT: true,
  INSUFFICIENT_FUNDS: true,
  LIMIT: true,
  RATE_LIMITED: true,
  INVALID_INVITE: true,
  USERNAME_TAKEN: true,
  BAD_CREDENTIALS: true,
  BANNED: true,
  ALREADY_CLAIMED: true,
  UNAVAILABLE: true,
  INTERNAL: true,
}

interface SchemaOp {
  op: string
  domain: string
  access?: Access[]
  idem?: 'none' | 'optional' | 'required'
  resend?: boolean
}

const ops = schema.ops as SchemaOp[]
const accessOf = (o: SchemaOp): Access[] => o.access ?? ['player']
const clientOps = ops.filter((o) => accessOf(o).some((a) => a !== 'internal'))
const names = (list: SchemaOp[]) => list.map((o) => o.op).sort()

describe('protocol types match schemas/ops.json', () => {
  it('is the version-2 schema', () => {
    expect(schema.version).toBe(2)
  })

  it('types the reply of every op a client may call, and of no other', () => {
    expect(Object.keys(REPLY_TYPED).sort()).toEqual(names(clientOps))
  })

  it('lists who may call each op, internal-only ops left out', () => {
    expect(OP_ACCESS).toEqual(Object.fromEntries(clientOps.map((o) => [o.op, accessOf(o)])))
    expect(Object.keys(OP_ACCESS)).not.toContain('wallet.settle')
  })

  it('sends idem on exactly the schema idem ops', () => {
    expect([...IDEM_OPS].sort()).toEqual(names(clientOps.filter((o) => (o.idem ?? 'none') !== 'none')))
  })

  it('re-sends after a lost reply exactly the ops the schema calls safe to resend', () => {
    expect([...RESEND_SAFE].sort()).toEqual(names(clientOps.filter((o) => o.resend === true)))
  })

  it('types every push the schema names', () => {
    expect(Object.keys(PUSH_TYPED)).toEqual(expect.arrayContaining(schema.pushes))
  })

  it('knows exactly the schema error codes', () => {
    expect(Object.keys(ERRORS).sort()).toEqual([...schema.errors].sort())
  })
})
