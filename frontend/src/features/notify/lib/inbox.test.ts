import { describe, expect, it } from 'vitest'

import type { OpArgs } from '../../../lib/protocol/ops.gen.ts'
import type { NotifyItem, OpData } from '../../../lib/protocol/types.ts'
import { createInbox, PAGE, type InboxLink } from './inbox.ts'
import { relativeTime } from './relativeTime.ts'

const T0 = Date.UTC(2030, 0, 1, 12)
const WELCOME: NotifyItem = { id: 1, kind: 'system', title: 'Welcome to Casino-Club', body: 'Your welcome grant of 10000 coins is in your wallet.', at: T0, read: false }
const note = (id: number, read = false): NotifyItem => ({ id, kind: 'reward', title: `Reward ${id}`, body: '', at: T0 + id * 1000, read })

interface Call<A, D> {
  args: A
  resolve: (d: D) => void
  reject: (e: unknown) => void
}

/** A link whose replies the test hands out, one request at a time. */
function fakeLink() {
  const lists: Call<OpArgs['notify.list'], OpData<'notify.list'>>[] = []
  const reads: Call<OpArgs['notify.read'], OpData<'notify.read'>>[] = []
  const link: InboxLink = {
    list: (args) => new Promise((resolve, reject) => lists.push({ args, resolve, reject })),
    read: (args) => new Promise((resolve, reject) => reads.push({ args, resolve, reject })),
  }
  const last = <T>(calls: T[]): T => {
    const c = calls[calls.length - 1]
    if (!c) throw new Error('no request made')
    return c
  }
  return { link, lists, reads, lastList: () => last(lists), lastRead: () => last(reads) }
}

const tick = () => new Promise((r) => setTimeout(r, 0))

