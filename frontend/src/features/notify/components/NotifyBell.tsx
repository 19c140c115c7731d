import { useId, useRef, useState } from 'react'

import { BellIcon } from '../../../components/icons.tsx'
import { formatNumber, useMessages } from '../../../lib/i18n/i18n.ts'
import { useDismiss } from '../../../lib/useDismiss.ts'
import { usePrefs } from '../../../stores/prefs.ts'
import { useInbox, useInboxFeed } from '../hooks/useInbox.ts'
import { notifyMessages } from '../messages.ts'
import { NotifyPanel } from './NotifyPanel.tsx'

/** The header's bell: the unread count on it, the panel under it. Shown while logged in. */
export function NotifyBell() {
  useInboxFeed()
  const t = useMessages(notifyMessages)
  const lang = usePrefs((s) => s.lang)
  const unread = useInbox((s) => s.unread)
  const [open, setOpen] = useState(false)
  const wrap = useRef<HTMLDivElement>(null)
  const bell = useRef<HTMLButtonElement>(null)
  const panelId = useId()

  // Escape closes and gives focus back to the bell; a click elsewhere just closes.
  useDismiss(open, wrap, () => setOpen(false), bell)

  return (
    <div ref={wrap} className="sm:relative">
      <button
        ref={bell}
        type="button"
        aria-label={t.bell(unread)}
        aria-haspopup="dialog"
        aria-expanded={open}
        aria-controls={open ? panelId : undefined}
        data-testid="notify-bell"
        data-unread={unread}
        onClick={() => setOpen((o) => !o)}
        className="relative flex min-h-10 min-w-10 items-center justify-center rounded-lg border border-line bg-panel-2 text-ink hover:border-neon hover:text-neon aria-expanded:border-neon aria-expanded:text-neon"
      >
        <BellIcon size={20} />
        {unread > 0 && (
          <span
            aria-hidden="true"
            data-testid="notify-count"
            className="glow-hot absolute -right-1.5 -top-1.5 flex h-5 min-w-5 items-center justify-center rounded-full bg-hot px-1 font-mono text-[0.7rem] font-bold leading-none text-bg"
          >
            {unread > 99 ? '99+' : formatNumber(unread, lang)}
          </span>
        )}
      </button>
      {open && <NotifyPanel id={panelId} />}
    </div>
  )
}
