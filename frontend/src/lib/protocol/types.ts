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

/** A rarity as banners name it (LEGENDARY, EPIC, RARE, COMMON on the seeded ones). */
export type Rarity = string

/** An amount of one currency: a banner's cost per pull, an offer's price. */
export interface Price {
  currency: Currency
  amount: number
}

export interface ItemRef {
  item_id: number
  name: string
}

export interface RarityRate {
  rarity: Rarity
  /** Parts per million; a banner's rates sum to 1,000,000. */
  probability: number
}

/** The top rarity's pity: its rate rises by `step` ppm a pull from pull `soft` on, and pull
 * `hard` always brings one. */
export interface PityRule {
  soft: number
  hard: number
  step: number
}

/** A player's pity on one banner. `guaranteed`: the next top item is the featured one. */
export interface PityState {
  count: number
  guaranteed: boolean
}

export interface PlayerPity extends PityState {
  /** hard - count: a top item comes within this many pulls. */
  guaranteed_at: number
}

/** A banner at one version (gacha.banner); gacha.banners adds the caller's pity. */
export interface GachaBanner {
  id: string
  name: string
  /** Per pull; a 10-pull costs ten times this. */
  cost: Price
  /** Rarest first; rates[0] is the top rarity. */
  rates: RarityRate[]
  pity: PityRule
  /** An item of the top rarity, listed in the top pool too. */
  featured?: ItemRef | null
  /** Each rarity's items in the order a draw indexes. */
  pools: Record<Rarity, ItemRef[]>
  /** The top rarity's long-run rate, pity included (ppm). */
  effective: RarityRate
  version: number
}

export interface PulledItem extends ItemRef {
  rarity: Rarity
  /** The pity count before this pull. */
  pity_before: number
  /** The banner's featured item. */
  featured: boolean
}

/** One pull or a 10-pull: one round, as gacha.pull returns it and game.round stores it. */
export interface GachaOutcome {
  round_id: string
  banner_id: string
  /** The banner version the pull applied at (gacha.banner reads it back). */
  version: number
  items: PulledItem[]
  /** After the pulls. */
  pity: PlayerPity
  /** Before the first pull of the round. */
  pity_before: PityState
  cost: Price
  proof: Proof
}

export interface GachaPullRecord {
  id: number
  round_id: string
  banner_id: string
  item_id: number
  name: string
  rarity: Rarity
  pity_before: number
  at: number
}

export interface InventoryItem extends ItemRef {
  rarity: Rarity
  qty: number
}

/** What an offer (or a purchase) gives. */
export interface Grants {
  coins?: number
  gems?: number
  items?: InventoryItem[]
}

export interface ShopOffer {
  sku: string
  name: string
  price: Price
  grants: Grants
}

export type GameName = 'slot' | 'roulette' | 'rps' | 'gacha'

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
  /** A pull round: `bet` is the cost (in the banner's currency), `win` 0. */
  | (StoredRoundBase & { game: 'gacha'; outcome: GachaOutcome })

/** A round of a game of chance with a bet and a win (the verifier in lib/fair). */
export type GameRound = Exclude<StoredRound, { game: 'gacha' }>
export type GachaRound = Extract<StoredRound, { game: 'gacha' }>

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
  'gacha.banners': { banners: (GachaBanner & { player_pity: PlayerPity })[] }
  'gacha.banner': { banner: GachaBanner }
  'gacha.pull': GachaOutcome & { balance: Balance }
  /** Newest first, one entry per item (a 10-pull is ten). */
  'gacha.history': { pulls: GachaPullRecord[] }
  'inventory.list': { items: InventoryItem[] }
  'shop.catalog': { offers: ShopOffer[] }
  'shop.buy': { sku: string; granted: Grants; balance: Balance }
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
