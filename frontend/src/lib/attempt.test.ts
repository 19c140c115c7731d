import { describe, expect, it } from 'vitest'

import { Attempts } from './attempt.ts'
import { ClubError } from './protocol/errors.ts'

describe('Attempts', () => {
  it('keeps the idem after a timeout, so pressing again is the same attempt', async () => {
    const a = new Attempts()
    const seen: string[] = []
    await expect(a.run('buy:gem_pouch', (idem) => (seen.push(idem), Promise.reject(new ClubError('TIMEOUT', 'slow'))))).rejects.toThrow()
    expect(a.pending('buy:gem_pouch')).toBe(true)
    await a.run('buy:gem_pouch', (idem) => (seen.push(idem), Promise.resolve(1)))
    expect(seen[0]).toMatch(/^[0-9a-f]{32}$/)
    expect(seen[1]).toBe(seen[0])
    expect(a.pending('buy:gem_pouch')).toBe(false)
  })

  it('a success or a refusal ends the attempt: the next one has a new idem', async () => {
    const a = new Attempts()
    const first = await a.run('k', (idem) => Promise.resolve(idem))
    const second = await a.run('k', (idem) => Promise.resolve(idem))
    expect(second).not.toBe(first)
    let refused = ''
    await expect(a.run('k', (idem) => ((refused = idem), Promise.reject(new ClubError('INSUFFICIENT_FUNDS', 'no'))))).rejects.toThrow()
    expect(a.idem('k')).not.toBe(refused)
  })

  it('keys are separate attempts', () => {
    const a = new Attempts()
    expect(a.idem('a')).not.toBe(a.idem('b'))
    expect(a.idem('a')).toBe(a.idem('a'))
  })
})
