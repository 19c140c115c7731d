/* The player's notifications as the bell and its panel show them: the newest first, the
 * unread count, and what moves them (a load, a notify push, marking read). The count shown
 * is the server's whenever a reply carries it; a push adds one, since the server created
 * that notification unread. Framework-free (a vanilla Zustand store over two ops) so the
 * logic is tested without a connection. */
import { createStore, type StoreApi } from 'zustand/vanilla'

import type { OpArgs } from '../../../lib/protocol/ops.gen.ts'
import type { NotifyItem, NotifyPush, OpData } from '../../../lib/protocol/types.ts'

/** How many notifications one notify.list page asks for. */
export const PAGE = 20

/** The two ops the inbox uses (the app's connection, or a fake in tests). */
export interface InboxLink {
  list(args: OpArgs['notify.list']): Promise<OpData<'notify.list'>>
  read(args: OpArgs['notify.read']): Promise<OpData<'notify.read'>>
}

export interface InboxState {
  items: NotifyItem[]
  unread: number
  /** idle until the first load; then loading, ready or error (the last load's outcome). */
  status: 'idle' | 'loading' | 'ready' | 'error'
  error: unknown
  /** Older notifications may exist beyond the last one shown. */
  more: boolean
  /** A mark-read request is under way (ids, or 'all'). */
  marking: number[] | 'all' | null
  markError: unknown
  load: () => Promise<void>
  loadOlder: () => Promise<void>
  receive: (n: NotifyPush) => void
  markRead: (id: number) => Promise<void>
  markAllRead: () => Promise<void>
  reset: () => void
}

export type Inbox = StoreApi<InboxState>

/** Newest first; ties (the same ms) by id, which grows with time. */
function newestFirst(a: NotifyItem, b: NotifyItem): number {
  return b.at - a.at || b.id - a.id
}

/** `add` merged into `list`, one entry per id (the one in `add` wins), newest first. */
function merge(list: NotifyItem[], add: NotifyItem[]): NotifyItem[] {
  const byId = new Map(list.map((n) => [n.id, n]))
  for (const n of add) byId.set(n.id, n)
  return [...byId.values()].sort(newestFirst)
}

type Data = Pick<InboxState, 'items' | 'unread' | 'status' | 'error' | 'more' | 'marking' | 'markError'>

function empty(): Data {
  return { items: [], unread: 0, status: 'idle', error: null, more: false, marking: null, markError: null }
}

/** After a notify.read reply: `ids` read, the count the server's, plus the notifications that
 * arrived while the request was out and are still unread. The server may or may not have
 * counted those; counting them again at worst shows one too many until the next load, where
 * leaving them out could hide a new one. */
function afterRead(items: NotifyItem[], ids: ReadonlySet<number>, known: ReadonlySet<number>, unread: number): Pick<Data, 'items' | 'unread'> {
  const next = items.map((n) => (ids.has(n.id) && !n.read ? { ...n, read: true } : n))
  const newcomers = next.filter((n) => !known.has(n.id) && !n.read).length
  return { items: next, unread: unread + newcomers }
}

export function createInbox(link: InboxLink): Inbox {
  // Bumped by reset() (the player logged out): a reply for the last player's inbox is dropped.
  let session = 0
  // Bumped by every load, so only the newest load's reply counts.
  let loads = 0
  // Pushes that arrived while the current load was under way: the list it returns may have
  // been read before they were created, and then its count leaves them out too.
  let pushedDuringLoad: NotifyItem[] = []

  return createStore<InboxState>()((set, get) => {
    /** notify.read for `which`: the ids given, or every notification the player has. */
    const mark = async (which: number[] | 'all'): Promise<void> => {
      const gen = session
      const known = new Set(get().items.map((n) => n.id))
      const ids = which === 'all' ? known : new Set(which)
      set({ marking: which, markError: null })
      try {
        const d = await link.read(which === 'all' ? { all: true } : { ids: which })
        if (gen !== session) return
        set((p) => ({ ...afterRead(p.items, ids, known, d.unread), marking: null }))
      } catch (markError) {
        if (gen === session) set({ marking: null, markError })
      }
    }

    return {
      ...empty(),

      load: async () => {
        const gen = session
        const seq = ++loads
        pushedDuringLoad = []
        set({ status: 'loading', error: null })
        try {
          const d = await link.list({ limit: PAGE })
          if (gen !== session || seq !== loads) return
          const listed = new Set(d.items.map((n) => n.id))
          const missed = pushedDuringLoad.filter((n) => !listed.has(n.id))
          pushedDuringLoad = []
          set({ items: merge(d.items, missed), unread: d.unread + missed.length, status: 'ready', more: d.items.length >= PAGE })
        } catch (error) {
          if (gen === session && seq === loads) set({ status: 'error', error })
        }
      },

      loadOlder: async () => {
        const s = get()
        const last = s.items[s.items.length - 1]
        if (!last || !s.more || s.status === 'loading') return
        const gen = session
        const seq = loads
        set({ status: 'loading', error: null })
        try {
          const d = await link.list({ limit: PAGE, before: last.id })
          if (gen !== session || seq !== loads) return
          set((p) => ({ items: merge(p.items, d.items), unread: d.unread, status: 'ready', more: d.items.length >= PAGE }))
        } catch (error) {
          if (gen === session && seq === loads) set({ status: 'error', error })
        }
      },

      receive: (n) => {
        if (get().items.some((x) => x.id === n.id)) return
        const item: NotifyItem = { ...n, read: false }
        if (get().status === 'loading') pushedDuringLoad.push(item)
        set((p) => ({ items: merge(p.items, [item]), unread: p.unread + 1 }))
      },

      markRead: (id) => mark([id]),

      markAllRead: () => mark('all'),

      reset: () => {
        session++
        loads++
        pushedDuringLoad = []
        set(empty())
      },
    }
  })
}
