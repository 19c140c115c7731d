/* The app's inbox, on the app's connection. */
import { useEffect } from 'react'
import { useStore } from 'zustand'

import { club } from '../../../lib/club.ts'
import { followInbox } from '../lib/follow.ts'
import { createInbox, type InboxState } from '../lib/inbox.ts'

export const inbox = createInbox({
  list: (args) => club.request('notify.list', args),
  read: (args) => club.request('notify.read', args),
})

export function useInbox<T>(select: (s: InboxState) => T): T {
  return useStore(inbox, select)
}

/** Mount once, where the bell is: it is on screen exactly while a player is logged in. */
export function useInboxFeed(): void {
  useEffect(() => followInbox(inbox, club), [])
}
