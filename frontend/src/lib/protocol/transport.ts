/* The transport of the one protocol client (PROTOCOL.md): msgpack maps over a WebSocket,
 * requests matched to replies by rid, pushes delivered as events. It keeps the connection up
 * (reconnecting with exponential backoff), re-sends requests that a dropped connection
 * swallowed when that is safe (ops the schema calls safe to resend as they are, money-moving
 * ops with the SAME idem so nothing is applied twice), and keeps live subscriptions (ranking,
 * the big-win feed) alive across reconnects.
 *
 * Who the connection speaks for is a pluggable Session: a player (playerSession.ts), an admin
 * (adminSession.ts) or an overlay (overlaySession.ts). On every new connection the transport
 * lets the session authenticate it first, holding back everything but public ops, so nothing
 * runs as an anonymous connection by mistake; then the held requests go out and the
 * subscriptions are issued again. Framework-free, so the player app, the admin console, the
 * overlays and the tests share it. */
import { Decoder, Encoder } from '@msgpack/msgpack'

import { ClubError, isClubError } from './errors.ts'
import { IDEM_OPS, OP_ACCESS, RESEND_SAFE, type OpArgs, type OpName } from './ops.gen.ts'
import type { Events, EventName, OpData, WireError } from './types.ts'

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

export interface TransportOptions {
  /** ws(s)://host/ws */
  url: string
  webSocket?: WebSocketFactory
  /** Who the connection speaks for; none: an anonymous connection (public ops only). */
  session?: Session
  /** How long a request may wait for its reply, queueing included (ms). */
  requestTimeoutMs?: number
  /** The same for money-moving requests, which survive a reconnect (ms). */
  moneyTimeoutMs?: number
  /** Reconnect delay: base * 2^attempt, capped, then jittered to 50-100 %. */
  backoffBaseMs?: number
  backoffMaxMs?: number
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

export interface RequestOptions {
  /** Money-moving ops get a fresh one when omitted; pass the one from a ClubError to ask again. */
  idem?: string
  timeoutMs?: number
}

/** How a session's attempt to authenticate a new connection ended. */
export type ResumeResult =
  | 'resumed' // the connection speaks for the session again
  | 'ended' // the credential is no good (expired, revoked, banned): the session reported it and forgot it
  | 'retry' // the server is busy or slow: a new connection, with backoff

/** What a session may ask of the transport that owns it. */
export interface SessionHost {
  /** The open connection's id, 0 while there is none. Ids are never reused, so a session can
   * tell whether the connection it authenticated is still the current one. */
  connectionId(): number
  /** Sends the session's own op (auth ops): never held back while the session resumes, and
   * never re-sent on a new connection, since the first one may have been applied. */
  send(op: string, args?: Record<string, unknown>, opts?: { timeoutMs?: number }): Promise<unknown>
  /** The current connection is authenticated now (a login on it): held requests go out. */
  authenticated(): void
  /** A fresh connection at once (after a logout or a kick), so nothing of the old one's
   * authentication stays with it. */
  restart(): void
  now(): number
}

/** Who a connection speaks for, plugged into a transport. One session per transport. */
export interface Session {
  /** Called once, by the transport's constructor. */
  attach(host: SessionHost): void
  /** connect(): start listening (to other tabs, for one). */
  start(): void
  /** close(): stop every timer and listener. */
  stop(): void
  /** True while the session holds a credential the current connection has not been
   * authenticated with: requests other than public ops wait. */
  holds(): boolean
  /** Authenticates connection `id`, just opened, while holds(). Never rejects. */
  resume(id: number): Promise<ResumeResult>
  /** A push, before the app's listeners see it (session.kicked ends the session first). */
  onPush(ev: string, data: unknown): void
}

/** A live subscription from subscribe(). */
export interface Subscription<T = unknown> {
  /** The first reply's data (the current state); rejects when the server refuses the
   * subscription, which is then dropped. */
  readonly ready: Promise<T>
  /** Stops it: no longer issued after a reconnect, and the unsubscribe op goes out when no
   * other handle holds the same subscription. */
  unsubscribe(): void
}

export interface SubscribeOptions<T = unknown> {
  /** The unsubscribe op's args; the subscribe op's args when omitted. */
  unsubscribeArgs?: Record<string, unknown>
  /** Every reply: the first, and the one after each reconnect, which replaces what pushes
   * built up since, because pushes sent while the link was down are lost. */
  onReply?: (data: T) => void
  /** The server refused the subscription (it is dropped). */
  onError?: (err: ClubError) => void
}

interface SendOptions extends RequestOptions {
  /** May be sent again on a new connection when the first one dropped before the reply. */
  resend: boolean
  /** The session's own op: goes out while other requests wait for the session to resume. */
  early?: boolean
}

interface Pending {
  seq: number
  op: string
  args: Record<string, unknown> | undefined
  idem: string | undefined
  resend: boolean
  early: boolean
  /** UNAVAILABLE answers still to retry. */
  retries: number
  /** On the wire with this rid; 0 while queued. */
  rid: number
  settled: boolean
  timer: ReturnType<typeof setTimeout>
  resolve: (data: unknown) => void
  reject: (err: ClubError) => void
}

interface SubHandle {
  settled: boolean
  resolve: (data: unknown) => void
  reject: (err: ClubError) => void
  onReply: ((data: unknown) => void) | undefined
  onError: ((err: ClubError) => void) | undefined
}

/** One subscription on the wire, shared by every handle with the same op and args. */
interface SubEntry {
  key: string
  op: string
  args: Record<string, unknown> | undefined
  unsubscribeOp: string
  unsubscribeArgs: Record<string, unknown> | undefined
  /** The connection the subscribe op was last sent on; 0: not sent on this one. */
  conn: number
  /** Busy answers in a row, for the retry's backoff. */
  busy: number
  retryTimer: ReturnType<typeof setTimeout> | undefined
  handles: Set<SubHandle>
  /** The latest reply, handed to a handle that joins later. */
  last: { data: unknown } | null
}

type Listener<T> = (value: T) => void

const UNAVAILABLE_RETRIES = 2

/** Ops a connection may send before it is authenticated. */
const PUBLIC_OPS: ReadonlySet<string> = new Set(
  Object.entries(OP_ACCESS)
    .filter(([, access]) => access.includes('public'))
    .map(([op]) => op),
)

/** No session: an anonymous connection that never holds anything back. */
const NO_SESSION: Session = {
  attach: () => {},
  start: () => {},
  stop: () => {},
  holds: () => false,
  resume: () => Promise.resolve('resumed'),
  onPush: () => {},
}

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

/** A set of listeners; sessions use it for their own events. */
export class Listeners<T> {
  private readonly set = new Set<Listener<T>>()

