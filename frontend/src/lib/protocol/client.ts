/* The one protocol client (PROTOCOL.md): msgpack maps over a WebSocket, requests matched to
 * replies by rid, pushes delivered as events. It keeps the connection up (reconnecting with
 * exponential backoff), resumes the session with the stored access token on every new
 * connection, refreshes that token before it expires and re-authenticates the live
 * connection with it, and re-sends requests that a dropped connection swallowed when that is
 * safe: read-only ops as they are, money-moving ops with the SAME idem so nothing is applied
 * twice. Framework-free, so the player app, the admin console, the overlays and the tests
 * share it. */
import { Decoder, Encoder } from '@msgpack/msgpack'

import { ClubError, isClubError } from './errors.ts'
import { decodeJwt, jwtExpiryMs } from './jwt.ts'
import { memoryTokenStore, type TokenStore, type Tokens } from './tokens.ts'
import { IDEM_OPS, OP_ACCESS, RESEND_SAFE, type OpArgs, type OpName } from './ops.gen.ts'
import type { Events, EventName, OpData, User, WireError } from './types.ts'

/** The part of the browser's WebSocket the client uses (a fake one in tests). */
export interface WebSocketLike {
  binaryType: string
  readonly readyState: number
  onopen: ((ev: unknown) => void) | null
  onclose: ((ev: { code: number; reason: string }) => void) | null
  onerror: ((ev: unknown) => void) | null
  onmessage: ((ev: { data: unknown }) => void) | null
  send(data: Uint8Array): void
  close(code?: number, reason?: string): void
}

export type WebSocketFactory = (url: string, protocol: string) => WebSocketLike

const OPEN = 1

export interface ClientOptions {
  /** ws(s)://host/ws */
  url: string
  webSocket?: WebSocketFactory
  tokens?: TokenStore
  /** How long a request may wait for its reply, queueing included (ms). */
  requestTimeoutMs?: number
  /** The same for money-moving requests, which survive a reconnect (ms). */
  moneyTimeoutMs?: number
  /** Reconnect delay: base * 2^attempt, capped, then jittered to 50-100 %. */
  backoffBaseMs?: number
  backoffMaxMs?: number
  /** Refresh the access token this long before it expires (at most a quarter of its life). */
  refreshLeadMs?: number
  /** Send sys.ping after this long without a frame, and reconnect if it goes unanswered. 0: off. */
  heartbeatMs?: number
  random?: () => number
  now?: () => number
}

export type ConnectionState = 'connecting' | 'online' | 'offline'

export interface ConnectionInfo {
  state: ConnectionState
  /** Failed attempts since the last good connection. */
  attempt: number
  /** When the next attempt starts (ms), while offline. */
  retryAt: number | null
}

export type SessionReason =
  | 'login'
  | 'register'
  | 'resume'
  | 'refresh'
  | 'logout'
  | 'expired'
  | 'kicked'
  | 'banned'
  | 'elsewhere'

export interface SessionInfo {
  user: User | null
  reason: SessionReason
}

export interface RequestOptions {
  /** Money-moving ops get a fresh one when omitted; pass the one from a ClubError to ask again. */
  idem?: string
  timeoutMs?: number
}

interface SendOptions extends RequestOptions {
  /** May be sent again on a new connection when the first one dropped before the reply. */
  resend: boolean
}

interface Pending {
  seq: number
  op: string
  args: Record<string, unknown> | undefined
  idem: string | undefined
  resend: boolean
  /** UNAVAILABLE answers still to retry. */
  retries: number
  /** On the wire with this rid; 0 while queued. */
  rid: number
  settled: boolean
  timer: ReturnType<typeof setTimeout>
  resolve: (data: unknown) => void
  reject: (err: ClubError) => void
}

type Listener<T> = (value: T) => void

const UNAVAILABLE_RETRIES = 2

/** Ops a connection may send before it is authenticated. */
const PUBLIC_OPS: ReadonlySet<string> = new Set(
  Object.entries(OP_ACCESS)
    .filter(([, access]) => access.includes('public'))
    .map(([op]) => op),
)

