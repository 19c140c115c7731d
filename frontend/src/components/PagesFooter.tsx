import type { Pages } from '../lib/usePages.ts'
import { Button } from './Button.tsx'
import { ErrorText } from './ErrorText.tsx'

/** Under a paged list (lib/usePages.ts): its error, "load older" while there may be more, and
 * a note at the end. Test ids: `${testId}-more`, `${testId}-end`. */
export function PagesFooter({ pages, more, end, testId }: { pages: Pick<Pages<unknown>, 'items' | 'loading' | 'done' | 'error' | 'more' | 'reload'>; more: string; end: string; testId: string }) {
  return (
    <>
      <ErrorText error={pages.error} />
      <div className="mt-3 flex items-center gap-3">
        {!pages.done && (
          <Button variant="ghost" busy={pages.loading} onClick={pages.items.length ? pages.more : pages.reload} data-testid={`${testId}-more`}>
            {more}
          </Button>
        )}
        {pages.done && pages.items.length > 0 && (
          <p className="text-sm text-dim" data-testid={`${testId}-end`}>
            {end}
          </p>
        )}
      </div>
    </>
  )
}