  add(fn: Listener<T>): () => void {
    this.set.add(fn)
    return () => this.set.delete(fn)
  }

  emit(value: T): void {
    for (const fn of [...this.set]) fn(value)
  }
}

export class ClubTransport {
  private readonly url: string
  private readonly factory: WebSocketFactory
  private readonly session: Session
  private readonly requestTimeoutMs: number
  private readonly moneyTimeoutMs: number
  private readonly backoffBaseMs: number
  private readonly backoffMaxMs: number
  private readonly heartbeatMs: number
  private readonly random: () => number
  private readonly now: () => number
  private readonly encoder = new Encoder({ ignoreUndefined: true })
  private readonly decoder = new Decoder()

  private ws: WebSocketLike | null = null
  /** The current socket's id once it is open, else 0. */
  private connId = 0
  private lastConnId = 0
  /** The session has had its turn on the current connection: subscriptions may go out. */
  private ready = false
  private started = false
  private closed = false
  private conn: ConnectionInfo = { state: 'offline', attempt: 0, retryAt: null }
  private nextRid = 0
  private nextSeq = 0
  private queue: Pending[] = []
  private readonly inflight = new Map<number, Pending>()
  private readonly subs = new Map<string, SubEntry>()
  private reconnectTimer: ReturnType<typeof setTimeout> | undefined
  private heartbeatTimer: ReturnType<typeof setInterval> | undefined
  private lastRx = 0
  private pinging = false
  private readonly listeners = new Map<string, Set<Listener<never>>>()

