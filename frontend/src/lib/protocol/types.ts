/* The wire contract (PROTOCOL.md, version 1) as TypeScript types: one entry per op with its
 * args and reply data, and one per push. Amounts of currency are integers. Times are Unix ms.
 * Framework-free: the player app, the admin console, the overlays and the tests import it. */

export type Rank = 'STANDARD' | 'PREMIUM' | 'VIP'
export type Currency = 'coins' | 'gems'

export type ErrorCode =
  | 'BAD_REQUEST'
  | 'UNAUTHENTICATED'
  | 'FORBIDDEN'
  | 'NOT_FOUND'
  | 'CONFLICT'
  | 'INSUFFICIENT_FUNDS'
  | 'LIMIT'
  | 'RATE_LIMITED'
  | 'INVALID_INVITE'
  | 'USERNAME_TAKEN'
  | 'BAD_CREDENTIALS'
  | 'BANNED'
  | 'ALREADY_CLAIMED'
  | 'UNAVAILABLE'
  | 'INTERNAL'

export interface WireError {
  code: ErrorCode
  message: string
}

export interface User {
  id: number
  username: string
  rank: Rank
  segment: string
  created_at: number
}

export interface Balance {
  coins: number
  gems: number
}

export interface BetLimits {
  min: number
  max: number
}

/** What every round reply carries so it can be re-computed once the seed is revealed. */
export interface Proof {
  server_seed_hash: string
  client_seed: string
  nonce: number
}

export type SlotSymbol = 'WILD' | 'SEVEN' | 'BAR' | 'BELL' | 'CHERRY' | 'LEMON' | 'GRAPE'

export interface SlotLineWin {
  /** Index into slot.info's paylines (0-based). */
  line: number
  symbol: SlotSymbol
  count: number
  win: number
}

export interface SlotPay {
  symbol: SlotSymbol
  count: number
  multiplier: number
}

export interface SlotInfo {
  /** The five strips; the visible column is positions s, s+1, s+2 (mod length). */
  reels: SlotSymbol[][]
  /** One row per reel for each payline, 0 = top. */
  paylines: number[][]
  paytable: SlotPay[]
  rtp: number
  bet: BetLimits
}

export interface SlotOutcome {
  round_id: string
  /** Five columns of three symbols, top to bottom. */
  reels: SlotSymbol[][]
  lines: SlotLineWin[]
  win: number
  proof: Proof
}

export type RouletteBetType =
  | 'straight'
  | 'red'
  | 'black'
  | 'odd'
  | 'even'
  | 'low'
  | 'high'
  | 'dozen'
  | 'column'

export interface RouletteBet {
  type: RouletteBetType
  /** straight 0-36; dozen and column 1-3; absent for the others. */
  value?: number
  amount: number
}

export interface RouletteBetResult extends RouletteBet {
  win: number
}

export type RouletteColor = 'red' | 'black' | 'green'

export interface RouletteInfo {
  bet: BetLimits
  table_max: number
  max_bets: number
  /** What one coin on a winning bet of each type returns (stake included). */
  payouts: Partial<Record<RouletteBetType, number>>
}

export interface RouletteOutcome {
  round_id: string
  number: number
  color: RouletteColor
  bets: RouletteBetResult[]
  win: number
  proof: Proof
}

export type RpsChoice = 'rock' | 'paper' | 'scissors'
export type RpsResult = 'win' | 'lose' | 'draw'

export interface RpsOutcome {
  round_id: string
  choice: RpsChoice
  house: RpsChoice
  result: RpsResult
  win: number
  proof: Proof
}

export type GameName = 'slot' | 'roulette' | 'rps'

interface StoredRoundBase {
  round_id: string
  bet: number
  win: number
  at: number
  /** The round's proof; server_seed is present once the seed pair was rotated out. */
  proof: Proof & { server_seed?: string }
}

export type StoredRound =
  | (StoredRoundBase & { game: 'slot'; outcome: SlotOutcome })
  | (StoredRoundBase & { game: 'roulette'; outcome: RouletteOutcome })
  | (StoredRoundBase & { game: 'rps'; outcome: RpsOutcome })

export interface LedgerEntry {
  id: number
  currency: Currency
  delta: number
  balance_after: number
  /** welcome, bet, win, daily_bonus, ... */
  reason: string
  /** The round id for game movements, else empty. */
  ref: string
  at: number
}

export interface AuthData {
  user: User
  access_token: string
  refresh_token: string
}

