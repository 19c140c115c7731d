/* A modal dialog on the native <dialog> (showModal): the page behind it is inert, Escape
 * closes it, Tab and Shift+Tab go round inside it, and focus goes back where it was when it
 * closes. Render it only while open; onClose is asked to unmount it. */
import { useEffect, useId, useRef, type ReactNode, type RefObject } from 'react'

const FOCUSABLE = 'a[href], button:not(:disabled), input:not(:disabled), select:not(:disabled), textarea:not(:disabled), [tabindex]:not([tabindex="-1"])'

export interface DialogProps {
  title: ReactNode
  onClose: () => void
  children: ReactNode
  /** Gets the focus on opening (else the first focusable element). */
  initialFocus?: RefObject<HTMLElement | null>
  testId?: string
}

export function Dialog({ title, onClose, children, initialFocus, testId }: DialogProps) {
  const ref = useRef<HTMLDialogElement>(null)
  const titleId = useId()
  const close = useRef(onClose)
  useEffect(() => {
    close.current = onClose
  }, [onClose])

  useEffect(() => {
    const d = ref.current
    if (!d) return
    const back = document.activeElement as HTMLElement | null
    if (!d.open) d.showModal()
    ;(initialFocus?.current ?? d.querySelector<HTMLElement>(FOCUSABLE))?.focus()
    // Escape: the browser fires cancel; the owner unmounts the dialog instead of it closing itself.
    const onCancel = (e: Event) => {
      e.preventDefault()
      close.current()
    }
    const onKey = (e: KeyboardEvent) => {
      if (e.key !== 'Tab') return
      const all = [...d.querySelectorAll<HTMLElement>(FOCUSABLE)]
      const first = all[0]
      const last = all[all.length - 1]
      if (!first || !last) return
      if (e.shiftKey && (document.activeElement === first || !d.contains(document.activeElement))) {
        e.preventDefault()
        last.focus()
      } else if (!e.shiftKey && (document.activeElement === last || !d.contains(document.activeElement))) {
        e.preventDefault()
        first.focus()
      }
    }
    d.addEventListener('cancel', onCancel)
    d.addEventListener('keydown', onKey)
    return () => {
      d.removeEventListener('cancel', onCancel)
      d.removeEventListener('keydown', onKey)
      if (d.open) d.close()
      back?.focus?.()
    }
  }, [initialFocus])

  return (
    <dialog
      ref={ref}
      aria-labelledby={titleId}
      data-testid={testId}
      onMouseDown={(e) => {
        // A click on the backdrop (the dialog element itself, outside its box) closes it.
        if (e.target === ref.current) {
          const r = ref.current.getBoundingClientRect()
          if (e.clientX < r.left || e.clientX > r.right || e.clientY < r.top || e.clientY > r.bottom) onClose()
        }
      }}
      className="m-auto w-[min(28rem,calc(100vw-1.5rem))] rounded-2xl border border-neon/60 bg-panel p-0 text-ink shadow-2xl glow backdrop:bg-black/70 backdrop:backdrop-blur-sm"
    >
      <div className="flex flex-col gap-4 p-5">
        <h2 id={titleId} className="font-display text-base font-bold uppercase tracking-widest neon-text">
          {title}
        </h2>
        {children}
      </div>
    </dialog>
  )
}
