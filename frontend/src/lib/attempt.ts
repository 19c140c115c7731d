/* One idem per attempt of a money-moving action (a purchase, a pull), kept until the attempt
 * has a definite answer. The transport already re-sends a request with its idem across
 * reconnects; this covers the player pressing the button again after a timeout or a dropped
 * connection: the second press is the same attempt, so the server answers it with the first
 * result instead of charging twice. A success or a refusal ends the attempt. */
import { isClubError } from './protocol/errors.ts'
import { newIdem } from './protocol/transport.ts'

/** The outcome is unknown (or nothing was applied and asking again is safe). */
export function isUncertain(e: unknown): boolean {
  return isClubError(e, 'TIMEOUT') || isClubError(e, 'DISCONNECTED') || isClubError(e, 'UNAVAILABLE') || isClubError(e, 'CLOSED')
}

export class Attempts {
  private readonly open = new Map<string, string>()

  /** The idem for `key`'s attempt: the open one, or a new one. */
  idem(key: string): string {
    let idem = this.open.get(key)
    if (!idem) this.open.set(key, (idem = newIdem()))
    return idem
  }

  /** True while `key` has an attempt whose outcome is unknown. */
  pending(key: string): boolean {
    return this.open.has(key)
  }

  /** Runs fn with the attempt's idem; the attempt stays open only when the outcome is unknown. */
  async run<T>(key: string, fn: (idem: string) => Promise<T>): Promise<T> {
    const idem = this.idem(key)
    try {
      const out = await fn(idem)
      this.open.delete(key)
      return out
    } catch (e) {
      if (!isUncertain(e)) this.open.delete(key)
      throw e
    }
  }
}