/** 128 random bits in hex: unique enough for an idem (1-64 chars), and no secure context needed. */
export function newIdem(): string {
  const b = new Uint8Array(16)
  crypto.getRandomValues(b)
  return Array.from(b, (x) => x.toString(16).padStart(2, '0')).join('')
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v)
}

function wireError(v: unknown): WireError {
  if (isRecord(v) && typeof v.code === 'string' && typeof v.message === 'string')
    return v as unknown as WireError
  return { code: 'INTERNAL', message: 'malformed error reply' }
}

export class ClubClient {
  private readonly url: string
  private readonly factory: WebSocketFactory
  private readonly store: TokenStore
  private readonly requestTimeoutMs: number
  private readonly moneyTimeoutMs: number
  private readonly backoffBaseMs: number
  private readonly backoffMaxMs: number
  private readonly refreshLeadMs: number
  private readonly heartbeatMs: number
  private readonly random: () => number
  private readonly now: () => number
  private readonly encoder = new Encoder({ ignoreUndefined: true })
  private readonly decoder = new Decoder()

  private ws: WebSocketLike | null = null
  private started = false
  private closed = false
  private authed = false
  private currentUser: User | null = null
  private conn: ConnectionInfo = { state: 'offline', attempt: 0, retryAt: null }
  private nextRid = 0
  private nextSeq = 0
  private queue: Pending[] = []
  private readonly inflight = new Map<number, Pending>()
  private reconnectTimer: ReturnType<typeof setTimeout> | undefined
  private refreshTimer: ReturnType<typeof setTimeout> | undefined
  private heartbeatTimer: ReturnType<typeof setInterval> | undefined
  private refreshing: Promise<Tokens> | null = null
  /** The access token this connection authenticated with. */
  private accessInUse: string | null = null
  private lastRx = 0
  private pinging = false
  private unsubscribeStore: (() => void) | null = null
  private readonly listeners = new Map<string, Set<Listener<never>>>()

  constructor(opts: ClientOptions) {
    this.url = opts.url
    this.factory =
      opts.webSocket ?? ((url, proto) => new WebSocket(url, proto) as unknown as WebSocketLike)
    this.store = opts.tokens ?? memoryTokenStore()
    this.requestTimeoutMs = opts.requestTimeoutMs ?? 15_000
    this.moneyTimeoutMs = opts.moneyTimeoutMs ?? 45_000
    this.backoffBaseMs = opts.backoffBaseMs ?? 500
    this.backoffMaxMs = opts.backoffMaxMs ?? 15_000
    this.refreshLeadMs = opts.refreshLeadMs ?? 60_000
    this.heartbeatMs = opts.heartbeatMs ?? 25_000
    this.random = opts.random ?? Math.random
    this.now = opts.now ?? Date.now
  }

  /* ---- public API ---- */

  /** Opens the connection (and keeps it open until close()). */
  connect(): void {
    if (this.started || this.closed) return
    this.started = true
    this.unsubscribeStore = this.store.subscribe(() => this.onStoreChanged())
    if (this.heartbeatMs > 0)
      this.heartbeatTimer = setInterval(() => this.heartbeat(), Math.max(1000, this.heartbeatMs / 2))
    this.open()
  }

  /** Closes for good: pending requests fail with CLOSED. */
  close(): void {
    this.closed = true
    clearTimeout(this.reconnectTimer)
    clearTimeout(this.refreshTimer)
    clearInterval(this.heartbeatTimer)
    this.unsubscribeStore?.()
    const ws = this.ws
    this.ws = null
    if (ws) {
      this.detach(ws)
      ws.close(1000, 'bye')
    }
    const all = [...this.queue, ...this.inflight.values()]
    this.queue = []
    this.inflight.clear()
    for (const p of all) this.fail(p, new ClubError('CLOSED', 'the client was closed', p.op, p.idem))
    this.setConn({ state: 'offline', attempt: 0, retryAt: null })
  }

