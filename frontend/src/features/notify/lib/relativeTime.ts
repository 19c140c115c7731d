/* "3 min ago" for a notification's time: the panel is glanced at, so how long ago says more
 * than a date. Past a week the date itself is clearer. */
import type { Lang } from '../../../stores/prefs.ts'

const MINUTE = 60_000
const HOUR = 60 * MINUTE
const DAY = 24 * HOUR

const formats = new Map<Lang, Intl.RelativeTimeFormat>()

function rtf(lang: Lang): Intl.RelativeTimeFormat {
  let f = formats.get(lang)
  if (!f) formats.set(lang, (f = new Intl.RelativeTimeFormat(lang === 'ko' ? 'ko-KR' : 'en-US', { numeric: 'auto' })))
  return f
}

/** `at` relative to `now` (both Unix ms); `justNow` under a minute, a date past a week. A
 * time a little ahead of this clock (the server's is the truth) counts as just now. */
export function relativeTime(at: number, now: number, lang: Lang, justNow: string): string {
  const ago = now - at
  if (ago < MINUTE) return justNow
  if (ago < HOUR) return rtf(lang).format(-Math.floor(ago / MINUTE), 'minute')
  if (ago < DAY) return rtf(lang).format(-Math.floor(ago / HOUR), 'hour')
  if (ago < 7 * DAY) return rtf(lang).format(-Math.floor(ago / DAY), 'day')
  return new Date(at).toLocaleDateString(lang === 'ko' ? 'ko-KR' : 'en-US', { dateStyle: 'medium' })
}
