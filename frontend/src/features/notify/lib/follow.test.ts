/* The inbox on the real player client over the scripted socket: what the bell would show. */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'

import { ClubClient } from '../../../lib/protocol/client.ts'
import { fakeJwt, fakeNetwork } from '../../../lib/protocol/fakeSocket.test-util.ts'
import { memoryTokenStore } from '../../../lib/protocol/tokens.ts'
import type { User } from '../../../lib/protocol/types.ts'
import { followInbox } from './follow.ts'
import { createInbox } from './inbox.ts'

const T0 = Date.UTC(2030, 0, 1)
const USER: User = { id: 7, username: 'neo', rank: 'VIP', segment: 'new', created_at: T0 }
const WELCOME = { id: 1, kind: 'system', title: 'Welcome to Casino-Club', body: 'Your welcome grant of 10000 coins is in your wallet.', at: T0 } as const

const flush = () => vi.advanceTimersByTimeAsync(0)

beforeEach(() => {
  vi.useFakeTimers()
  vi.setSystemTime(T0)
})
afterEach(() => {
  vi.useRealTimers()
})

describe('the inbox on the connection', () => {
  it('loads after the resume, counts pushes, reloads after a reconnect and empties when stopped', async () => {
    const net = fakeNetwork()
    const tokens = { access_token: fakeJwt(T0 / 1000, T0 / 1000 + 600), refresh_token: 'r1' }
    const club = new ClubClient({ url: 'ws://club.test/ws', webSocket: net.factory, tokens: memoryTokenStore(tokens), random: () => 1, heartbeatMs: 0 })
    const inbox = createInbox({ list: (a) => club.request('notify.list', a), read: (a) => club.request('notify.read', a) })
    club.connect()
    const stop = followInbox(inbox, club)
    net.current().accept()
    const ws = net.current()
    expect(ws.sent.map((f) => f.op)).toEqual(['auth.token']) // nothing before the session is back
    ws.reply(ws.last().rid, { user: USER })
    await flush()
    ws.reply(ws.last('notify.list').rid, { items: [{ ...WELCOME, read: false }], unread: 1 })
    await flush()
    expect(inbox.getState().unread).toBe(1)

    ws.push({ ev: 'notify', data: { id: 2, kind: 'reward', title: 'Daily bonus ready', body: '', at: T0 + 1000 } })
    expect(inbox.getState().items.map((n) => n.id)).toEqual([2, 1])
    expect(inbox.getState().unread).toBe(2)

    // Offline a while: a notification read in another tab and one created meanwhile.
    ws.drop()
    await vi.advanceTimersByTimeAsync(500)
    const ws2 = net.current()
    ws2.accept()
    ws2.reply(ws2.last('auth.token').rid, { user: USER })
    await flush()
    const list = ws2.last('notify.list')
    expect(list.args).toEqual({ limit: 20 })
    ws2.reply(list.rid, {
      items: [
        { id: 3, kind: 'announce', title: 'Maintenance tonight', body: '02:00 UTC', at: T0 + 2000, read: false },
        { id: 2, kind: 'reward', title: 'Daily bonus ready', body: '', at: T0 + 1000, read: true },
        { ...WELCOME, read: true },
      ],
      unread: 1,
    })
    await flush()
    expect(inbox.getState().unread).toBe(1)
    expect(inbox.getState().items.map((n) => n.id)).toEqual([3, 2, 1])

    stop()
    ws2.push({ ev: 'notify', data: { id: 4, kind: 'system', title: 'x', body: '', at: T0 + 3000 } })
    expect(inbox.getState().unread).toBe(0)
    expect(inbox.getState().items).toEqual([])
    club.close()
  })
})