  /** Skips the wait before the next reconnect attempt (the network came back, the tab woke). */
  reconnectNow(): void {
    if (this.closed || !this.started || this.ws) return
    clearTimeout(this.reconnectTimer)
    this.open()
  }

  /** One typed request. Resolves with the reply's data, rejects with a ClubError. */
  request<O extends OpName>(op: O, args?: OpArgs[O], opts: RequestOptions = {}): Promise<OpData<O>> {
    return this.send(op, args as Record<string, unknown> | undefined, {
      ...opts,
      resend: RESEND_SAFE.has(op),
    }) as Promise<OpData<O>>
  }

  /** An op the types do not cover yet (admin ops, later features). Never re-sent unless idem. */
  call(op: string, args?: Record<string, unknown>, opts: RequestOptions = {}): Promise<unknown> {
    return this.send(op, args, { ...opts, resend: opts.idem !== undefined })
  }

  on<E extends EventName>(ev: E, fn: Listener<Events[E]>): () => void {
    return this.listen(`push:${ev}`, fn)
  }

  /** Every push, typed or not. */
  onPush(fn: Listener<{ ev: string; data: unknown }>): () => void {
    return this.listen('push', fn)
  }

  onConnection(fn: Listener<ConnectionInfo>): () => void {
    return this.listen('conn', fn)
  }

  onSession(fn: Listener<SessionInfo>): () => void {
    return this.listen('session', fn)
  }

  get connection(): ConnectionInfo {
    return this.conn
  }

  get user(): User | null {
    return this.currentUser
  }

  /** Tokens are stored: the session resumes on (re)connect. */
  hasSession(): boolean {
    return this.store.load() !== null
  }

  async register(args: OpArgs['auth.register']): Promise<User> {
    const d = await this.request('auth.register', args)
    this.startSession(d, 'register')
    return d.user
  }

  async login(args: OpArgs['auth.login']): Promise<User> {
    const d = await this.request('auth.login', args)
    this.startSession(d, 'login')
    return d.user
  }

  /** Revokes the session on the server (when reachable) and forgets it here. */
  async logout(): Promise<void> {
    try {
      if (this.authed) await this.request('auth.logout', {}, { timeoutMs: 5000 })
    } catch {
      /* the local session ends anyway */
    }
    this.endSession('logout')
    this.restart()
  }

  /* ---- requests ---- */

  private send(op: string, args: Record<string, unknown> | undefined, opts: SendOptions): Promise<unknown> {
    if (this.closed) return Promise.reject(new ClubError('CLOSED', 'the client was closed', op))
    const money = IDEM_OPS.has(op as OpName)
    const idem = opts.idem ?? (money ? newIdem() : undefined)
    const timeoutMs = opts.timeoutMs ?? (money ? this.moneyTimeoutMs : this.requestTimeoutMs)
    return new Promise((resolve, reject) => {
      const p: Pending = {
        seq: ++this.nextSeq,
        op,
        args,
        idem,
        resend: opts.resend || idem !== undefined,
        retries: opts.resend || idem !== undefined ? UNAVAILABLE_RETRIES : 0,
        rid: 0,
        settled: false,
        resolve,
        reject,
        timer: setTimeout(
          () =>
            this.fail(
              p,
              new ClubError('TIMEOUT', `no answer to ${op} in ${Math.round(timeoutMs / 1000)} s`, op, idem),
            ),
          timeoutMs,
        ),
      }
      this.queue.push(p)
      this.pump()
    })
  }

  /** Sends what may go now: everything once authenticated; only public ops while a stored
   * session is being resumed, so nothing runs as an anonymous connection by mistake. */
  private pump(): void {
    const ws = this.ws
    if (!ws || ws.readyState !== OPEN) return
    const gated = !this.authed && this.store.load() !== null
    const keep: Pending[] = []
    for (const p of this.queue) {
      if (gated && !PUBLIC_OPS.has(p.op)) {
        keep.push(p)
        continue
      }
      this.nextRid = (this.nextRid % 0xffffffff) + 1
      p.rid = this.nextRid
      this.inflight.set(p.rid, p)
      const frame: Record<string, unknown> = { rid: p.rid, op: p.op }
      if (p.args && Object.keys(p.args).length > 0) frame.args = p.args
      if (p.idem !== undefined) frame.idem = p.idem
      ws.send(this.encoder.encode(frame))
    }
    this.queue = keep
  }

