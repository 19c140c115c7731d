/* Where the session's tokens live. The browser store shares them between tabs (localStorage),
 * so a second tab resumes the same session, and lets only one tab refresh at a time (Web
 * Locks): a refresh token is spent on use, and a second use would revoke the whole family. */

export interface Tokens {
  access_token: string
  refresh_token: string
}

export interface TokenStore {
  load(): Tokens | null
  save(tokens: Tokens | null): void
  /** Runs fn while no other tab runs one (a no-op lock where there are no tabs). */
  exclusive<T>(fn: () => Promise<T>): Promise<T>
  /** Calls fn when another tab changed the tokens; returns the unsubscribe. */
  subscribe(fn: () => void): () => void
}

export function memoryTokenStore(initial: Tokens | null = null): TokenStore {
  let tokens = initial
  return {
    load: () => tokens,
    save: (t) => {
      tokens = t
    },
    exclusive: (fn) => fn(),
    subscribe: () => () => {},
  }
}

function parseTokens(raw: string | null): Tokens | null {
  if (!raw) return null
  try {
    const t = JSON.parse(raw) as Partial<Tokens>
    return typeof t.access_token === 'string' && typeof t.refresh_token === 'string'
      ? { access_token: t.access_token, refresh_token: t.refresh_token }
      : null
  } catch {
    return null
  }
}

export function browserTokenStore(key = 'club.session'): TokenStore {
  return {
    load: () => {
      try {
        return parseTokens(localStorage.getItem(key))
      } catch {
        return null
      }
    },
    save: (t) => {
      try {
        if (t) localStorage.setItem(key, JSON.stringify(t))
        else localStorage.removeItem(key)
      } catch {
        /* storage full or blocked: the session lasts as long as this page */
      }
    },
    exclusive: (fn) =>
      typeof navigator !== 'undefined' && navigator.locks
        ? navigator.locks.request(`${key}.refresh`, fn)
        : fn(),
    subscribe: (fn) => {
      const onStorage = (e: StorageEvent) => {
        if (e.key === key) fn()
      }
      window.addEventListener('storage', onStorage)
      return () => window.removeEventListener('storage', onStorage)
    },
  }
}
