/* The client's protocol types against schemas/ops.json, the one list of ops the server's op
 * table is generated from: every op a client may call has a typed entry here and nothing
 * else does, the idem ops are the schema's, and the error codes are the schema's. */
import { describe, expect, it } from 'vitest'
import schema from '../../../../schemas/ops.json'
import { IDEM_OPS, type ErrorCode, type OpName } from './types'

// Exactly the keys of Ops: a missing or extra op fails the type check (tsc -b).
const CLIENT_OPS: Record<OpName, true> = {
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
  access?: string[]
  idem?: 'none' | 'optional' | 'required'
}

const ops = schema.ops as SchemaOp[]

describe('protocol types match schemas/ops.json', () => {
  it('types every op a client may call, and no other', () => {
    const clientOps = ops.filter((o) => !(o.access ?? ['player']).includes('internal')).map((o) => o.op).sort()
    expect(Object.keys(CLIENT_OPS).sort()).toEqual(clientOps)
  })

  it('sends idem on exactly the schema idem ops', () => {
    const idem = ops.filter((o) => (o.idem ?? 'none') !== 'none').map((o) => o.op).sort()
    expect([...IDEM_OPS].sort()).toEqual(idem)
  })

  it('knows exactly the schema error codes', () => {
    expect(Object.keys(ERRORS).sort()).toEqual([...schema.errors].sort())
  })
})