  private fail(p: Pending, err: ClubError): void {
    if (p.settled) return
    p.settled = true
    clearTimeout(p.timer)
    if (p.rid) this.inflight.delete(p.rid)
    p.rid = 0
    const i = this.queue.indexOf(p)
    if (i >= 0) this.queue.splice(i, 1)
    p.reject(err)
  }

  private onReply(rid: number, frame: Record<string, unknown>): void {
    const p = this.inflight.get(rid)
    if (!p) return // timed out already, or rid 0 (an unreadable frame of ours)
    this.inflight.delete(rid)
    p.rid = 0
    if (frame.ok === true) {
      p.settled = true
      clearTimeout(p.timer)
      p.resolve(frame.data)
      return
    }
    const err = wireError(frame.error)
    // UNAVAILABLE: nothing was applied; ask again shortly (same idem) while the deadline allows.
    if (err.code === 'UNAVAILABLE' && p.retries > 0) {
      const delay = 300 * 2 ** (UNAVAILABLE_RETRIES - p.retries)
      p.retries--
      setTimeout(() => {
        if (p.settled || this.closed) return
        this.queue.push(p)
        this.queue.sort((a, b) => a.seq - b.seq)
        this.pump()
      }, delay)
      return
    }
    this.fail(p, new ClubError(err.code, err.message, p.op, p.idem))
  }

  /* ---- the connection ---- */

  private open(): void {
    this.reconnectTimer = undefined
    this.setConn({ ...this.conn, state: 'connecting', retryAt: null })
    let ws: WebSocketLike
    try {
      ws = this.factory(this.url, 'club.v1')
    } catch {
      this.scheduleReconnect()
      return
    }
    this.ws = ws
    this.authed = false
    ws.binaryType = 'arraybuffer'
    ws.onopen = () => {
      if (ws !== this.ws) return
      this.lastRx = this.now()
      this.setConn({ ...this.conn, state: 'online', retryAt: null })
      if (this.store.load()) void this.resume(ws)
      else {
        this.conn = { ...this.conn, attempt: 0 }
        this.pump()
      }
    }
    ws.onmessage = (ev) => {
      if (ws === this.ws) this.onFrame(ev.data)
    }
    ws.onerror = () => {
      /* a close event follows */
    }
    ws.onclose = () => this.onClose(ws)
  }

  private onFrame(data: unknown): void {
    this.lastRx = this.now()
    let frame: unknown
    try {
      const bytes = data instanceof ArrayBuffer ? new Uint8Array(data) : (data as Uint8Array)
      frame = this.decoder.decode(bytes)
    } catch {
      return
    }
    if (!isRecord(frame)) return
    if (typeof frame.rid === 'number') {
      this.onReply(frame.rid, frame)
    } else if (typeof frame.ev === 'string') {
      if (frame.ev === 'session.kicked') {
        this.endSession('kicked')
        this.restart()
      }
      this.emit(`push:${frame.ev}`, frame.data)
      this.emit('push', { ev: frame.ev, data: frame.data })
    }
  }

  private detach(ws: WebSocketLike): void {
    ws.onopen = ws.onclose = ws.onerror = ws.onmessage = null
  }

  private onClose(ws: WebSocketLike): void {
    if (ws !== this.ws) return
    this.detach(ws)
    this.ws = null
    this.authed = false
    // What was on the wire: re-send what is safe on the next connection, fail the rest.
    const lost = [...this.inflight.values()]
    this.inflight.clear()
    for (const p of lost) {
      p.rid = 0
      if (p.resend) this.queue.push(p)
      else
        this.fail(
          p,
          new ClubError(
            'DISCONNECTED',
            'the connection dropped before the answer; check the result and try again',
            p.op,
            p.idem,
          ),
        )
    }
    this.queue.sort((a, b) => a.seq - b.seq)
    if (!this.closed) this.scheduleReconnect()
  }

