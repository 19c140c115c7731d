import { useId, type InputHTMLAttributes, type ReactNode } from 'react'

export interface FieldProps extends InputHTMLAttributes<HTMLInputElement> {
  label: ReactNode
  /** Shown under the input, tied to it with aria-describedby; marks it invalid. */
  error?: ReactNode
  hint?: ReactNode
}

/** A labelled input whose error sits right under it and is read out with it. */
export function Field({ label, error, hint, className = '', id, ...rest }: FieldProps) {
  const auto = useId()
  const inputId = id ?? auto
  const hintId = `${inputId}-hint`
  const errorId = `${inputId}-error`
  const describedBy = [hint ? hintId : '', error ? errorId : ''].filter(Boolean).join(' ') || undefined
  return (
    <div className={`flex min-w-0 flex-col gap-1 ${className}`}>
      <label htmlFor={inputId} className="text-sm font-semibold text-dim">
        {label}
      </label>
      <input
        id={inputId}
        aria-invalid={error ? true : undefined}
        aria-describedby={describedBy}
        className={`min-h-11 w-full min-w-0 rounded-lg border bg-panel-2 px-3 text-ink focus:border-neon ${error ? 'border-bad' : 'border-line'}`}
        {...rest}
      />
      {hint && !error && (
        <p id={hintId} className="text-xs text-dim">
          {hint}
        </p>
      )}
      {error && <FieldError id={errorId}>{error}</FieldError>}
    </div>
  )
}

export function FieldError({ id, children }: { id?: string; children: ReactNode }) {
  return (
    <p id={id} role="alert" className="flex items-start gap-1 text-sm text-bad">
      <span aria-hidden="true">⚠</span>
      <span>{children}</span>
    </p>
  )
}
