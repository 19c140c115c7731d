/* wallet.history, page by page: `before` is the last id of the page already shown. */
import { club } from '../../../lib/club.ts'
import type { LedgerEntry } from '../../../lib/protocol/types.ts'
import { usePages } from '../../../lib/usePages.ts'

export const PAGE = 20

function fetchPage(before?: number): Promise<LedgerEntry[]> {
  return club.request('wallet.history', before === undefined ? { limit: PAGE } : { limit: PAGE, before }).then((d) => d.entries)
}

export function useHistory() {
  const pages = usePages('wallet.history', fetchPage, PAGE)
  return { ...pages, entries: pages.items }
}
