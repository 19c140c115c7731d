/* Player preferences kept in this browser: language and colour theme. */
import { create } from 'zustand'
import { persist } from 'zustand/middleware'

export type Lang = 'ko' | 'en'
export type Theme = 'dark' | 'light'

interface Prefs {
  /** Until the player picks one, the browser's first preference decides (Korean for ko-*). */
  lang: Lang
  theme: Theme
  setLang: (lang: Lang) => void
  setTheme: (theme: Theme) => void
}

function browserLang(): Lang {
  const first = typeof navigator === 'undefined' ? undefined : navigator.languages?.[0] ?? navigator.language
  return first?.toLowerCase().startsWith('ko') ? 'ko' : 'en'
}

export const usePrefs = create<Prefs>()(
  persist(
    (set) => ({
      lang: browserLang(),
      theme: 'dark',
      setLang: (lang) => set({ lang }),
      setTheme: (theme) => set({ theme }),
    }),
    { name: 'club.prefs', partialize: (s) => ({ lang: s.lang, theme: s.theme }) },
  ),
)
