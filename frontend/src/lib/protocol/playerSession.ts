/* A player's session on the transport: the access and refresh tokens kept in a TokenStore
 * (shared between tabs in the browser), auth.token with the stored access token on every new
 * connection, the access token refreshed before it expires (and the live connection
 * re-authenticated with the new one), logout, and the ends a player is told about: the
 * session expired, was kicked or banned, or was logged out in another tab. */
import { ClubError, isClubError } from './errors.ts'
import { decodeJwt, jwtExpiryMs } from './jwt.ts'
import type { OpArgs } from './ops.gen.ts'
import { memoryTokenStore, type TokenStore, type Tokens } from './tokens.ts'
import { Listeners, type ResumeResult, type Session, type SessionHost } from './transport.ts'
import type { AuthData, OpData, User } from './types.ts'

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

export interface PlayerSessionOptions {
  tokens?: TokenStore
  /** Refresh the access token this long before it expires (at most a quarter of its life). */
  refreshLeadMs?: number
}

export class PlayerSession implements Session {
  private readonly store: TokenStore
  private readonly refreshLeadMs: number
  private host: SessionHost | null = null
  /** The connection this session authenticated, 0 for none. */
  private authedConn = 0
  private currentUser: User | null = null
  private refreshTimer: ReturnType<typeof setTimeout> | undefined
  private refreshing: Promise<Tokens> | null = null
  /** The access token the current connection authenticated with. */
  private accessInUse: string | null = null
  private unsubscribeStore: (() => void) | null = null
  private readonly changes = new Listeners<SessionInfo>()

  constructor(opts: PlayerSessionOptions = {}) {
    this.store = opts.tokens ?? memoryTokenStore()
    this.refreshLeadMs = opts.refreshLeadMs ?? 60_000
  }

  /* ---- for the app ---- */

  get user(): User | null {
    return this.currentUser
  }

  /** Tokens are stored: the session resumes on (re)connect. */
  hasSession(): boolean {
    return this.store.load() !== null
  }

  onSession(fn: (s: SessionInfo) => void): () => void {
    return this.changes.add(fn)
  }

  async register(args: OpArgs['auth.register']): Promise<User> {
    const d = (await this.link().send('auth.register', { ...args })) as AuthData
    this.startSession(d, 'register')
    return d.user
  }

  async login(args: OpArgs['auth.login']): Promise<User> {
    const d = (await this.link().send('auth.login', { ...args })) as AuthData
    this.startSession(d, 'login')
    return d.user
  }

  /** Revokes the session on the server (when reachable) and forgets it here. */
  async logout(): Promise<void> {
    try {
      if (this.authed()) await this.link().send('auth.logout', {}, { timeoutMs: 5000 })
    } catch {
      /* the local session ends anyway */
    }
    this.endSession('logout')
    this.link().restart()
  }

  /* ---- for the transport ---- */

  attach(host: SessionHost): void {
    this.host = host
  }

  start(): void {
    this.unsubscribeStore = this.store.subscribe(() => this.onStoreChanged())
  }

  stop(): void {
    clearTimeout(this.refreshTimer)
    this.unsubscribeStore?.()
    this.unsubscribeStore = null
  }

  holds(): boolean {
    return !this.authed() && this.store.load() !== null
  }

  /** auth.token with the stored access token (refreshed first when it has expired or is about
   * to, or when the server turns it down). */
  async resume(id: number): Promise<ResumeResult> {
    const host = this.link()
    try {
      let tokens = this.store.load()
      if (!tokens) return 'ended'
      const exp = jwtExpiryMs(tokens.access_token)
      if (exp !== null && exp - host.now() < 5000) tokens = await this.refreshTokens(tokens.access_token)
      let data: OpData<'auth.token'>
      try {
        data = await this.authToken(tokens.access_token)
      } catch (e) {
        if (!isClubError(e, 'UNAUTHENTICATED')) throw e
        tokens = await this.refreshTokens(tokens.access_token)
        data = await this.authToken(tokens.access_token)
      }
      if (id !== host.connectionId()) return 'retry'
      this.accessInUse = tokens.access_token
      this.authedConn = id
      this.setUser(data.user, 'resume')
      this.scheduleRefresh()
      return 'resumed'
    } catch (e) {
      if (id === host.connectionId() && (isClubError(e, 'UNAUTHENTICATED') || isClubError(e, 'BANNED'))) {
        this.endSession(e.code === 'BANNED' ? 'banned' : 'expired')
        return 'ended'
      }
      return 'retry'
    }
  }

  onPush(ev: string): void {
    if (ev !== 'session.kicked') return
    this.endSession('kicked')
    this.link().restart()
  }

  /* ---- inside ---- */

  private link(): SessionHost {
    if (!this.host) throw new Error('PlayerSession: not attached to a transport')
    return this.host
  }

  private authed(): boolean {
    return this.authedConn !== 0 && this.authedConn === this.host?.connectionId()
  }

  private startSession(d: AuthData, reason: SessionReason): void {
    const host = this.link()
    this.store.save({ access_token: d.access_token, refresh_token: d.refresh_token })
    this.accessInUse = d.access_token
    this.authedConn = host.connectionId()
    this.setUser(d.user, reason)
    this.scheduleRefresh()
    host.authenticated()
  }

  private endSession(reason: SessionReason): void {
    clearTimeout(this.refreshTimer)
    this.store.save(null)
    this.accessInUse = null
    this.authedConn = 0
    this.setUser(null, reason)
  }

  private setUser(user: User | null, reason: SessionReason): void {
    this.currentUser = user
    this.changes.emit({ user, reason })
  }

  private authToken(access_token: string): Promise<OpData<'auth.token'>> {
    return this.link().send('auth.token', { access_token }) as Promise<OpData<'auth.token'>>
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
    const delay = Math.max(1000, exp - this.leadMs(t.access_token) - this.link().now())
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
      if (cur.access_token !== stale && (exp === null || exp - this.link().now() > 5000)) return cur
      const d = (await this.link().send('auth.refresh', { refresh_token: cur.refresh_token })) as OpData<'auth.refresh'>
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
    const host = this.link()
    const id = host.connectionId()
    if (!this.authed() || !this.accessInUse) return // the next resume refreshes if needed
    try {
      const t = await this.refreshTokens(this.accessInUse)
      const d = await this.authToken(t.access_token)
      if (id !== host.connectionId()) return
      this.accessInUse = t.access_token
      this.setUser(d.user, 'refresh')
      this.scheduleRefresh()
    } catch (e) {
      if (isClubError(e, 'UNAUTHENTICATED') || isClubError(e, 'BANNED')) {
        this.endSession(e.code === 'BANNED' ? 'banned' : 'expired')
        host.restart()
      } else {
        clearTimeout(this.refreshTimer)
        this.refreshTimer = setTimeout(() => void this.refreshLive(), 5000)
      }
    }
  }

  /** Another tab logged in, refreshed or logged out. */
  private onStoreChanged(): void {
    const host = this.link()
    const t = this.store.load()
    if (!t) {
      if (this.currentUser) {
        this.endSession('elsewhere')
        host.restart()
      }
      return
    }
    const id = host.connectionId()
    if (id === 0 || t.access_token === this.accessInUse) return
    this.authToken(t.access_token)
      .then((d) => {
        if (id !== host.connectionId()) return
        this.accessInUse = t.access_token
        this.authedConn = id
        this.setUser(d.user, 'resume')
        this.scheduleRefresh()
        host.authenticated()
      })
      .catch(() => {
        /* the resume on the next connection sorts it out */
      })
  }
}
