/* A scripted WebSocket for the client's tests: the test plays the server. */
import { decode, encode } from '@msgpack/msgpack'

import type { WebSocketFactory, WebSocketLike } from './transport.ts'

export type Frame = Record<string, unknown>

export class FakeSocket implements WebSocketLike {
  binaryType = 'blob'
  readyState = 0
  onopen: ((ev: unknown) => void) | null = null
  onclose: ((ev: { code: number; reason: string }) => void) | null = null
  onerror: ((ev: unknown) => void) | null = null
  onmessage: ((ev: { data: unknown }) => void) | null = null
  /** Frames the client sent, decoded. */
  readonly sent: Frame[] = []
  readonly url: string
  readonly protocol: string
  constructor(url: string, protocol: string) {
    this.url = url
    this.protocol = protocol
  }

  send(data: Uint8Array): void {
    if (this.readyState !== 1) throw new Error('send on a socket that is not open')
    this.sent.push(decode(data) as Frame)
  }
  close(): void {
    if (this.readyState === 3) return
    this.readyState = 3
    this.onclose?.({ code: 1000, reason: '' })
  }

  /* the server's side */
  accept(): void {
    this.readyState = 1
    this.onopen?.({})
  }
  push(frame: Frame): void {
    const bytes = encode(frame)
    this.onmessage?.({ data: bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) })
  }
  reply(rid: unknown, data: unknown): void {
    this.push({ rid, ok: true, data })
  }
  fail(rid: unknown, code: string, message = code): void {
    this.push({ rid, ok: false, error: { code, message } })
  }
  /** The network drops (no close handshake from the client). */
  drop(): void {
    this.readyState = 3
    this.onclose?.({ code: 1006, reason: '' })
  }
  last(op?: string): Frame {
    const f = op ? [...this.sent].reverse().find((x) => x.op === op) : this.sent[this.sent.length - 1]
    if (!f) throw new Error(`no ${op ?? 'frame'} sent; sent: ${JSON.stringify(this.sent.map((x) => x.op))}`)
    return f
  }
}

export function fakeNetwork(): { sockets: FakeSocket[]; factory: WebSocketFactory; current: () => FakeSocket } {
  const sockets: FakeSocket[] = []
  return {
    sockets,
    factory: (url, protocol) => {
      const s = new FakeSocket(url, protocol)
      sockets.push(s)
      return s
    },
    current: () => {
      const s = sockets[sockets.length - 1]
      if (!s) throw new Error('no socket yet')
      return s
    },
  }
}

function b64url(s: string): string {
  return btoa(s).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '')
}

/** An unsigned JWT-shaped token with iat and exp (seconds). */
export function fakeJwt(iatSec: number, expSec: number, sub = '1'): string {
  return `${b64url('{"alg":"HS256","typ":"JWT"}')}.${b64url(JSON.stringify({ sub, iat: iatSec, exp: expSec }))}.sig`
}
