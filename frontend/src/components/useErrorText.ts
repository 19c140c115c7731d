import { common } from '../lib/i18n/common.ts'
import { useMessages } from '../lib/i18n/i18n.ts'
import { isClubError } from '../lib/protocol/errors.ts'
import { usePrefs } from '../stores/prefs.ts'

/** The words for an error: the server's message is precise ("bet must be a multiple of 10
 * from 10 to 500"), so English shows it as is; Korean shows the code's meaning first. */
export function useErrorText(): (e: unknown) => string {
  const t = useMessages(common)
  const lang = usePrefs((s) => s.lang)
  return (e) => {
    if (isClubError(e)) {
      const byCode = t.errors[e.code] ?? ''
      const fromServer = e.message !== '' && e.code !== 'TIMEOUT' && e.code !== 'DISCONNECTED' && e.code !== 'CLOSED'
      if (!fromServer) return byCode || e.message
      return lang === 'en' ? e.message.charAt(0).toUpperCase() + e.message.slice(1) : `${byCode} (${e.message})`
    }
    return e instanceof Error ? e.message : String(e)
  }
}
