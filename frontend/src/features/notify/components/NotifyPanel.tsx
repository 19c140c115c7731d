import { useEffect, useId, useRef, useState } from 'react'

import { Button } from '../../../components/Button.tsx'
import { ErrorText } from '../../../components/ErrorText.tsx'
import { CheckIcon } from '../../../components/icons.tsx'
import { common } from '../../../lib/i18n/common.ts'
import { formatTime, useMessages } from '../../../lib/i18n/i18n.ts'
import type { NotifyItem } from '../../../lib/protocol/types.ts'
import { usePrefs } from '../../../stores/prefs.ts'
import { useInbox } from '../hooks/useInbox.ts'
import { relativeTime } from '../lib/relativeTime.ts'
import { notifyMessages } from '../messages.ts'

const KIND_TONE: Record<string, string> = {
  reward: 'text-gold',
  announce: 'text-hot',
  admin: 'text-neon',
  system: 'text-dim',
}

/** The notifications, newest first, under the bell (a sheet across a phone's width). Focus
 * moves into it on opening so a keyboard or screen-reader user lands on the list. */
export function NotifyPanel({ id }: { id: string }) {
  const t = useMessages(notifyMessages)
  const c = useMessages(common)
  const { items, unread, status, error, more, marking, markError, load, loadOlder, markAllRead } = useInbox((s) => s)
  const titleId = useId()
  const heading = useRef<HTMLHeadingElement>(null)
  const now = useNow(30_000)

  useEffect(() => {
    heading.current?.focus()
  }, [])

  // A mark-read button is disabled while busy and gone once read, which drops the focus to
  // the page; put it back at the top of the panel so Tab and Escape still work from here.
  const refocus = () => {
    // After React has rendered the reply.
    setTimeout(() => {
      const el = document.activeElement
      if (!el || el === document.body) heading.current?.focus()
    }, 0)
  }

  return (
    <div
      id={id}
      role="dialog"
      aria-modal="false"
      aria-labelledby={titleId}
      data-testid="notify-panel"
      className="fixed inset-x-2 top-14 z-40 flex max-h-[calc(100dvh-5rem)] flex-col overflow-hidden rounded-xl border border-neon/50 bg-panel shadow-2xl glow sm:absolute sm:inset-x-auto sm:right-0 sm:top-12 sm:w-96"
    >
      <div className="flex items-center justify-between gap-2 border-b border-line px-4 py-3">
        <h2 ref={heading} id={titleId} tabIndex={-1} className="font-display text-sm font-bold uppercase tracking-widest neon-text outline-none">
          {t.title}
        </h2>
        <Button variant="ghost" size="sm" data-testid="notify-read-all" disabled={unread === 0} busy={marking === 'all'} onClick={() => void markAllRead().then(refocus)}>
          <CheckIcon size={16} />
          {t.markAllRead}
        </Button>
      </div>
      {markError ? (
        <div className="border-b border-line px-4 py-2">
          <ErrorText error={markError} />
        </div>
      ) : null}
      <div className="min-h-0 flex-1 overflow-y-auto overscroll-contain">
        {items.length === 0 ? (
          <div className="flex flex-col items-center gap-3 px-4 py-10 text-center text-sm text-dim">
            {status === 'error' ? (
              <>
                <ErrorText error={error} />
                <Button variant="ghost" size="sm" onClick={() => void load()}>
                  {c.retry}
                </Button>
              </>
            ) : status === 'ready' ? (
              <p data-testid="notify-empty">{t.empty}</p>
            ) : (
              <p role="status">{c.loading}</p>
            )}
          </div>
        ) : (
          <ul data-testid="notify-list" className="divide-y divide-line">
            {items.map((n) => (
              <Row key={n.id} n={n} now={now} busy={marking === 'all' || (Array.isArray(marking) && marking.includes(n.id))} onMarked={refocus} />
            ))}
          </ul>
        )}
        {items.length > 0 && (more || status === 'error') && (
          <div className="flex flex-col items-center gap-2 border-t border-line px-4 py-3">
            {status === 'error' && <ErrorText error={error} />}
            <Button variant="ghost" size="sm" busy={status === 'loading'} onClick={() => void loadOlder()}>
              {t.older}
            </Button>
          </div>
        )}
      </div>
    </div>
  )
}

function Row({ n, now, busy, onMarked }: { n: NotifyItem; now: number; busy: boolean; onMarked: () => void }) {
  const t = useMessages(notifyMessages)
  const lang = usePrefs((s) => s.lang)
  const markRead = useInbox((s) => s.markRead)
  return (
    <li data-testid="notify-item" data-read={n.read} className={`flex gap-3 px-4 py-3 ${n.read ? 'opacity-75' : 'bg-panel-2/60'}`}>
      <span aria-hidden="true" className={`mt-1.5 size-2 shrink-0 rounded-full ${n.read ? 'bg-transparent' : 'bg-neon glow'}`} />
      <div className="min-w-0 flex-1">
        <p className="flex flex-wrap items-baseline gap-x-2 text-xs">
          <span className={`font-semibold uppercase tracking-wider ${KIND_TONE[n.kind] ?? 'text-dim'}`}>{t.kinds[n.kind] ?? n.kind}</span>
          <time dateTime={new Date(n.at).toISOString()} title={formatTime(n.at, lang)} className="text-dim">
            {relativeTime(n.at, now, lang, t.justNow)}
          </time>
          <span className="sr-only">{n.read ? t.read : t.unread}</span>
        </p>
        <p className={`mt-0.5 break-words font-semibold ${n.read ? 'text-dim' : 'text-ink'}`}>{n.title}</p>
        {n.body && <p className="mt-0.5 break-words text-sm text-dim">{n.body}</p>}
      </div>
      {!n.read && (
        <button
          type="button"
          aria-label={t.markReadOf(n.title)}
          title={t.markRead}
          data-testid="notify-read"
          disabled={busy}
          onClick={() => void markRead(n.id).then(onMarked)}
          className="flex size-9 shrink-0 items-center justify-center self-center rounded-lg border border-line text-dim hover:border-neon hover:text-neon disabled:opacity-50"
        >
          <CheckIcon size={16} />
        </button>
      )}
    </li>
  )
}

/** The time now, again every `ms`, so "3 min ago" moves on while the panel is open. */
function useNow(ms: number): number {
  const [now, setNow] = useState(() => Date.now())
  useEffect(() => {
    const id = setInterval(() => setNow(Date.now()), ms)
    return () => clearInterval(id)
  }, [ms])
  return now
}
