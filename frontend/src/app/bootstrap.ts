/* Wires the one connection to the stores: who is logged in, the live balance, the link state. */
import { club } from '../lib/club.ts'
import { common } from '../lib/i18n/common.ts'
import { usePrefs } from '../stores/prefs.ts'
import { useSession } from '../stores/session.ts'
import { useToasts } from '../stores/toasts.ts'

const NOTICE = { expired: 'sessionEnded', kicked: 'kicked', banned: 'kicked', elsewhere: 'loggedOutElsewhere' } as const

export function startClub(): void {
  const session = useSession.getState()
  if (!club.hasSession()) session.setUser(null)

  club.onSession(({ user, reason }) => {
    useSession.getState().setUser(user)
    if (user && reason !== 'refresh') {
      club
        .request('wallet.balance')
        .then((b) => useSession.getState().receiveBalance(b))
        .catch(() => {
          /* the next push brings it */
        })
    }
    if (!user && reason in NOTICE) {
      const t = common[usePrefs.getState().lang]
      useToasts.getState().show(t[NOTICE[reason as keyof typeof NOTICE]], 'bad')
      if (location.hash && location.hash !== '#/') location.hash = '/login'
    }
  })
  club.on('wallet.balance', (b) => useSession.getState().receiveBalance(b))
  club.onConnection((c) => useSession.getState().setConn(c))

  window.addEventListener('online', () => club.reconnectNow())
  document.addEventListener('visibilitychange', () => {
    if (document.visibilityState === 'visible') club.reconnectNow()
  })
  club.connect()
}
