import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'

import { ClubClient } from './client.ts'
import { isClubError } from './errors.ts'
import { fakeJwt, fakeNetwork } from './fakeSocket.test-util.ts'
import { memoryTokenStore, type Tokens } from './tokens.ts'
import type { Balance, User } from './types.ts'

const T0 = Date.UTC(2030, 0, 1)
const USER: User = { id: 7, username: 'neo', rank: 'VIP', segment: 'new', created_at: T0 }
const sec = (ms: number) => Math.floor(ms / 1000)

function setup(tokens: Tokens | null = null) {
  const net = fakeNetwork()
  const store = memoryTokenStore(tokens)
  const client = new ClubClient({
    url: 'ws://club.test/ws',
    webSocket: net.factory,
    tokens: store,
    random: () => 1, // no jitter: delays are exactly base * 2^attempt
    heartbeatMs: 0,
  })
  return { net, store, client }
}

/** Lets the client's promise chains run (no timers advance). */
const flush = () => vi.advanceTimersByTimeAsync(0)

beforeEach(() => {
  vi.useFakeTimers()
  vi.setSystemTime(T0)
})
afterEach(() => {
  vi.useRealTimers()
})

describe('requests and replies', () => {
  it('opens ws with the club.v1 subprotocol and matches replies to requests by rid', async () => {
    const { net, client } = setup()
    client.connect()
    const ws = net.current()
    expect([ws.url, ws.protocol]).toEqual(['ws://club.test/ws', 'club.v1'])
    ws.accept()
    expect(ws.binaryType).toBe('arraybuffer')

    const a = client.request('sys.ping', { echo: 'a' })
    const b = client.request('wallet.balance')
    const [fa, fb] = ws.sent
    expect(fa).toMatchObject({ op: 'sys.ping', args: { echo: 'a' } })
    expect(fb).toEqual({ rid: expect.any(Number), op: 'wallet.balance' }) // empty args omitted
    expect(fa?.rid).not.toBe(fb?.rid)

    ws.reply(fb?.rid, { coins: 5, gems: 1 })
    ws.reply(fa?.rid, { echo: 'a', at: 1 })
    await expect(b).resolves.toEqual({ coins: 5, gems: 1 })
    await expect(a).resolves.toEqual({ echo: 'a', at: 1 })
  })

  it('rejects with the server error code and message', async () => {
    const { net, client } = setup()
    client.connect()
    net.current().accept()
    const p = client.request('rps.play', { choice: 'rock', bet: 5 })
    net.current().fail(net.current().last().rid, 'LIMIT', 'bet must be from 10 to 500')
    await expect(p).rejects.toMatchObject({ code: 'LIMIT', message: 'bet must be from 10 to 500', op: 'rps.play' })
  })

  it('queues requests made before the connection is open', async () => {
    const { net, client } = setup()
    client.connect()
    const p = client.request('sys.ping', { echo: 1 })
    expect(net.current().sent).toEqual([])
    net.current().accept()
    net.current().reply(net.current().last('sys.ping').rid, { echo: 1, at: 2 })
    await expect(p).resolves.toMatchObject({ echo: 1 })
  })

  it('times out a request that gets no answer', async () => {
    const { net, client } = setup()
    client.connect()
    net.current().accept()
    const p = client.request('wallet.balance', undefined, { timeoutMs: 3000 })
    const assertion = expect(p).rejects.toMatchObject({ code: 'TIMEOUT' })
    await vi.advanceTimersByTimeAsync(3000)
    await assertion
  })

  it('gives money-moving ops an idem at the top level, not in args', () => {
    const { net, client } = setup()
    client.connect()
    net.current().accept()
    void client.request('slot.spin', { bet: 100 })
    const f = net.current().last('slot.spin')
    expect(f.idem).toMatch(/^[0-9a-f]{32}$/)
    expect(f.args).toEqual({ bet: 100 })
  })
})

