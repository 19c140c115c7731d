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

const percents = new Map<string, Intl.NumberFormat>()

/** Parts per million as a percentage: 6000 -> "0.6%", 16052 -> "1.6052%". */
export function formatPpm(ppm: number, lang: Lang): string {
  let f = percents.get(lang)
  if (!f) percents.set(lang, (f = new Intl.NumberFormat(lang === 'ko' ? 'ko-KR' : 'en-US', { style: 'percent', maximumFractionDigits: 4 })))
  return f.format(ppm / 1_000_000)
}

/** A Korean particle after a word: `withFinal` after a closing consonant (을, 이, 은),
 * `withoutFinal` after a vowel (를, 가, 는); after anything but Hangul, both as 을(를). */
export function josa(word: string, withFinal: string, withoutFinal: string): string {
  const code = word.charCodeAt(word.length - 1) - 0xac00
  if (Number.isNaN(code) || code < 0 || code > 11171) return `${word}${withFinal}(${withoutFinal})`
  return `${word}${code % 28 === 0 ? withoutFinal : withFinal}`
}