export interface Seeds {
  server_seed_hash: string
  client_seed: string
  nonce: number
}

type Empty = Record<string, never>

export type NotificationKind = 'reward' | 'announce' | 'admin' | 'system'

/** One entry of the bell: newest first in notify.list. */
export interface Notification {
  id: number
  kind: NotificationKind
  title: string
  body: string
  at: number
  read: boolean
}

/** Every op: its args, its reply data, and whether it moves currency (takes `idem`). */
export interface Ops {
  'sys.ping': { args: { echo?: unknown }; data: { echo: unknown; at: number } }
  'auth.register': {
    args: { invite: string; username: string; password: string }
    data: AuthData
  }
  'auth.login': { args: { username: string; password: string }; data: AuthData }
  'auth.token': { args: { access_token: string }; data: { user: User } }
  'auth.refresh': {
    args: { refresh_token: string }
    data: { access_token: string; refresh_token: string }
  }
  'auth.logout': { args: Empty; data: Empty }
  'profile.get': { args: Empty; data: { user: User; stats: Record<string, unknown> } }
  'wallet.balance': { args: Empty; data: Balance }
  'wallet.history': { args: { limit: number; before?: number }; data: { entries: LedgerEntry[] } }
  'wallet.daily_bonus': { args: Empty; data: Balance & { granted: Balance }; idem: true }
  'fair.seeds': { args: Empty; data: Seeds }
  'fair.rotate': {
    args: { client_seed?: string }
    data: Seeds & { revealed_server_seed: string }
  }
  'slot.info': { args: Empty; data: SlotInfo }
  'slot.spin': { args: { bet: number }; data: SlotOutcome & { balance: Balance }; idem: true }
  'roulette.info': { args: Empty; data: RouletteInfo }
  'roulette.spin': {
    args: { bets: RouletteBet[] }
    data: RouletteOutcome & { balance: Balance }
    idem: true
  }
  'rps.info': { args: Empty; data: { bet: BetLimits } }
  'rps.play': {
    args: { choice: RpsChoice; bet: number }
    data: RpsOutcome & { balance: Balance }
    idem: true
  }
  'game.round': { args: { round_id: string }; data: StoredRound }
  'notify.list': {
    args: { unread_only?: boolean; limit?: number; before?: number }
    data: { items: Notification[]; unread: number }
  }
  'notify.read': { args: { ids?: number[]; all?: boolean }; data: { unread: number } }
}

export type OpName = keyof Ops
export type OpArgs<O extends OpName> = Ops[O]['args']
export type OpData<O extends OpName> = Ops[O]['data']

/** Ops that move currency: sent with an `idem`, retried with the same one. */
export type IdemOp = { [O in OpName]: Ops[O] extends { idem: true } ? O : never }[OpName]

export const IDEM_OPS: ReadonlySet<OpName> = new Set<IdemOp>([
  'wallet.daily_bonus',
  'slot.spin',
  'roulette.spin',
  'rps.play',
])

/** Ops with side effects and no idem: never re-sent after a lost connection, because the
 * first attempt may have been applied (a rotate reveals a seed, a refresh spends a token). */
export const UNSAFE_OPS: ReadonlySet<OpName> = new Set<OpName>([
  'auth.register',
  'auth.refresh',
  'auth.logout',
  'fair.rotate',
])

/** Ops a connection may send before it is authenticated. */
export const PUBLIC_OPS: ReadonlySet<OpName> = new Set<OpName>([
  'sys.ping',
  'auth.register',
  'auth.login',
  'auth.token',
  'auth.refresh',
])

/** Pushes (frames with `ev` and no `rid`). */
export interface Events {
  'wallet.balance': Balance
  'battlepass.xp': { xp: number; tier: number }
  'rank.update': { board: string; period: string; entries: unknown[] }
  notify: { id: number; kind: string; title: string; body: string; at: number; read: boolean }
  announce: Record<string, unknown>
  'feed.bigwin': { username: string; game: string; win: number }
  'session.kicked': Record<string, unknown>
}

export type EventName = keyof Events

/** Frames as they travel. */
export interface RequestFrame {
  rid: number
  op: string
  args?: Record<string, unknown>
  idem?: string
}

export type ReplyFrame =
  | { rid: number; ok: true; data: unknown }
  | { rid: number; ok: false; error: WireError }

export interface PushFrame {
  ev: string
  data: unknown
}