  /** Drops the current socket now (a dead link, a restart) and reconnects. */
  private drop(): void {
    const ws = this.ws
    if (!ws) return
    try {
      ws.close(4000, 'reconnect')
    } catch {
      /* already closing */
    }
    this.onClose(ws)
  }

  /** A fresh, anonymous connection at once (after logout or a kick). */
  private restart(): void {
    if (this.closed || !this.started) return
    const ws = this.ws
    if (ws) {
      this.drop()
      clearTimeout(this.reconnectTimer)
    }
    this.conn = { ...this.conn, attempt: 0 }
    this.open()
  }

  private scheduleReconnect(): void {
    const attempt = this.conn.attempt
    const full = Math.min(this.backoffMaxMs, this.backoffBaseMs * 2 ** attempt)
    const delay = Math.round(full * (0.5 + this.random() * 0.5))
    this.setConn({ state: 'offline', attempt: attempt + 1, retryAt: this.now() + delay })
    clearTimeout(this.reconnectTimer)
    this.reconnectTimer = setTimeout(() => this.open(), delay)
  }

  private heartbeat(): void {
    const ws = this.ws
    if (!ws || ws.readyState !== OPEN || this.pinging) return
    if (this.now() - this.lastRx < this.heartbeatMs) return
    this.pinging = true
    this.send('sys.ping', undefined, { resend: false, timeoutMs: 10_000 })
      .catch((e: unknown) => {
        if (isClubError(e, 'TIMEOUT') && ws === this.ws) this.drop()
      })
      .finally(() => {
        this.pinging = false
      })
  }

  private setConn(c: ConnectionInfo): void {
    this.conn = c
    this.emit('conn', c)
  }

  /* ---- the session ---- */

  private startSession(d: { user: User; access_token: string; refresh_token: string }, reason: SessionReason): void {
    this.store.save({ access_token: d.access_token, refresh_token: d.refresh_token })
    this.accessInUse = d.access_token
    this.authed = true
    this.conn = { ...this.conn, attempt: 0 }
    this.setUser(d.user, reason)
    this.scheduleRefresh()
    this.pump()
  }

  private endSession(reason: SessionReason): void {
    clearTimeout(this.refreshTimer)
    this.store.save(null)
    this.accessInUse = null
    this.authed = false
    this.setUser(null, reason)
  }

  private setUser(user: User | null, reason: SessionReason): void {
    this.currentUser = user
    this.emit('session', { user, reason })
  }

  /** On a new connection: auth.token with the stored access token (refreshed first when it
   * has expired or is about to), then the queued requests go out. */
  private async resume(ws: WebSocketLike): Promise<void> {
    try {
      let tokens = this.store.load()
      if (!tokens) return
      const exp = jwtExpiryMs(tokens.access_token)
      if (exp !== null && exp - this.now() < 5000) tokens = await this.refreshTokens(tokens.access_token)
      let data: OpData<'auth.token'>
      try {
        data = await this.authToken(tokens.access_token)
      } catch (e) {
        if (!isClubError(e, 'UNAUTHENTICATED')) throw e
        tokens = await this.refreshTokens(tokens.access_token)
        data = await this.authToken(tokens.access_token)
      }
      if (ws !== this.ws) return
      this.accessInUse = tokens.access_token
      this.authed = true
      this.conn = { ...this.conn, attempt: 0 }
      this.setUser(data.user, 'resume')
      this.scheduleRefresh()
    } catch (e) {
      if (ws !== this.ws) return
      if (isClubError(e, 'UNAUTHENTICATED') || isClubError(e, 'BANNED')) {
        this.endSession(e.code === 'BANNED' ? 'banned' : 'expired')
      } else if (!isClubError(e, 'DISCONNECTED') && !isClubError(e, 'CLOSED')) {
        this.drop() // server busy or slow: try again on a new connection, with backoff
        return
      }
    } finally {
      if (ws === this.ws) this.pump()
    }
  }

