import { common } from '../lib/i18n/common.ts'
import { useMessages } from '../lib/i18n/i18n.ts'
import { useToasts } from '../stores/toasts.ts'

const TONE = { info: 'border-neon text-ink', good: 'border-win text-ink', bad: 'border-bad text-ink' } as const

export function Toasts() {
  const { toasts, dismiss } = useToasts()
  const m = useMessages(common)
  return (
    <div aria-live="polite" className="pointer-events-none fixed inset-x-0 bottom-20 z-50 flex flex-col items-center gap-2 px-3 lg:bottom-6">
      {toasts.map((t) => (
        <div key={t.id} role="status" className={`pointer-events-auto flex max-w-md items-center gap-3 rounded-lg border-l-4 bg-panel px-4 py-3 shadow-2xl ${TONE[t.tone]}`}>
          <span className="flex-1 text-sm">{t.text}</span>
          <button type="button" aria-label={m.close} onClick={() => dismiss(t.id)} className="text-dim hover:text-ink">
            <span aria-hidden="true">✕</span>
          </button>
        </div>
      ))}
    </div>
  )
}
