/* Every spot on the betting table and where it sits: across (14 x 5, from 640 px) and down
 * (5 x 14, phones), so one set of buttons serves both layouts. */
import type { RouletteBetType } from '../../../lib/protocol/types.ts'

export interface Place {
  col: string
  row: string
}

export interface Spot {
  type: RouletteBetType
  value?: number
  across: Place
  down: Place
}

const OUTSIDE: RouletteBetType[] = ['low', 'even', 'red', 'black', 'odd', 'high']

export const SPOTS: readonly Spot[] = [
  { type: 'straight', value: 0, across: { col: '1', row: '1 / span 3' }, down: { col: '2 / span 3', row: '1' } },
  ...Array.from({ length: 36 }, (_, k): Spot => ({
    type: 'straight',
    value: k + 1,
    across: { col: String(2 + Math.floor(k / 3)), row: String(3 - (k % 3)) },
    down: { col: String(2 + (k % 3)), row: String(2 + Math.floor(k / 3)) },
  })),
  ...[1, 2, 3].map((c): Spot => ({ type: 'column', value: c, across: { col: '14', row: String(4 - c) }, down: { col: String(1 + c), row: '14' } })),
  ...[1, 2, 3].map((d): Spot => ({ type: 'dozen', value: d, across: { col: `${2 + 4 * (d - 1)} / span 4`, row: '4' }, down: { col: '1', row: `${2 + 4 * (d - 1)} / span 4` } })),
  ...OUTSIDE.map((type, i): Spot => ({ type, across: { col: `${2 + 2 * i} / span 2`, row: '5' }, down: { col: '5', row: `${2 + 2 * i} / span 2` } })),
]
