import { useEffect, useRef, useState } from 'react'

import { useReducedMotion } from '../lib/motion.ts'

/** A number that counts to its new value (instantly when motion is reduced). The final
 * value is what assistive technology and tests read. */
export function AnimatedNumber({ value, format, durationMs = 600 }: { value: number; format: (n: number) => string; durationMs?: number }) {
  const reduced = useReducedMotion()
  const [shown, setShown] = useState(value)
  const from = useRef(value)

  useEffect(() => {
    if (reduced || from.current === value) {
      from.current = value
      setShown(value)
      return
    }
    const start = performance.now()
    const a = from.current
    let raf = 0
    const step = (now: number) => {
      const k = Math.min(1, (now - start) / durationMs)
      const eased = 1 - (1 - k) ** 3
      setShown(Math.round(a + (value - a) * eased))
      if (k < 1) raf = requestAnimationFrame(step)
      else from.current = value
    }
    raf = requestAnimationFrame(step)
    return () => {
      cancelAnimationFrame(raf)
      from.current = value
    }
  }, [value, reduced, durationMs])

  return (
    <span data-value={value} aria-label={format(value)}>
      <span aria-hidden="true">{format(shown)}</span>
    </span>
  )
}
