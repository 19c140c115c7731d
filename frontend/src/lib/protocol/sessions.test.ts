/* The transport with each kind of session plugged in, against a scripted server: what an admin,
 * an overlay and a player's live views would notice across reconnects. */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'

import { AdminSession, memoryStorage } from './adminSession.ts'
import { ClubClient } from './client.ts'
import { fakeJwt, fakeNetwork } from './fakeSocket.test-util.ts'
import { OverlaySession } from './overlaySession.ts'
import { memoryTokenStore } from './tokens.ts'
import { ClubTransport, type Session } from './transport.ts'
import type { Admin, RankEntry, User } from './types.ts'

const T0 = Date.UTC(2030, 0, 1)
const ADMIN: Admin = { id: 3, username: 'root', role: 'super' }
const USER: User = { id: 7, username: 'neo', rank: 'VIP', segment: 'new', created_at: T0 }
const TOP: RankEntry[] = [{ rank: 1, user_id: 7, username: 'neo', score: 5000 }]
const BOARD = { board: 'wins', period: 'daily', limit: 10 }

function transport(session?: Session) {
  const net = fakeNetwork()
  const club = new ClubTransport({ url: 'ws://club.test/ws', webSocket: net.factory, session, random: () => 1, heartbeatMs: 0 })
  return { net, club }
}

/** Lets the client's promise chains run (no timers advance). */
const flush = () => vi.advanceTimersByTimeAsync(0)

/** The network drops and the client reconnects after the first backoff step. */
async function reconnect(net: ReturnType<typeof fakeNetwork>) {
  net.current().drop()
  await vi.advanceTimersByTimeAsync(500)
  net.current().accept()
}

beforeEach(() => {
  vi.useFakeTimers()
  vi.setSystemTime(T0)
})
afterEach(() => {
  vi.useRealTimers()
  vi.unstubAllGlobals()
})

describe('admin session', () => {
  it('logs in with a TOTP code and resumes with admin.token after a reconnect, before anything else goes out', async () => {
    const storage = memoryStorage()
    const admin = new AdminSession({ storage })
    const reasons: string[] = []
    admin.onSession((s) => reasons.push(`${s.reason}:${s.admin?.username ?? '-'}`))
    const { net, club } = transport(admin)
    club.connect()
    net.current().accept()

    const login = admin.login({ username: 'root', password: 'correct horse', totp: '123456' })
    const f = net.current().last('admin.login')
    expect(f.args).toEqual({ username: 'root', password: 'correct horse', totp: '123456' })
    net.current().reply(f.rid, { admin: ADMIN, admin_token: 'adm-1' })
    await expect(login).resolves.toEqual(ADMIN)
    expect(storage.getItem('club.admin')).toBe('adm-1')
    expect(admin.admin).toEqual(ADMIN)

    await reconnect(net)
    const search = club.call('admin.users.search', { q: 'ne' })
    const ws2 = net.current()
    expect(ws2.sent).toEqual([{ rid: expect.any(Number), op: 'admin.token', args: { admin_token: 'adm-1' } }])
    ws2.reply(ws2.last().rid, { admin: ADMIN })
    await flush()
    const q = ws2.last('admin.users.search')
    ws2.reply(q.rid, { users: [] })
    await expect(search).resolves.toEqual({ users: [] })
    expect(reasons).toEqual(['login:root', 'resume:root'])
  })

  it('keeps the admin token in sessionStorage, never in localStorage', async () => {
    const session = memoryStorage()
    const local = { getItem: vi.fn(), setItem: vi.fn(), removeItem: vi.fn() }
    vi.stubGlobal('sessionStorage', session)
    vi.stubGlobal('localStorage', local)
    const admin = new AdminSession()
    const { net, club } = transport(admin)
    club.connect()
    net.current().accept()
    const login = admin.login({ username: 'root', password: 'correct horse', totp: '123456' })
    net.current().reply(net.current().last('admin.login').rid, { admin: ADMIN, admin_token: 'adm-1' })
    await login
    expect(session.getItem('club.admin')).toBe('adm-1')
    expect(local.setItem).not.toHaveBeenCalled()
    expect(local.getItem).not.toHaveBeenCalled()
  })

  it('reports an expired admin token and goes on as an anonymous connection', async () => {
    const storage = memoryStorage()
    storage.setItem('club.admin', 'adm-old')
    const admin = new AdminSession({ storage })
    const reasons: string[] = []
    admin.onSession((s) => reasons.push(s.reason))
    const { net, club } = transport(admin)
    club.connect()
    net.current().accept()
    const top = club.call('rank.top', BOARD)
    const ws = net.current()
    expect(ws.sent.map((f) => f.op)).toEqual(['admin.token'])
    ws.fail(ws.last().rid, 'UNAUTHENTICATED', 'admin token expired')
    await flush()
    expect(reasons).toEqual(['expired'])
    expect(storage.getItem('club.admin')).toBeNull()
    expect(admin.hasSession()).toBe(false)
    ws.reply(ws.last('rank.top').rid, { entries: TOP })
    await expect(top).resolves.toEqual({ entries: TOP })

    // The next connection does not try the dead token again.
    await reconnect(net)
    expect(net.current().sent.filter((f) => f.op === 'admin.token')).toEqual([])
  })

  it('tries again on a new connection when the server is busy, keeping the token', async () => {
    const storage = memoryStorage()
    storage.setItem('club.admin', 'adm-1')
    const admin = new AdminSession({ storage })
    const { net, club } = transport(admin)
    club.connect()
    net.current().accept()
    net.current().fail(net.current().last('admin.token').rid, 'UNAVAILABLE')
    await flush()
    expect(net.sockets).toHaveLength(1)
    await vi.advanceTimersByTimeAsync(500)
    expect(net.sockets).toHaveLength(2)
    net.current().accept()
    expect(net.current().last()).toMatchObject({ op: 'admin.token', args: { admin_token: 'adm-1' } })
    expect(storage.getItem('club.admin')).toBe('adm-1')
  })

  it('logs out on the server and forgets the token', async () => {
    const storage = memoryStorage()
    const admin = new AdminSession({ storage })
    const { net, club } = transport(admin)
    club.connect()
    net.current().accept()
    const login = admin.login({ username: 'root', password: 'correct horse', totp: '123456' })
    net.current().reply(net.current().last('admin.login').rid, { admin: ADMIN, admin_token: 'adm-1' })
    await login
    const out = admin.logout()
    net.current().reply(net.current().last('admin.logout').rid, {})
    await out
    expect(storage.getItem('club.admin')).toBeNull()
    expect(admin.admin).toBeNull()
    expect(net.sockets).toHaveLength(2) // a fresh connection, with nothing of the admin's on it
  })
})

