/* The wire contract (PROTOCOL.md, version 1) as TypeScript types: the reply data of every op
 * and the data of every push. The op names and their args are generated from schemas/ops.json
 * (ops.gen.ts); what the schema does not describe, the replies, is written here. Amounts of
 * currency are integers. Times are Unix ms. Framework-free: the player app, the admin
 * console, the overlays and the tests import it. */
import type { OpName } from './ops.gen.ts'

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

export type AdminRole = 'super' | 'ops' | 'marketing' | 'support'

/** An admin account, as admin.login and admin.token return it. */
export interface Admin {
  id: number
  username: string
  role: AdminRole
}

export interface RankEntry {
  /** 1-based. */
  rank: number
  user_id: number
  username: string
  score: number
}

export type NotifyKind = 'reward' | 'announce' | 'admin' | 'system'

/** One notification as the notify push carries it. */
export interface NotifyPush {
  id: number
  kind: NotifyKind
  title: string
  body: string
  at: number
}

/** One notification as notify.list returns it. */
export interface NotifyItem extends NotifyPush {
  read: boolean
}

type Empty = Record<string, never>

/** Every op's reply data, by the generated op names (ops.gen.ts has their args). A name in
 * OpName with no entry here fails the type check at OpData. */
export interface Replies {
  'sys.ping': { echo: unknown; at: number }
  'auth.register': AuthData
  'auth.login': AuthData
  'auth.token': { user: User }
  'auth.refresh': { access_token: string; refresh_token: string }
  'auth.logout': Empty
  'profile.get': { user: User; stats: Record<string, unknown> }
  'wallet.balance': Balance
  'wallet.history': { entries: LedgerEntry[] }
  'wallet.daily_bonus': Balance & { granted: Balance }
  'fair.seeds': Seeds
  'fair.rotate': Seeds & { revealed_server_seed: string }
  'slot.info': SlotInfo
  'slot.spin': SlotOutcome & { balance: Balance }
  'roulette.info': RouletteInfo
  'roulette.spin': RouletteOutcome & { balance: Balance }
  'rps.info': { bet: BetLimits }
  'rps.play': RpsOutcome & { balance: Balance }
  'game.round': StoredRound
  /** Newest first; `unread` counts every unread notification, not only these. */
  'notify.list': { items: NotifyItem[]; unread: number }
  'notify.read': { unread: number }
}

export type OpData<O extends OpName> = Replies[O]

/** Pushes (frames with `ev` and no `rid`). */
export interface Events {
  'wallet.balance': Balance
  'battlepass.xp': { xp: number; tier: number }
  'rank.update': { board: string; period: string; entries: RankEntry[] }
  /** A new notification (created unread). */
  notify: NotifyPush
  announce: Record<string, unknown>
  'feed.bigwin': {
    username: string
    game: string
    bet: number
    win: number
    multiple: number
    round_id: string
    at: number
  }
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
