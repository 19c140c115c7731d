/* An admin's session on the transport, for the admin console: admin.login with username,
 * password and a TOTP code, admin.token to authenticate each new connection after a
 * reconnect, admin.logout. The admin token lives in memory or in sessionStorage, never in
 * localStorage: it dies with the tab, so a console left open elsewhere or a shared machine's
 * later user cannot pick it up, and each tab logs in on its own. */
import { isClubError } from './errors.ts'
import { Listeners, type ResumeResult, type Session, type SessionHost } from './transport.ts'
import type { Admin } from './types.ts'

/** Where the admin token is kept: sessionStorage, or anything with its three methods. */
export type AdminTokenStorage = Pick<Storage, 'getItem' | 'setItem' | 'removeItem'>

export interface AdminLoginArgs {
  username: string
  password: string
  /** The 6-digit code of the admin's authenticator app. */
  totp: string
}

export type AdminSessionReason = 'login' | 'resume' | 'logout' | 'expired' | 'kicked'

export interface AdminSessionInfo {
  admin: Admin | null
  reason: AdminSessionReason
}

export interface AdminSessionOptions {
  /** Default: the tab's sessionStorage where there is one, else memory only. */
  storage?: AdminTokenStorage
  key?: string
}

/** A storage that forgets everything with the page. */
export function memoryStorage(): AdminTokenStorage {
  const items = new Map<string, string>()
  return {
    getItem: (k) => items.get(k) ?? null,
    setItem: (k, v) => void items.set(k, v),
    removeItem: (k) => void items.delete(k),
  }
}

function defaultStorage(): AdminTokenStorage {
  try {
    if (typeof sessionStorage !== 'undefined') return sessionStorage
  } catch {
    /* storage blocked: memory it is */
  }
  return memoryStorage()
}

export class AdminSession implements Session {
  private readonly storage: AdminTokenStorage
  private readonly key: string
  private host: SessionHost | null = null
  /** The connection this session authenticated, 0 for none. */
  private authedConn = 0
  private currentAdmin: Admin | null = null
  private readonly changes = new Listeners<AdminSessionInfo>()

  constructor(opts: AdminSessionOptions = {}) {
    this.storage = opts.storage ?? defaultStorage()
    this.key = opts.key ?? 'club.admin'
  }

  /* ---- for the console ---- */

  get admin(): Admin | null {
    return this.currentAdmin
  }

  /** A token is kept: the session resumes on (re)connect. */
  hasSession(): boolean {
    return this.token() !== null
  }

  onSession(fn: (s: AdminSessionInfo) => void): () => void {
    return this.changes.add(fn)
  }

  async login(args: AdminLoginArgs): Promise<Admin> {
    const host = this.link()
    const d = (await host.send('admin.login', { ...args })) as { admin: Admin; admin_token: string }
    this.save(d.admin_token)
    this.authedConn = host.connectionId()
    this.setAdmin(d.admin, 'login')
    host.authenticated()
    return d.admin
  }

  /** Ends the session on the server (when reachable) and forgets the token here. */
  async logout(): Promise<void> {
    try {
      if (this.authed()) await this.link().send('admin.logout', {}, { timeoutMs: 5000 })
    } catch {
      /* the local session ends anyway */
    }
    this.end('logout')
    this.link().restart()
  }

  /* ---- for the transport ---- */

  attach(host: SessionHost): void {
    this.host = host
  }

  start(): void {}

  stop(): void {}

  holds(): boolean {
    return !this.authed() && this.token() !== null
  }

  async resume(id: number): Promise<ResumeResult> {
    const host = this.link()
    const admin_token = this.token()
    if (admin_token === null) return 'ended'
    try {
      const d = (await host.send('admin.token', { admin_token })) as { admin: Admin }
      if (id !== host.connectionId()) return 'retry'
      this.authedConn = id
      this.setAdmin(d.admin, 'resume')
      return 'resumed'
    } catch (e) {
      // Expired (15 min idle), logged out elsewhere, or the account disabled: log in again.
      if (id === host.connectionId() && (isClubError(e, 'UNAUTHENTICATED') || isClubError(e, 'FORBIDDEN'))) {
        this.end('expired')
        return 'ended'
      }
      return 'retry'
    }
  }

  onPush(ev: string): void {
    if (ev !== 'session.kicked') return
    this.end('kicked')
    this.link().restart()
  }

  /* ---- inside ---- */

  private link(): SessionHost {
    if (!this.host) throw new Error('AdminSession: not attached to a transport')
    return this.host
  }

  private authed(): boolean {
    return this.authedConn !== 0 && this.authedConn === this.host?.connectionId()
  }

  private token(): string | null {
    try {
      return this.storage.getItem(this.key)
    } catch {
      return null
    }
  }

  private save(token: string | null): void {
    try {
      if (token === null) this.storage.removeItem(this.key)
      else this.storage.setItem(this.key, token)
    } catch {
      /* storage full or blocked: the session lasts as long as this connection */
    }
  }

  private end(reason: AdminSessionReason): void {
    this.save(null)
    this.authedConn = 0
    this.setAdmin(null, reason)
  }

  private setAdmin(admin: Admin | null, reason: AdminSessionReason): void {
    this.currentAdmin = admin
    this.changes.emit({ admin, reason })
  }
}