describe('overlay session', () => {
  it('authenticates with the overlay token on every connection, then re-issues its subscriptions', async () => {
    const overlay = new OverlaySession({ token: 'ovl-1' })
    const users: (string | null)[] = []
    overlay.onSession((s) => users.push(s.user?.username ?? null))
    const { net, club } = transport(overlay)
    club.connect()
    const sub = club.subscribe('rank.subscribe', BOARD, 'rank.unsubscribe')
    net.current().accept()
    const ws = net.current()
    expect(ws.sent).toEqual([{ rid: expect.any(Number), op: 'auth.overlay', args: { token: 'ovl-1' } }])
    ws.reply(ws.last().rid, { user: USER })
    await flush()
    ws.reply(ws.last('rank.subscribe').rid, { entries: TOP })
    await expect(sub.ready).resolves.toEqual({ entries: TOP })

    await reconnect(net)
    const ws2 = net.current()
    expect(ws2.sent.map((f) => f.op)).toEqual(['auth.overlay'])
    ws2.reply(ws2.last().rid, { user: USER })
    await flush()
    expect(ws2.sent.map((f) => f.op)).toEqual(['auth.overlay', 'rank.subscribe'])
    expect(users).toEqual(['neo', 'neo'])
    expect(overlay.user?.username).toBe('neo')
  })

  it('reports a revoked token once and stops sending it', async () => {
    const overlay = new OverlaySession({ token: 'ovl-gone' })
    const reasons: string[] = []
    overlay.onSession((s) => reasons.push(s.reason))
    const { net, club } = transport(overlay)
    club.connect()
    net.current().accept()
    net.current().fail(net.current().last('auth.overlay').rid, 'UNAUTHENTICATED', 'overlay token revoked')
    await flush()
    expect(reasons).toEqual(['revoked'])
    expect(overlay.hasSession()).toBe(false)
    await reconnect(net)
    expect(net.current().sent.filter((f) => f.op === 'auth.overlay')).toEqual([])
    expect(reasons).toEqual(['revoked'])
  })
})

