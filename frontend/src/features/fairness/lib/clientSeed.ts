/** A client seed the server accepts: 1-64 of letters, digits, _ . - */
export const CLIENT_SEED_RE = /^[A-Za-z0-9_.-]{1,64}$/

export function randomClientSeed(): string {
  const b = new Uint8Array(12)
  crypto.getRandomValues(b)
  return Array.from(b, (x) => x.toString(16).padStart(2, '0')).join('')
}
