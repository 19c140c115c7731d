import { describe, expect, it } from 'vitest'

import { shopMessages } from '../messages.ts'
import { grantLines } from './grants.ts'

describe('grantLines', () => {
  it('names coins, gems and every item with its count', () => {
    const fmt = (n: number) => n.toLocaleString('en-US')
    const g = { coins: 2000, items: [{ item_id: 303, name: 'Pixel Shades', rarity: 'RARE', qty: 1 }, { item_id: 402, name: 'Glow Stick', rarity: 'COMMON', qty: 3 }] }
    expect(grantLines(g, shopMessages.en, fmt)).toEqual(['+2,000 coins', 'Pixel Shades ×1', 'Glow Stick ×3'])
    expect(grantLines({ gems: 50, coins: 0 }, shopMessages.ko, fmt)).toEqual(['젬 +50'])
    expect(grantLines({}, shopMessages.en, fmt)).toEqual([])
  })
})