  constructor(opts: TransportOptions) {
    this.url = opts.url
    this.factory =
      opts.webSocket ?? ((url, proto) => new WebSocket(url, proto) as unknown as WebSocketLike)
    this.session = opts.session ?? NO_SESSION
    this.requestTimeoutMs = opts.requestTimeoutMs ?? 15_000
    this.moneyTimeoutMs = opts.moneyTimeoutMs ?? 45_000
    this.backoffBaseMs = opts.backoffBaseMs ?? 500
    this.backoffMaxMs = opts.backoffMaxMs ?? 15_000
    this.heartbeatMs = opts.heartbeatMs ?? 25_000
    this.random = opts.random ?? Math.random
    this.now = opts.now ?? Date.now
    this.session.attach({
      connectionId: () => this.connId,
      send: (op, args, o) => this.send(op, args, { timeoutMs: o?.timeoutMs, resend: false, early: true }),
      authenticated: () => {
        this.conn = { ...this.conn, attempt: 0 }
        this.pump()
      },
      restart: () => this.restart(),
      now: () => this.now(),
    })
  }

  /* ---- public API ---- */

  /** Opens the connection (and keeps it open until close()). */
  connect(): void {
    if (this.started || this.closed) return
    this.started = true
    this.session.start()
    if (this.heartbeatMs > 0)
      this.heartbeatTimer = setInterval(() => this.heartbeat(), Math.max(1000, this.heartbeatMs / 2))
    this.open()
  }

