/* A popover's way out: while it is open, a press outside it or Escape closes it, and Escape
 * puts the focus back on the control that opened it (when given). */
import { useEffect, useRef, type RefObject } from 'react'

export function useDismiss(open: boolean, inside: RefObject<HTMLElement | null>, close: () => void, focusBack?: RefObject<HTMLElement | null>): void {
  const closeRef = useRef(close)
  useEffect(() => {
    closeRef.current = close
  })

  useEffect(() => {
    if (!open) return
    const onDoc = (e: MouseEvent) => {
      if (!inside.current?.contains(e.target as Node)) closeRef.current()
    }
    const onKey = (e: KeyboardEvent) => {
      if (e.key !== 'Escape') return
      e.preventDefault()
      closeRef.current()
      focusBack?.current?.focus()
    }
    document.addEventListener('mousedown', onDoc)
    document.addEventListener('keydown', onKey)
    return () => {
      document.removeEventListener('mousedown', onDoc)
      document.removeEventListener('keydown', onKey)
    }
  }, [open, inside, focusBack])
}
