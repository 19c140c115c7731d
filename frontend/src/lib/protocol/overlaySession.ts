/* An OBS overlay's session on the transport: auth.overlay with the read-only overlay token the
 * player created (it comes in the overlay's address), on every new connection. The token is
 * only ever held in memory: the overlay page is given it each time it loads. A token the
 * server turns down was revoked; the session reports it and stops trying, so the overlay can
 * say so instead of reconnecting forever. */
import { isClubError } from './errors.ts'
import { Listeners, type ResumeResult, type Session, type SessionHost } from './transport.ts'
import type { User } from './types.ts'

export type OverlaySessionReason = 'resume' | 'revoked'

export interface OverlaySessionInfo {
  user: User | null
  reason: OverlaySessionReason
}

export class OverlaySession implements Session {
  private host: SessionHost | null = null
  private token: string | null
  /** The connection this session authenticated, 0 for none. */
  private authedConn = 0
  private currentUser: User | null = null
  private readonly changes = new Listeners<OverlaySessionInfo>()

  constructor(opts: { token: string }) {
    this.token = opts.token
  }

  /** Whose overlay this is, once a connection is authenticated. */
  get user(): User | null {
    return this.currentUser
  }

  /** False once the server turned the token down. */
  hasSession(): boolean {
    return this.token !== null
  }

  onSession(fn: (s: OverlaySessionInfo) => void): () => void {
    return this.changes.add(fn)
  }

  /* ---- for the transport ---- */

  attach(host: SessionHost): void {
    this.host = host
  }

  start(): void {}

  stop(): void {}

  holds(): boolean {
    return this.token !== null && !(this.authedConn !== 0 && this.authedConn === this.host?.connectionId())
  }

  async resume(id: number): Promise<ResumeResult> {
    const host = this.link()
    const token = this.token
    if (token === null) return 'ended'
    try {
      const d = (await host.send('auth.overlay', { token })) as { user: User }
      if (id !== host.connectionId()) return 'retry'
      this.authedConn = id
      this.currentUser = d.user
      this.changes.emit({ user: d.user, reason: 'resume' })
      return 'resumed'
    } catch (e) {
      if (id === host.connectionId() && (isClubError(e, 'UNAUTHENTICATED') || isClubError(e, 'FORBIDDEN') || isClubError(e, 'BANNED'))) {
        this.token = null
        this.authedConn = 0
        this.currentUser = null
        this.changes.emit({ user: null, reason: 'revoked' })
        return 'ended'
      }
      return 'retry'
    }
  }

  /** The server closes a revoked overlay's connections; the resume on the next one says so. */
  onPush(): void {}

  private link(): SessionHost {
    if (!this.host) throw new Error('OverlaySession: not attached to a transport')
    return this.host
  }
}