describe('inbox', () => {
  it('loads the first page with the server count, newest first', async () => {
    const f = fakeLink()
    const inbox = createInbox(f.link)
    const done = inbox.getState().load()
    expect(inbox.getState().status).toBe('loading')
    expect(f.lastList().args).toEqual({ limit: PAGE })
    f.lastList().resolve({ items: [WELCOME, note(2, true)], unread: 1 })
    await done
    const s = inbox.getState()
    expect(s.items.map((n) => n.id)).toEqual([2, 1])
    expect([s.unread, s.status, s.more]).toEqual([1, 'ready', false])
  })

  it('puts a pushed notification on top and counts it, once', async () => {
    const f = fakeLink()
    const inbox = createInbox(f.link)
    const done = inbox.getState().load()
    f.lastList().resolve({ items: [WELCOME], unread: 1 })
    await done
    const push = { id: 5, kind: 'reward', title: 'Reward 5', body: '', at: T0 + 5000 } as const
    inbox.getState().receive(push)
    inbox.getState().receive(push) // the same push again (a second tab's echo, a replay)
    const s = inbox.getState()
    expect(s.items.map((n) => [n.id, n.read])).toEqual([
      [5, false],
      [1, false],
    ])
    expect(s.unread).toBe(2)
  })

  it('keeps a push that arrived while the list was loading, and counts it when the list did not', async () => {
    const f = fakeLink()
    const inbox = createInbox(f.link)
    const done = inbox.getState().load()
    inbox.getState().receive({ id: 9, kind: 'announce', title: 'Double XP', body: 'All weekend.', at: T0 + 9000 })
    f.lastList().resolve({ items: [WELCOME], unread: 1 }) // read before the new one was created
    await done
    expect(inbox.getState().items.map((n) => n.id)).toEqual([9, 1])
    expect(inbox.getState().unread).toBe(2)

    const again = inbox.getState().load() // a reconnect: this time the list has it
    inbox.getState().receive({ id: 10, kind: 'reward', title: 'Mission done', body: '', at: T0 + 10_000 })
    f.lastList().resolve({ items: [{ ...note(10), kind: 'reward', title: 'Mission done' }, { ...WELCOME, read: true }], unread: 1 })
    await again
    expect(inbox.getState().unread).toBe(1)
  })

  it('marks one read with notify.read ids, and takes the server count', async () => {
    const f = fakeLink()
    const inbox = createInbox(f.link)
    const done = inbox.getState().load()
    f.lastList().resolve({ items: [note(3), note(2), WELCOME], unread: 3 })
    await done
    const marking = inbox.getState().markRead(2)
    expect(inbox.getState().marking).toEqual([2])
    expect(f.lastRead().args).toEqual({ ids: [2] })
    f.lastRead().resolve({ unread: 2 })
    await marking
    const s = inbox.getState()
    expect(s.items.filter((n) => n.read).map((n) => n.id)).toEqual([2])
    expect([s.unread, s.marking]).toEqual([2, null])
  })

  it('marks all read with notify.read all, counting a notification that came in meanwhile', async () => {
    const f = fakeLink()
    const inbox = createInbox(f.link)
    const done = inbox.getState().load()
    f.lastList().resolve({ items: [note(2), WELCOME], unread: 2 })
    await done
    const marking = inbox.getState().markAllRead()
    expect(f.lastRead().args).toEqual({ all: true })
    inbox.getState().receive({ id: 7, kind: 'reward', title: 'Reward 7', body: '', at: T0 + 7000 })
    f.lastRead().resolve({ unread: 0 })
    await marking
    const s = inbox.getState()
    expect(s.items.map((n) => [n.id, n.read])).toEqual([
      [7, false],
      [2, true],
      [1, true],
    ])
    expect(s.unread).toBe(1)
  })

  it('keeps the items and shows the error when marking fails', async () => {
    const f = fakeLink()
    const inbox = createInbox(f.link)
    const done = inbox.getState().load()
    f.lastList().resolve({ items: [WELCOME], unread: 1 })
    await done
    const marking = inbox.getState().markAllRead()
    f.lastRead().reject(new Error('UNAVAILABLE'))
    await marking
    const s = inbox.getState()
    expect([s.unread, s.items[0]?.read, s.marking]).toEqual([1, false, null])
    expect(s.markError).toBeInstanceOf(Error)
  })

  it('pages to older notifications with before', async () => {
    const f = fakeLink()
    const inbox = createInbox(f.link)
    const page = Array.from({ length: PAGE }, (_, i) => note(100 - i))
    const done = inbox.getState().load()
    f.lastList().resolve({ items: page, unread: 30 })
    await done
    expect(inbox.getState().more).toBe(true)
    const older = inbox.getState().loadOlder()
    expect(f.lastList().args).toEqual({ limit: PAGE, before: 100 - PAGE + 1 })
    f.lastList().resolve({ items: [note(5), WELCOME], unread: 30 })
    await older
    const s = inbox.getState()
    expect(s.items).toHaveLength(PAGE + 2)
    expect(s.items[s.items.length - 1]?.id).toBe(1)
    expect(s.more).toBe(false)
  })

  it('reports a failed load, and a reload recovers', async () => {
    const f = fakeLink()
    const inbox = createInbox(f.link)
    const first = inbox.getState().load()
    f.lastList().reject(new Error('TIMEOUT'))
    await first
    expect(inbox.getState().status).toBe('error')
    const second = inbox.getState().load()
    f.lastList().resolve({ items: [WELCOME], unread: 1 })
    await second
    expect([inbox.getState().status, inbox.getState().error, inbox.getState().unread]).toEqual(['ready', null, 1])
  })

  it('forgets everything at logout, and a late reply for the last player is dropped', async () => {
    const f = fakeLink()
    const inbox = createInbox(f.link)
    const done = inbox.getState().load()
    inbox.getState().reset()
    f.lastList().resolve({ items: [WELCOME], unread: 1 })
    await done
    await tick()
    const s = inbox.getState()
    expect([s.items, s.unread, s.status]).toEqual([[], 0, 'idle'])
  })

  it('only the newest of two loads counts', async () => {
    const f = fakeLink()
    const inbox = createInbox(f.link)
    const a = inbox.getState().load()
    const b = inbox.getState().load()
    f.lists[1]?.resolve({ items: [{ ...WELCOME, read: true }], unread: 0 })
    f.lists[0]?.resolve({ items: [WELCOME], unread: 1 })
    await Promise.all([a, b])
    expect(inbox.getState().unread).toBe(0)
  })
})

describe('relative time', () => {
  it('says just now, minutes, hours and days ago, then the date', () => {
    const now = T0 + 10 * 86_400_000
    const at = (ms: number) => relativeTime(now - ms, now, 'en', 'just now')
    expect(at(20_000)).toBe('just now')
    expect(at(-5000)).toBe('just now') // the server's clock a little ahead
    expect(at(3 * 60_000)).toBe('3 minutes ago')
    expect(at(2 * 3_600_000 + 5)).toBe('2 hours ago')
    expect(at(86_400_000)).toBe('yesterday')
    expect(at(3 * 86_400_000)).toBe('3 days ago')
    expect(at(10 * 86_400_000)).toBe('Jan 1, 2030')
    expect(relativeTime(now - 5 * 60_000, now, 'ko', '방금')).toBe('5분 전')
  })
})
