/* Who is logged in, the connection's state, and the balance on screen.
 *
 * The balance shown can be held while a round animates, so a push does not reveal a win
 * before the reels stop: holdBalance(bet) shows the stake taken off at once, pushes keep
 * arriving into `latest`, and releaseBalance() shows the newest value when the round lands. */
import { create } from 'zustand'

import type { ConnectionInfo } from '../lib/protocol/transport.ts'
import type { Balance, User } from '../lib/protocol/types.ts'

export type SessionStatus = 'starting' | 'anonymous' | 'authenticated'

interface SessionState {
  status: SessionStatus
  user: User | null
  conn: ConnectionInfo
  /** Shown on screen. */
  balance: Balance | null
  /** The newest the server sent. */
  latest: Balance | null
  holds: number
  setUser: (user: User | null) => void
  setConn: (conn: ConnectionInfo) => void
  receiveBalance: (b: Balance) => void
  holdBalance: (stake: number) => void
  releaseBalance: () => void
}

export const useSession = create<SessionState>()((set) => ({
  status: 'starting',
  user: null,
  conn: { state: 'offline', attempt: 0, retryAt: null },
  balance: null,
  latest: null,
  holds: 0,
  setUser: (user) =>
    set(
      user
        ? { user, status: 'authenticated' }
        : { user: null, status: 'anonymous', balance: null, latest: null, holds: 0 },
    ),
  setConn: (conn) => set({ conn }),
  receiveBalance: (b) => set((s) => (s.holds > 0 ? { latest: b } : { latest: b, balance: b })),
  holdBalance: (stake) =>
    set((s) => ({
      holds: s.holds + 1,
      balance: s.balance ? { ...s.balance, coins: s.balance.coins - stake } : s.balance,
    })),
  releaseBalance: () =>
    set((s) => {
      const holds = Math.max(0, s.holds - 1)
      return holds > 0 ? { holds } : { holds, balance: s.latest ?? s.balance }
    }),
}))
