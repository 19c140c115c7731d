import { common } from '../lib/i18n/common.ts'
import { useMessages } from '../lib/i18n/i18n.ts'
import { Button } from './Button.tsx'
import { ErrorText } from './ErrorText.tsx'

/** What a page shows until its data is there: a loading note, or the error and a retry. */
export function LoadState({ error, reload }: { error: unknown; reload: () => void }) {
  const c = useMessages(common)
  return (
    <div className="flex flex-col items-center gap-4 py-16">
      {error ? (
        <>
          <ErrorText error={error} />
          <Button onClick={reload}>{c.retry}</Button>
        </>
      ) : (
        <p role="status" className="text-dim">
          {c.loading}
        </p>
      )}
    </div>
  )
}
