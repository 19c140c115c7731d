import type { ErrorCode } from './types.ts'

/** Codes the client itself produces, beside the server's. */
export type ClientErrorCode =
  | 'TIMEOUT' // no reply in time; a money-moving request may still have been applied
  | 'DISCONNECTED' // the connection dropped and the request could not safely be sent again
  | 'CLOSED' // the client was closed

export class ClubError extends Error {
  readonly code: ErrorCode | ClientErrorCode
  readonly op: string
  /** The idem the request carried, so a caller can ask again for the same result. */
  readonly idem: string | undefined

  constructor(code: ErrorCode | ClientErrorCode, message: string, op = '', idem?: string) {
    super(message)
    this.name = 'ClubError'
    this.code = code
    this.op = op
    this.idem = idem
  }
}

export function isClubError(e: unknown, code?: ClubError['code']): e is ClubError {
  return e instanceof ClubError && (code === undefined || e.code === code)
}