  /** Closes for good: pending requests fail with CLOSED, subscriptions end. */
  close(): void {
    this.closed = true
    clearTimeout(this.reconnectTimer)
    clearInterval(this.heartbeatTimer)
    this.session.stop()
    const ws = this.ws
    this.ws = null
    this.connId = 0
    if (ws) {
      this.detach(ws)
      ws.close(1000, 'bye')
    }
    const all = [...this.queue, ...this.inflight.values()]
    this.queue = []
    this.inflight.clear()
    for (const p of all) this.fail(p, new ClubError('CLOSED', 'the client was closed', p.op, p.idem))
    const subs = [...this.subs.values()]
    this.subs.clear()
    for (const e of subs) {
      clearTimeout(e.retryTimer)
      for (const h of e.handles) this.settleHandle(h, null, new ClubError('CLOSED', 'the client was closed', e.op))
    }
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

  /** An op the schema does not list yet (admin ops, subscriptions). Never re-sent unless idem. */
  call(op: string, args?: Record<string, unknown>, opts: RequestOptions = {}): Promise<unknown> {
    return this.send(op, args, { ...opts, resend: opts.idem !== undefined })
  }

  /** A live subscription (rank.subscribe, feed.subscribe): issued now, or once the session has
   * resumed, and again on every new connection, until the handle unsubscribes. Handles with
   * the same op and args share one subscription on the wire. */
  subscribe<T = unknown>(
    op: string,
    args: Record<string, unknown> | undefined,
    unsubscribeOp: string,
    opts: SubscribeOptions<T> = {},
  ): Subscription<T> {
    const h: SubHandle = {
      settled: false,
      resolve: () => {},
      reject: () => {},
      onReply: opts.onReply as ((data: unknown) => void) | undefined,
      onError: opts.onError,
    }
    const ready = new Promise<T>((resolve, reject) => {
      h.resolve = resolve as (data: unknown) => void
      h.reject = reject
    })
    // A caller that only listens through onReply must not see an unhandled rejection.
    ready.catch(() => {})
    if (this.closed) {
      this.settleHandle(h, null, new ClubError('CLOSED', 'the client was closed', op))
      return { ready, unsubscribe: () => {} }
    }
    const key = `${op}\n${JSON.stringify(args ?? {})}`
    let e = this.subs.get(key)
    if (!e) {
      e = {
        key,
        op,
        args,
        unsubscribeOp,
        unsubscribeArgs: opts.unsubscribeArgs ?? args,
        conn: 0,
        busy: 0,
        retryTimer: undefined,
        handles: new Set(),
        last: null,
      }
      this.subs.set(key, e)
    }
    e.handles.add(h)
    const entry = e
    if (entry.last && entry.conn === this.connId) this.settleHandle(h, entry.last, null)
    else if (entry.conn !== this.connId || this.connId === 0) this.issue(entry)
    return { ready, unsubscribe: () => this.unsubscribe(entry, h) }
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

  get connection(): ConnectionInfo {
    return this.conn
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
        early: opts.early === true,
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

  /** Sends what may go now: everything once the session is settled on this connection; while
   * it resumes, only its own ops and public ones. */
  private pump(): void {
    const ws = this.ws
    if (!ws || ws.readyState !== OPEN) return
    const held = this.session.holds()
    const keep: Pending[] = []
    for (const p of this.queue) {
      if (held && !p.early && !PUBLIC_OPS.has(p.op)) {
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

  /* ---- subscriptions ---- */

  /** Sends the subscribe op on the current connection, once the session has had its turn. */
  private issue(e: SubEntry): void {
    const id = this.connId
    if (!this.ready || id === 0) return // resubscribe() sends it when the connection is ready
    clearTimeout(e.retryTimer)
    e.conn = id
    this.send(e.op, e.args, { resend: false }).then(
      (data) => {
        if (this.subs.get(e.key) !== e) return
        e.busy = 0
        e.last = { data }
        for (const h of [...e.handles]) this.settleHandle(h, e.last, null)
      },
      (err: ClubError) => {
        if (this.subs.get(e.key) !== e || e.conn !== id) return
        // Lost with the connection: the next one issues it again. Closed: close() ended it.
        if (err.code === 'DISCONNECTED' || err.code === 'CLOSED') return
        if (err.code === 'UNAVAILABLE' || err.code === 'TIMEOUT' || err.code === 'RATE_LIMITED') {
          // Busy: try again on this connection, backing off like a reconnect.
          e.conn = 0
          const delay = Math.min(this.backoffMaxMs, this.backoffBaseMs * 2 ** ++e.busy)
          e.retryTimer = setTimeout(() => {
            if (this.subs.get(e.key) === e && e.conn === 0) this.issue(e)
          }, delay)
          return
        }
        // Refused (a bad board, not allowed): it would be refused again after every reconnect.
        this.subs.delete(e.key)
        for (const h of e.handles) this.settleHandle(h, null, err)
      },
    )
  }

  /** Every subscription again, on a connection the session has just settled. */
  private resubscribe(): void {
    for (const e of [...this.subs.values()]) if (e.conn !== this.connId) this.issue(e)
  }

  private unsubscribe(e: SubEntry, h: SubHandle): void {
    if (!e.handles.delete(h)) return
    this.settleHandle(h, null, new ClubError('CLOSED', 'unsubscribed', e.op))
    if (e.handles.size > 0 || this.subs.get(e.key) !== e) return
    this.subs.delete(e.key)
    clearTimeout(e.retryTimer)
    // Only the connection it was sent on has it; a later one never heard of it.
    if (e.conn !== 0 && e.conn === this.connId)
      this.send(e.unsubscribeOp, e.unsubscribeArgs, { resend: false }).catch(() => {
        /* the connection dropped: the next one has no subscription to end */
      })
  }

  /** Hands a reply (or a refusal) to one handle: the first settles `ready`, every reply goes
   * to onReply. */
  private settleHandle(h: SubHandle, reply: { data: unknown } | null, err: ClubError | null): void {
    if (reply) {
      if (!h.settled) {
        h.settled = true
        h.resolve(reply.data)
      }
      h.onReply?.(reply.data)
      return
    }
    if (!err) return
    const first = !h.settled
    h.settled = true
    if (first) h.reject(err)
    if (err.code !== 'CLOSED') h.onError?.(err)
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
    this.connId = 0
    this.ready = false
    ws.binaryType = 'arraybuffer'
    ws.onopen = () => {
      if (ws !== this.ws) return
      const id = ++this.lastConnId
      this.connId = id
      this.lastRx = this.now()
      this.setConn({ ...this.conn, state: 'online', retryAt: null })
      if (this.session.holds()) void this.session.resume(id).then((r) => this.afterResume(id, r))
      else {
        this.conn = { ...this.conn, attempt: 0 }
        this.afterResume(id, null)
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

  /** The session has had its turn on connection `id` (null: it had nothing to resume). */
  private afterResume(id: number, result: ResumeResult | null): void {
    if (id !== this.connId) return
    if (result === 'retry') {
      this.drop() // server busy or slow: try again on a new connection, with backoff
      return
    }
    if (result === 'resumed') this.conn = { ...this.conn, attempt: 0 }
    this.ready = true
    this.pump()
    this.resubscribe()
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
      this.session.onPush(frame.ev, frame.data)
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
    this.connId = 0
    this.ready = false
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

  /** A fresh connection at once (after logout or a kick). */
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