describe('pushes', () => {
  it('routes pushes by event name, and every push to onPush', async () => {
    const { net, client } = setup()
    client.connect()
    net.current().accept()
    const balances: Balance[] = []
    const all: string[] = []
    const off = client.on('wallet.balance', (b) => balances.push(b))
    client.onPush(({ ev }) => all.push(ev))
    net.current().push({ ev: 'wallet.balance', data: { coins: 9990, gems: 0 } })
    net.current().push({ ev: 'feed.bigwin', data: { username: 'x', game: 'slot', win: 5000 } })
    off()
    net.current().push({ ev: 'wallet.balance', data: { coins: 1, gems: 0 } })
    expect(balances).toEqual([{ coins: 9990, gems: 0 }])
    expect(all).toEqual(['wallet.balance', 'feed.bigwin', 'wallet.balance'])
  })

  it('does not mistake a push for a reply', async () => {
    const { net, client } = setup()
    client.connect()
    net.current().accept()
    const p = client.request('wallet.balance')
    net.current().push({ ev: 'wallet.balance', data: { coins: 3, gems: 0 } })
    net.current().reply(net.current().last('wallet.balance').rid, { coins: 4, gems: 0 })
    await expect(p).resolves.toEqual({ coins: 4, gems: 0 })
  })
})

describe('reconnect', () => {
  it('reconnects with exponential backoff, capped, and resets after a good connection', async () => {
    const { net, client } = setup()
    const states: string[] = []
    client.onConnection((c) => states.push(c.state))
    client.connect()
    net.current().drop() // never opened
    expect(net.sockets).toHaveLength(1)
    const waits: number[] = []
    for (let i = 0; i < 7; i++) {
      const before = net.sockets.length
      let waited = 0
      while (net.sockets.length === before) {
        await vi.advanceTimersByTimeAsync(50)
        waited += 50
      }
      waits.push(waited)
      net.current().drop()
    }
    expect(waits).toEqual([500, 1000, 2000, 4000, 8000, 15000, 15000])
    expect(states.slice(0, 3)).toEqual(['connecting', 'offline', 'connecting'])

    // A connection that opens resets the backoff.
    await vi.advanceTimersByTimeAsync(15000)
    net.current().accept()
    net.current().drop()
    const before = net.sockets.length
    await vi.advanceTimersByTimeAsync(499)
    expect(net.sockets.length).toBe(before)
    await vi.advanceTimersByTimeAsync(1)
    expect(net.sockets.length).toBe(before + 1)
  })

  it('re-sends read-only requests that were on the wire when the connection dropped', async () => {
    const { net, client } = setup()
    client.connect()
    net.current().accept()
    const p = client.request('wallet.history', { limit: 20 })
    net.current().drop()
    await vi.advanceTimersByTimeAsync(500)
    net.current().accept()
    const f = net.current().last('wallet.history')
    expect(f.args).toEqual({ limit: 20 })
    net.current().reply(f.rid, { entries: [] })
    await expect(p).resolves.toEqual({ entries: [] })
  })

  it('fails ops with side effects and no idem instead of sending them twice', async () => {
    const { net, client } = setup()
    client.connect()
    net.current().accept()
    const p = client.request('fair.rotate', { client_seed: 'abc' })
    net.current().drop()
    await expect(p).rejects.toMatchObject({ code: 'DISCONNECTED', op: 'fair.rotate' })
    await vi.advanceTimersByTimeAsync(500)
    net.current().accept()
    expect(net.current().sent.filter((f) => f.op === 'fair.rotate')).toEqual([])
  })
})

