/* The player's client: the transport (transport.ts) with a player session (playerSession.ts)
 * plugged in, under the names the player app and the browser tests use. The admin console
 * and the overlays plug their own session into a ClubTransport instead. */
import type { OpArgs } from './ops.gen.ts'
import { PlayerSession, type SessionInfo } from './playerSession.ts'
import type { TokenStore } from './tokens.ts'
import { ClubTransport, type TransportOptions } from './transport.ts'
import type { User } from './types.ts'

export interface ClientOptions extends Omit<TransportOptions, 'session'> {
  tokens?: TokenStore
  /** Refresh the access token this long before it expires (at most a quarter of its life). */
  refreshLeadMs?: number
}

export class ClubClient extends ClubTransport {
  readonly player: PlayerSession

  constructor(opts: ClientOptions) {
    const player = new PlayerSession({ tokens: opts.tokens, refreshLeadMs: opts.refreshLeadMs })
    super({ ...opts, session: player })
    this.player = player
  }

  get user(): User | null {
    return this.player.user
  }

  /** Tokens are stored: the session resumes on (re)connect. */
  hasSession(): boolean {
    return this.player.hasSession()
  }

  onSession(fn: (s: SessionInfo) => void): () => void {
    return this.player.onSession(fn)
  }

  register(args: OpArgs['auth.register']): Promise<User> {
    return this.player.register(args)
  }

  login(args: OpArgs['auth.login']): Promise<User> {
    return this.player.login(args)
  }

  /** Revokes the session on the server (when reachable) and forgets it here. */
  logout(): Promise<void> {
    return this.player.logout()
  }
}
