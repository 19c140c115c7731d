/* The provably-fair byte stream (PROTOCOL.md "Games"), re-computed in the browser with Web
 * Crypto: digests HMAC-SHA256(key = server_seed as ASCII, message = "client_seed:nonce:cursor")
 * for cursor 0, 1, 2, ... concatenated, read as big-endian u32s; uniform(n) rejects
 * u >= 2^32 - (2^32 mod n) and otherwise takes u mod n. */

const TWO_32 = 2 ** 32
const ascii = new TextEncoder()

function subtle(): SubtleCrypto {
  const s = globalThis.crypto?.subtle
  if (!s) throw new Error('Web Crypto is unavailable here: open the site over https or on localhost')
  return s
}

export function toHex(bytes: Uint8Array): string {
  return Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('')
}

/** Lowercase hex SHA-256 of ASCII text (how server_seed_hash is made). */
export async function sha256Hex(text: string): Promise<string> {
  return toHex(new Uint8Array(await subtle().digest('SHA-256', ascii.encode(text))))
}

export class FairStream {
  private block = new Uint8Array(0)
  private pos = 0
  private cursor = 0
  /** Every u32 read so far, rejected ones included (shown by the verifier). */
  readonly reads: number[] = []

  private readonly key: CryptoKey
  private readonly clientSeed: string
  private readonly nonce: number

  private constructor(key: CryptoKey, clientSeed: string, nonce: number) {
    this.key = key
    this.clientSeed = clientSeed
    this.nonce = nonce
  }

  static async create(serverSeed: string, clientSeed: string, nonce: number): Promise<FairStream> {
    const key = await subtle().importKey(
      'raw',
      ascii.encode(serverSeed),
      { name: 'HMAC', hash: 'SHA-256' },
      false,
      ['sign'],
    )
    return new FairStream(key, clientSeed, nonce)
  }

  async u32(): Promise<number> {
    if (this.pos >= this.block.length) {
      const msg = ascii.encode(`${this.clientSeed}:${this.nonce}:${this.cursor}`)
      this.block = new Uint8Array(await subtle().sign('HMAC', this.key, msg))
      this.cursor++
      this.pos = 0
    }
    const b = this.block
    const p = this.pos
    this.pos += 4
    const u = ((b[p] as number) * 2 ** 24 + ((b[p + 1] as number) << 16) + ((b[p + 2] as number) << 8) + (b[p + 3] as number)) >>> 0
    this.reads.push(u)
    return u
  }

  async uniform(n: number): Promise<number> {
    if (!Number.isInteger(n) || n < 1 || n > TWO_32) throw new RangeError(`uniform(${n})`)
    const limit = TWO_32 - (TWO_32 % n)
    for (;;) {
      const u = await this.u32()
      if (u < limit) return u % n
    }
  }
}
