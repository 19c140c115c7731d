import { renderToStaticMarkup } from 'react-dom/server'
import { describe, expect, it } from 'vitest'

import type { SlotInfo, SlotSymbol } from '../../../lib/protocol/types.ts'
import { Reels } from './Reels.tsx'

const S = (s: string) => s.split(' ') as SlotSymbol[]
const STRIP = S('LEMON GRAPE CHERRY BELL SEVEN BAR WILD GRAPE LEMON')
const INFO: SlotInfo = {
  reels: [STRIP, STRIP, STRIP, STRIP, STRIP],
  paylines: [
    [1, 1, 1, 1, 1],
    [0, 0, 0, 0, 0],
  ],
  paytable: [{ symbol: 'CHERRY', count: 3, multiplier: 10 }],
  rtp: 0.95,
  bet: { min: 10, max: 500 },
}

/** The symbols a rendered reel shows, top to bottom, per reel. */
function shown(html: string): string[][] {
  const reels = html.split('data-testid="reel-').slice(1)
  return reels.map((r) => [...r.matchAll(/data-symbol="([A-Z]+)"/g)].map((m) => m[1] ?? ''))
}

describe('Reels', () => {
  it('shows exactly the columns of the server reply, top to bottom', () => {
    const reply = [S('CHERRY BELL SEVEN'), S('WILD GRAPE LEMON'), S('LEMON GRAPE CHERRY'), S('BELL SEVEN BAR'), S('GRAPE LEMON LEMON')]
    const html = renderToStaticMarkup(<Reels info={INFO} columns={reply} target={null} lines={[]} onLanded={() => {}} />)
    expect(shown(html)).toEqual(reply)
    expect(html).toContain('data-state="idle"')
  })

  it('highlights the cells of a winning line', () => {
    const reply = [S('CHERRY BELL SEVEN'), S('CHERRY GRAPE LEMON'), S('CHERRY GRAPE CHERRY'), S('BELL SEVEN BAR'), S('GRAPE LEMON LEMON')]
    const html = renderToStaticMarkup(<Reels info={INFO} columns={reply} target={null} lines={[{ line: 1, symbol: 'CHERRY', count: 3, win: 50 }]} onLanded={() => {}} />)
    const wins = [...html.matchAll(/data-symbol="([A-Z]+)" data-win="true"/g)].map((m) => m[1])
    expect(wins).toEqual(['CHERRY', 'CHERRY', 'CHERRY'])
    expect(html).toContain('<polyline')
  })
})
