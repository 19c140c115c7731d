/** The claims the client reads from an access token (it never verifies them: the server does). */
export interface JwtClaims {
  sub?: string
  rank?: string
  iat?: number
  exp?: number
}

function base64UrlDecode(s: string): string {
  const b64 = s.replace(/-/g, '+').replace(/_/g, '/')
  const padded = b64 + '='.repeat((4 - (b64.length % 4)) % 4)
  const bin = atob(padded)
  const bytes = Uint8Array.from(bin, (c) => c.charCodeAt(0))
  return new TextDecoder().decode(bytes)
}

/** The payload of a JWT, or null when it is not one. */
export function decodeJwt(token: string): JwtClaims | null {
  const part = token.split('.')[1]
  if (!part) return null
  try {
    const claims: unknown = JSON.parse(base64UrlDecode(part))
    return claims && typeof claims === 'object' ? (claims as JwtClaims) : null
  } catch {
    return null
  }
}

/** Expiry in Unix ms, or null when the token carries none. */
export function jwtExpiryMs(token: string): number | null {
  const exp = decodeJwt(token)?.exp
  return typeof exp === 'number' ? exp * 1000 : null
}
