/* Two languages, Korean and English. Each feature keeps its own messages beside its code
 * (features/x/messages.ts) so later features add folders, not edits to one big file. A message
 * is a string or a function of its values; Korean must provide every English key. */
import { usePrefs, type Lang } from '../../stores/prefs.ts'

type Message = string | ((...args: never[]) => string) | Readonly<Record<string, string>>
export type Messages<T extends Record<string, Message>> = Record<Lang, T>

export function defineMessages<T extends Record<string, Message>>(en: T, ko: { [K in keyof T]: T[K] }): Messages<T> {
  return { en, ko }
}

/** The messages for the current language (re-renders when it changes). */
export function useMessages<T extends Record<string, Message>>(messages: Messages<T>): T {
  const lang = usePrefs((s) => s.lang)
  return messages[lang]
}

const formatters = new Map<string, Intl.NumberFormat>()

export function formatNumber(n: number, lang: Lang): string {
  let f = formatters.get(lang)
  if (!f) formatters.set(lang, (f = new Intl.NumberFormat(lang === 'ko' ? 'ko-KR' : 'en-US')))
  return f.format(n)
}

export function formatTime(ms: number, lang: Lang): string {
  return new Date(ms).toLocaleString(lang === 'ko' ? 'ko-KR' : 'en-US', {
    dateStyle: 'medium',
    timeStyle: 'short',
  })
}