  private authToken(access_token: string): Promise<OpData<'auth.token'>> {
    return this.send('auth.token', { access_token }, { resend: false }) as Promise<OpData<'auth.token'>>
  }

  private leadMs(token: string): number {
    const c = decodeJwt(token)
    const life = c?.exp !== undefined && c.iat !== undefined ? (c.exp - c.iat) * 1000 : Infinity
    return Math.min(this.refreshLeadMs, life / 4)
  }

  private scheduleRefresh(): void {
    clearTimeout(this.refreshTimer)
    const t = this.store.load()
    const exp = t && jwtExpiryMs(t.access_token)
    if (!t || exp === null) return
    const delay = Math.max(1000, exp - this.leadMs(t.access_token) - this.now())
    this.refreshTimer = setTimeout(() => void this.refreshLive(), delay)
  }

  /** Spends the refresh token for a new pair replacing `stale`, once for all tabs: under the
   * store's lock, a token another tab already got is adopted instead of spending the old
   * refresh token again (which would revoke the session everywhere). */
  private refreshTokens(stale: string): Promise<Tokens> {
    if (this.refreshing) return this.refreshing
    const run = this.store.exclusive(async () => {
      const cur = this.store.load()
      if (!cur) throw new ClubError('UNAUTHENTICATED', 'logged out', 'auth.refresh')
      const exp = jwtExpiryMs(cur.access_token)
      if (cur.access_token !== stale && (exp === null || exp - this.now() > 5000)) return cur
      const d = (await this.send('auth.refresh', { refresh_token: cur.refresh_token }, { resend: false })) as OpData<'auth.refresh'>
      const next = { access_token: d.access_token, refresh_token: d.refresh_token }
      this.store.save(next)
      return next
    })
    this.refreshing = run.finally(() => {
      this.refreshing = null
    })
    return this.refreshing
  }

  /** The timer: refresh, then re-authenticate the live connection with the new token. */
  private async refreshLive(): Promise<void> {
    const ws = this.ws
    if (!ws || !this.authed || !this.accessInUse) return // the next resume refreshes if needed
    try {
      const t = await this.refreshTokens(this.accessInUse)
      const d = await this.authToken(t.access_token)
      if (ws !== this.ws) return
      this.accessInUse = t.access_token
      this.setUser(d.user, 'refresh')
      this.scheduleRefresh()
    } catch (e) {
      if (isClubError(e, 'UNAUTHENTICATED') || isClubError(e, 'BANNED')) {
        this.endSession(e.code === 'BANNED' ? 'banned' : 'expired')
        this.restart()
      } else {
        clearTimeout(this.refreshTimer)
        this.refreshTimer = setTimeout(() => void this.refreshLive(), 5000)
      }
    }
  }

  /** Another tab logged in, refreshed or logged out. */
  private onStoreChanged(): void {
    const t = this.store.load()
    if (!t) {
      if (this.currentUser) {
        this.endSession('elsewhere')
        this.restart()
      }
      return
    }
    const ws = this.ws
    if (!ws || ws.readyState !== OPEN || t.access_token === this.accessInUse) return
    this.authToken(t.access_token)
      .then((d) => {
        if (ws !== this.ws) return
        this.accessInUse = t.access_token
        this.authed = true
        this.setUser(d.user, 'resume')
        this.scheduleRefresh()
        this.pump()
      })
      .catch(() => {
        /* the resume on the next connection sorts it out */
      })
  }

  /* ---- events ---- */

  private listen<T>(key: string, fn: Listener<T>): () => void {
    let set = this.listeners.get(key)
    if (!set) this.listeners.set(key, (set = new Set()))
    set.add(fn as Listener<never>)
    return () => set.delete(fn as Listener<never>)
  }

  private emit(key: string, value: unknown): void {
    const set = this.listeners.get(key)
    if (!set) return
    for (const fn of [...set]) (fn as Listener<unknown>)(value)
  }
}