describe('subscriptions', () => {
  it('are issued again after every reconnect, and not after they are removed', async () => {
    const { net, club } = transport()
    club.connect()
    net.current().accept()
    const replies: unknown[] = []
    const rank = club.subscribe('rank.subscribe', BOARD, 'rank.unsubscribe', {
      unsubscribeArgs: { board: 'wins', period: 'daily' },
      onReply: (d) => replies.push(d),
    })
    const feed = club.subscribe('feed.subscribe', undefined, 'feed.unsubscribe')
    const ws = net.current()
    expect(ws.last('rank.subscribe').args).toEqual(BOARD)
    ws.reply(ws.last('rank.subscribe').rid, { entries: [] })
    ws.reply(ws.last('feed.subscribe').rid, {})
    await flush()

    await reconnect(net)
    const ws2 = net.current()
    expect(ws2.sent.map((f) => f.op).sort()).toEqual(['feed.subscribe', 'rank.subscribe'])
    expect(ws2.last('rank.subscribe').args).toEqual(BOARD)
    ws2.reply(ws2.last('rank.subscribe').rid, { entries: TOP })
    await flush()
    expect(replies).toEqual([{ entries: [] }, { entries: TOP }]) // the state after the gap replaces the old

    rank.unsubscribe()
    expect(ws2.last()).toMatchObject({ op: 'rank.unsubscribe', args: { board: 'wins', period: 'daily' } })
    await reconnect(net)
    expect(net.current().sent.map((f) => f.op)).toEqual(['feed.subscribe'])

    feed.unsubscribe()
    expect(net.current().last()).toMatchObject({ op: 'feed.unsubscribe' })
    expect(net.current().last().args).toBeUndefined() // empty args are left out
    await reconnect(net)
    expect(net.current().sent).toEqual([])
  })

  it('wait for a player session to resume before going out', async () => {
    const tokens = { access_token: fakeJwt(Math.floor(T0 / 1000), Math.floor(T0 / 1000) + 600), refresh_token: 'r1' }
    const net = fakeNetwork()
    const club = new ClubClient({ url: 'ws://club.test/ws', webSocket: net.factory, tokens: memoryTokenStore(tokens), random: () => 1, heartbeatMs: 0 })
    club.connect()
    club.subscribe('feed.subscribe', undefined, 'feed.unsubscribe')
    net.current().accept()
    expect(net.current().sent.map((f) => f.op)).toEqual(['auth.token'])
    net.current().reply(net.current().last().rid, { user: USER })
    await flush()
    expect(net.current().sent.map((f) => f.op)).toEqual(['auth.token', 'feed.subscribe'])

    await reconnect(net)
    expect(net.current().sent.map((f) => f.op)).toEqual(['auth.token'])
    net.current().reply(net.current().last().rid, { user: USER })
    await flush()
    expect(net.current().sent.map((f) => f.op)).toEqual(['auth.token', 'feed.subscribe'])
  })

  it('share one subscription on the wire between handles with the same args', async () => {
    const { net, club } = transport()
    club.connect()
    net.current().accept()
    const a = club.subscribe('rank.subscribe', BOARD, 'rank.unsubscribe')
    const ws = net.current()
    ws.reply(ws.last('rank.subscribe').rid, { entries: TOP })
    await flush()
    const b = club.subscribe('rank.subscribe', BOARD, 'rank.unsubscribe')
    await expect(b.ready).resolves.toEqual({ entries: TOP }) // the latest state, without asking again
    expect(ws.sent.filter((f) => f.op === 'rank.subscribe')).toHaveLength(1)
    a.unsubscribe()
    expect(ws.sent.filter((f) => f.op === 'rank.unsubscribe')).toEqual([]) // b still holds it
    b.unsubscribe()
    expect(ws.sent.filter((f) => f.op === 'rank.unsubscribe')).toHaveLength(1)
  })

  it('drop a subscription the server refuses, and ask again when it is busy', async () => {
    const { net, club } = transport()
    club.connect()
    net.current().accept()
    const errors: string[] = []
    const bad = club.subscribe('rank.subscribe', { board: 'nope', period: 'daily', limit: 10 }, 'rank.unsubscribe', { onError: (e) => errors.push(e.code) })
    const ws = net.current()
    ws.fail(ws.last('rank.subscribe').rid, 'BAD_REQUEST', 'no such board')
    await expect(bad.ready).rejects.toMatchObject({ code: 'BAD_REQUEST' })
    expect(errors).toEqual(['BAD_REQUEST'])

    const busy = club.subscribe('rank.subscribe', BOARD, 'rank.unsubscribe')
    ws.fail(ws.last('rank.subscribe').rid, 'UNAVAILABLE')
    await flush()
    await vi.advanceTimersByTimeAsync(1000)
    const again = ws.last('rank.subscribe')
    expect(again.args).toEqual(BOARD)
    ws.reply(again.rid, { entries: TOP })
    await expect(busy.ready).resolves.toEqual({ entries: TOP })

    await reconnect(net)
    expect(net.current().sent.map((f) => f.args)).toEqual([BOARD]) // the refused one stays gone
  })

  it('end with the client', async () => {
    const { net, club } = transport()
    club.connect()
    const sub = club.subscribe('feed.subscribe', undefined, 'feed.unsubscribe')
    club.close()
    await expect(sub.ready).rejects.toMatchObject({ code: 'CLOSED' })
    expect(net.sockets[0]?.sent).toEqual([])
  })
})
