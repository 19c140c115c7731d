/* Which form field an auth error is about, and the checks made before sending. */
import { isClubError } from '../../../lib/protocol/errors.ts'

export type AuthField = 'invite' | 'username' | 'password' | 'form'

export function fieldOfError(e: unknown): AuthField {
  if (!isClubError(e)) return 'form'
  switch (e.code) {
    case 'INVALID_INVITE':
      return 'invite'
    case 'USERNAME_TAKEN':
      return 'username'
    case 'BAD_CREDENTIALS':
      return 'password'
    case 'BAD_REQUEST': {
      // The server names the field first: "username must be 3-20 characters ...".
      const m = /^(invite|username|password)\b/.exec(e.message)
      return (m?.[1] as AuthField | undefined) ?? 'form'
    }
    default:
      return 'form'
  }
}

export const USERNAME_RE = /^[A-Za-z0-9_]{3,20}$/

export type Problem = 'required' | 'usernameInvalid' | 'passwordShort' | 'passwordLong' | 'inviteRequired'

export function checkRegister(v: { invite: string; username: string; password: string }): Partial<Record<AuthField, Problem>> {
  const p: Partial<Record<AuthField, Problem>> = {}
  if (!v.invite.trim()) p.invite = 'inviteRequired'
  if (!USERNAME_RE.test(v.username)) p.username = 'usernameInvalid'
  if (v.password.length < 8) p.password = 'passwordShort'
  else if (v.password.length > 128) p.password = 'passwordLong'
  return p
}

export function checkLogin(v: { username: string; password: string }): Partial<Record<AuthField, Problem>> {
  const p: Partial<Record<AuthField, Problem>> = {}
  if (!v.username) p.username = 'required'
  if (!v.password) p.password = 'required'
  return p
}
