/* What keeps an inbox current on a connection: the first page now, every notify push, and
 * the first page again after each reconnect's resume (pushes sent while the link was down are
 * lost, so the list and the count are read again). Emptied when it stops: the player logged
 * out, or the bell left the screen. */
import type { SessionInfo } from '../../../lib/protocol/playerSession.ts'
import type { NotifyPush } from '../../../lib/protocol/types.ts'
import type { Inbox } from './inbox.ts'

/** The part of the player's client it listens to. */
export interface InboxSource {
  on(ev: 'notify', fn: (n: NotifyPush) => void): () => void
  onSession(fn: (s: SessionInfo) => void): () => void
}

/** Returns the stop. */
export function followInbox(inbox: Inbox, source: InboxSource): () => void {
  void inbox.getState().load()
  const offPush = source.on('notify', (n) => inbox.getState().receive(n))
  const offSession = source.onSession(({ user, reason }) => {
    if (user && reason === 'resume') void inbox.getState().load()
  })
  return () => {
    offPush()
    offSession()
    inbox.getState().reset()
  }
}
