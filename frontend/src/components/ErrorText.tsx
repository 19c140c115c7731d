import { FieldError } from './Field.tsx'
import { useErrorText } from './useErrorText.ts'

/** An error next to what it is about. */
export function ErrorText({ error, id }: { error: unknown; id?: string }) {
  const text = useErrorText()
  if (!error) return null
  return <FieldError {...(id ? { id } : {})}>{text(error)}</FieldError>
}
