/* Turning the wheel: pocket i of WHEEL_ORDER sits at i * 360/37 degrees clockwise from the top. */
import { WHEEL_ORDER } from '../../../lib/games/roulette.ts'

export const STEP = 360 / WHEEL_ORDER.length

/** Where the wheel must be turned to for pocket `n` to sit under the pointer at the top. */
export function restingAngle(n: number): number {
  const i = WHEEL_ORDER.indexOf(n)
  return ((-i * STEP) % 360 + 360) % 360
}

/** The next rotation: always forward, at least `turns` full turns, ending at the pocket. */
export function nextAngle(current: number, n: number, turns: number): number {
  const base = current - (((current % 360) + 360) % 360)
  let to = base + restingAngle(n)
  while (to - current < turns * 360 || to < current) to += 360
  return to
}

/** A spin for the wheel to show: a new id starts the animation. */
export interface WheelTarget {
  id: string
  number: number
}
