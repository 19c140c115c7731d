/* Slot rules (PROTOCOL.md) shared by the slot screen, round details and the verifier. */
import type { SlotInfo, SlotLineWin, SlotSymbol } from '../protocol/types.ts'

export const SLOT_ROWS = 3

/** The visible column for a stop: strip positions s, s+1, s+2 (mod length), top to bottom. */
export function visibleColumn(strip: readonly SlotSymbol[], stop: number): SlotSymbol[] {
  const n = strip.length
  return Array.from({ length: SLOT_ROWS }, (_, row) => strip[(stop + row) % n] as SlotSymbol)
}

/** Where on its strip a column the server sent sits: the first stop s whose visible column
 * equals it, or -1 (the strips changed since slot.info). Used to land the reel animation. */
export function findStop(strip: readonly SlotSymbol[], column: readonly SlotSymbol[]): number {
  for (let s = 0; s < strip.length; s++) {
    if (column.every((sym, row) => strip[(s + row) % strip.length] === sym)) return s
  }
  return -1
}

/** The stops for every reel of an outcome. */
export function reelStops(strips: readonly (readonly SlotSymbol[])[], columns: readonly (readonly SlotSymbol[])[]): number[] {
  return columns.map((col, r) => findStop(strips[r] ?? [], col))
}

/** A payline's longest run from reel 0 of one symbol, WILD standing for any other; a run of
 * wilds alone is a run of WILD. */
export function lineRun(syms: readonly SlotSymbol[]): { symbol: SlotSymbol; count: number } {
  let j = 0
  while (j < syms.length && syms[j] === 'WILD') j++
  if (j === syms.length) return { symbol: 'WILD', count: syms.length }
  const symbol = syms[j] as SlotSymbol
  let count = j
  while (count < syms.length && (syms[count] === symbol || syms[count] === 'WILD')) count++
  return { symbol, count }
}

/** Every paying line and the total for a grid (columns of rows) at a bet. */
export function evaluateSlot(
  info: Pick<SlotInfo, 'paylines' | 'paytable'>,
  grid: readonly (readonly SlotSymbol[])[],
  bet: number,
): { lines: SlotLineWin[]; win: number } {
  const lines: SlotLineWin[] = []
  let win = 0
  const n = info.paylines.length
  info.paylines.forEach((rows, line) => {
    const syms = rows.map((row, reel) => grid[reel]?.[row] as SlotSymbol)
    const { symbol, count } = lineRun(syms)
    if (count < 3) return
    const pay = info.paytable.find((p) => p.symbol === symbol && p.count === count)
    if (!pay) return
    const w = Math.floor((bet * pay.multiplier) / n)
    if (w <= 0) return
    lines.push({ line, symbol, count, win: w })
    win += w
  })
  return { lines, win }
}

/** Cells (reel, row) that belong to a winning line's run, for highlighting. */
export function winningCells(paylines: readonly (readonly number[])[], lines: readonly SlotLineWin[]): Set<string> {
  const cells = new Set<string>()
  for (const l of lines) {
    const rows = paylines[l.line]
    if (!rows) continue
    for (let reel = 0; reel < l.count; reel++) cells.add(`${reel}:${rows[reel]}`)
  }
  return cells
}
