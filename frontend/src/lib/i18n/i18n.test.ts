import { describe, expect, it } from 'vitest'

import { formatPpm, josa } from './i18n.ts'

describe('i18n helpers', () => {
  it('formats parts per million as a percentage', () => {
    expect(formatPpm(6000, 'en')).toBe('0.6%')
    expect(formatPpm(16052, 'en')).toBe('1.6052%')
    expect(formatPpm(1_000_000, 'ko')).toBe('100%')
  })

  it('picks the Korean particle by the last syllable', () => {
    expect(josa('전설', '을', '를')).toBe('전설을')
    expect(josa('에픽', '이', '가')).toBe('에픽이')
    expect(josa('레어', '은', '는')).toBe('레어는')
    expect(josa('Neon Katana', '이', '가')).toBe('Neon Katana이(가)')
  })
})
