/* Outcome rendering for the reels: what a reel shows while it spins and where it stops.
 *
 * A reel is a tape of cells scrolled down through a three-cell window. The tape's top three
 * cells are exactly the column the server sent; its bottom three are what the reel shows now;
 * between them run the strip's own symbols, so the motion looks like the real strip. The
 * animation moves the tape from showing its bottom (translate -distance cells) to showing its
 * top (translate 0), so the reel always lands on the server's outcome, whatever came before. */
import type { SlotSymbol } from '../../../lib/protocol/types.ts'

export interface Tape {
  cells: SlotSymbol[]
  /** Cells travelled: the tape starts translated up by this many cells. */
  distance: number
}

/**
 * @param strip the reel's strip (slot.info)
 * @param current the three symbols shown now, top to bottom
 * @param final the three symbols the server sent, top to bottom
 * @param finalStop where `final` starts on the strip (findStop), or -1 when unknown
 * @param minDistance at least this many cells of travel (more for later reels)
 */
export function buildTape(strip: readonly SlotSymbol[], current: readonly SlotSymbol[], final: readonly SlotSymbol[], finalStop: number, minDistance: number): Tape {
  const n = strip.length
  const distance = Math.max(minDistance, 3)
  const cells: SlotSymbol[] = []
  for (let j = 0; j < distance + 3; j++) {
    if (j < 3) cells.push(final[j] as SlotSymbol)
    else if (j >= distance) cells.push(current[j - distance] as SlotSymbol)
    else cells.push(n ? (strip[(((finalStop < 0 ? 0 : finalStop) + j) % n + n) % n] as SlotSymbol) : (final[j % 3] as SlotSymbol))
  }
  return { cells, distance }
}

/** The tape's translateY in percent of its own height for a given travel left. */
export function tapeOffset(tape: Tape, cellsLeft: number): string {
  return `${(-cellsLeft / tape.cells.length) * 100}%`
}

/** A colour per payline, for the lines drawn over the reels and the list of wins. */
export const LINE_COLORS = ['#22d3ee', '#ff5ddc', '#a3e635', '#fcd34d', '#fb923c', '#c084fc', '#f472b6', '#2dd4bf', '#facc15', '#60a5fa']

/** An outcome for the reels to land on: a new id starts a spin. */
export interface ReelTarget {
  id: string
  columns: SlotSymbol[][]
}
