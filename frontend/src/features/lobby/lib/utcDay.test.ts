import { describe, expect, it } from 'vitest'

import { hms, nextUtcMidnight, utcDay } from './utcDay.ts'

describe('the UTC day', () => {
  it('next midnight UTC is strictly after the moment', () => {
    expect(nextUtcMidnight(Date.UTC(2026, 11, 3, 16, 49, 48))).toBe(Date.UTC(2026, 11, 4))
    expect(nextUtcMidnight(Date.UTC(2026, 11, 4))).toBe(Date.UTC(2026, 11, 5))
    expect(nextUtcMidnight(Date.UTC(2026, 11, 31, 23, 59, 59, 999))).toBe(Date.UTC(2027, 0, 1))
  })

  it('names the day in UTC, not local time', () => {
    expect(utcDay(Date.UTC(2026, 11, 3, 23, 59))).toBe('2026-12-03')
    expect(utcDay(Date.UTC(2026, 11, 4, 0, 0))).toBe('2026-12-04')
  })

  it('writes a countdown as H:MM:SS, rounding up', () => {
    expect(hms(7 * 3600_000 + 10 * 60_000 + 12_000)).toBe('7:10:12')
    expect(hms(999)).toBe('0:00:01')
    expect(hms(0)).toBe('0:00:00')
    expect(hms(-5)).toBe('0:00:00')
    expect(hms(86_400_000)).toBe('24:00:00')
  })
})