describe('session', () => {
  const fresh = (): Tokens => ({ access_token: fakeJwt(sec(T0), sec(T0) + 600), refresh_token: 'r1' })

  it('resumes with auth.token on every new connection before anything else goes out', async () => {
    const tokens = fresh()
    const { net, client } = setup(tokens)
    const users: (string | null)[] = []
    client.onSession((s) => users.push(s.user?.username ?? null))
    client.connect()
    net.current().accept()
    const bal = client.request('wallet.balance')
    const ws = net.current()
    expect(ws.sent).toEqual([{ rid: expect.any(Number), op: 'auth.token', args: { access_token: tokens.access_token } }])
    ws.reply(ws.last().rid, { user: USER })
    await flush()
    expect(ws.last().op).toBe('wallet.balance')
    ws.reply(ws.last().rid, { coins: 1, gems: 0 })
    await expect(bal).resolves.toEqual({ coins: 1, gems: 0 })

    ws.drop()
    await vi.advanceTimersByTimeAsync(500)
    const ws2 = net.current()
    ws2.accept()
    expect(ws2.sent.map((f) => f.op)).toEqual(['auth.token'])
    ws2.reply(ws2.last().rid, { user: USER })
    await flush()
    expect(users).toEqual(['neo', 'neo'])
    expect(client.user?.username).toBe('neo')
  })

  it('retries a spin cut off by a dropped connection with the SAME idem after resuming', async () => {
    const { net, client } = setup(fresh())
    client.connect()
    net.current().accept()
    net.current().reply(net.current().last('auth.token').rid, { user: USER })
    await flush()

    const spin = client.request('slot.spin', { bet: 100 })
    const first = net.current().last('slot.spin')
    net.current().drop()
    await vi.advanceTimersByTimeAsync(500)
    const ws2 = net.current()
    ws2.accept()
    expect(ws2.sent.map((f) => f.op)).toEqual(['auth.token']) // not before the resume
    ws2.reply(ws2.last().rid, { user: USER })
    await flush()
    const again = ws2.last('slot.spin')
    expect(again.idem).toBe(first.idem)
    expect(again.args).toEqual({ bet: 100 })
    ws2.reply(again.rid, { round_id: 'abc', win: 0 })
    await expect(spin).resolves.toMatchObject({ round_id: 'abc' })
  })

  it('retries UNAVAILABLE with the same idem', async () => {
    const { net, client } = setup()
    client.connect()
    net.current().accept()
    const p = client.request('wallet.daily_bonus', {}, { idem: 'day-1' })
    net.current().fail(net.current().last().rid, 'UNAVAILABLE')
    await vi.advanceTimersByTimeAsync(300)
    const again = net.current().last('wallet.daily_bonus')
    expect(again.idem).toBe('day-1')
    net.current().reply(again.rid, { coins: 1, gems: 0, granted: { coins: 1, gems: 0 } })
    await expect(p).resolves.toMatchObject({ coins: 1 })
  })

  it('refreshes before the access token expires and re-authenticates the live connection', async () => {
    const { net, store, client } = setup(fresh())
    client.connect()
    const ws = net.current()
    ws.accept()
    ws.reply(ws.last('auth.token').rid, { user: USER })
    await flush()

    await vi.advanceTimersByTimeAsync(539_000)
    expect(ws.sent.filter((f) => f.op === 'auth.refresh')).toEqual([]) // 60 s before exp, not sooner
    await vi.advanceTimersByTimeAsync(1000)
    const r = ws.last('auth.refresh')
    expect(r.args).toEqual({ refresh_token: 'r1' })
    const next = { access_token: fakeJwt(sec(T0) + 540, sec(T0) + 1140), refresh_token: 'r2' }
    ws.reply(r.rid, next)
    await flush()
    expect(store.load()).toEqual(next)
    const t = ws.last()
    expect(t).toMatchObject({ op: 'auth.token', args: { access_token: next.access_token } })
    ws.reply(t.rid, { user: USER })
    await flush()
    expect(net.sockets).toHaveLength(1) // the same connection
  })

  it('refreshes first when resuming with an expired access token', async () => {
    const { net, store, client } = setup({ access_token: fakeJwt(sec(T0) - 700, sec(T0) - 100), refresh_token: 'r1' })
    client.connect()
    const ws = net.current()
    ws.accept()
    await flush()
    expect(ws.sent.map((f) => f.op)).toEqual(['auth.refresh'])
    const next = { access_token: fakeJwt(sec(T0), sec(T0) + 600), refresh_token: 'r2' }
    ws.reply(ws.last().rid, next)
    await flush()
    expect(ws.last()).toMatchObject({ op: 'auth.token', args: { access_token: next.access_token } })
    expect(store.load()?.refresh_token).toBe('r2')
  })

  it('adopts a token another tab already refreshed instead of spending the refresh token again', async () => {
    const { net, store, client } = setup(fresh())
    client.connect()
    const ws = net.current()
    ws.accept()
    ws.reply(ws.last('auth.token').rid, { user: USER })
    await flush()
    const other = { access_token: fakeJwt(sec(T0) + 530, sec(T0) + 1130), refresh_token: 'r2' }
    store.save(other) // the other tab's refresh
    await vi.advanceTimersByTimeAsync(540_000)
    expect(ws.sent.filter((f) => f.op === 'auth.refresh')).toEqual([])
    expect(ws.last()).toMatchObject({ op: 'auth.token', args: { access_token: other.access_token } })
  })

  it('ends the session when the token cannot be renewed', async () => {
    const { net, store, client } = setup(fresh())
    const reasons: string[] = []
    client.onSession((s) => reasons.push(s.reason))
    client.connect()
    const ws = net.current()
    ws.accept()
    ws.fail(ws.last('auth.token').rid, 'UNAUTHENTICATED')
    await flush()
    ws.fail(ws.last('auth.refresh').rid, 'UNAUTHENTICATED')
    await flush()
    expect(store.load()).toBeNull()
    expect(reasons).toEqual(['expired'])
    expect(client.hasSession()).toBe(false)
  })

  it('stores the tokens from login and forgets them at logout', async () => {
    const { net, store, client } = setup()
    client.connect()
    net.current().accept()
    const login = client.login({ username: 'neo', password: 'password1' })
    const tokens = fresh()
    net.current().reply(net.current().last('auth.login').rid, { user: USER, ...tokens })
    await expect(login).resolves.toMatchObject({ username: 'neo' })
    expect(store.load()).toEqual(tokens)

    const out = client.logout()
    net.current().reply(net.current().last('auth.logout').rid, {})
    await out
    expect(store.load()).toBeNull()
    expect(client.user).toBeNull()
  })

  it('a kick ends the session', async () => {
    const { net, store, client } = setup(fresh())
    client.connect()
    net.current().accept()
    net.current().reply(net.current().last('auth.token').rid, { user: USER })
    await flush()
    net.current().push({ ev: 'session.kicked', data: {} })
    expect(store.load()).toBeNull()
    expect(client.user).toBeNull()
  })
})

describe('heartbeat', () => {
  it('pings an idle connection and reconnects when the ping goes unanswered', async () => {
    const net = fakeNetwork()
    const client = new ClubClient({ url: 'ws://club.test/ws', webSocket: net.factory, heartbeatMs: 20_000, random: () => 1 })
    client.connect()
    net.current().accept()
    await vi.advanceTimersByTimeAsync(20_000)
    const ping = net.current().last('sys.ping')
    net.current().reply(ping.rid, { echo: null, at: 1 }) // answered: the link is fine
    await vi.advanceTimersByTimeAsync(20_000)
    expect(net.sockets).toHaveLength(1)
    await vi.advanceTimersByTimeAsync(10_000) // this ping gets no answer
    await vi.advanceTimersByTimeAsync(500)
    expect(net.sockets).toHaveLength(2)
    client.close()
  })
})

describe('close', () => {
  it('fails everything pending with CLOSED', async () => {
    const { client } = setup()
    client.connect()
    const p = client.request('wallet.balance')
    client.close()
    await expect(p).rejects.toSatisfy((e: unknown) => isClubError(e, 'CLOSED'))
  })
})
