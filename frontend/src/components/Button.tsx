import type { ComponentPropsWithRef } from 'react'

type Variant = 'primary' | 'hot' | 'ghost' | 'danger'
type Size = 'sm' | 'md' | 'lg'

const VARIANTS: Record<Variant, string> = {
  primary: 'bg-neon text-neon-ink glow hover:brightness-110 disabled:opacity-50',
  hot: 'bg-hot text-bg glow-hot hover:brightness-110 disabled:opacity-50',
  ghost: 'border border-line bg-panel-2/60 text-ink hover:border-neon hover:text-neon disabled:opacity-50',
  danger: 'border border-bad text-bad hover:bg-bad hover:text-bg disabled:opacity-50',
}

const SIZES: Record<Size, string> = {
  sm: 'min-h-9 px-3 text-sm',
  md: 'min-h-11 px-4 text-base',
  lg: 'min-h-14 px-6 text-lg',
}

export interface ButtonProps extends ComponentPropsWithRef<'button'> {
  variant?: Variant
  size?: Size
  busy?: boolean
}

/** A button: at least 36 px tall (44 px from md) for touch, busy state announced. */
export function Button({ variant = 'primary', size = 'md', busy = false, className = '', disabled, children, ...rest }: ButtonProps) {
  return (
    <button
      type="button"
      {...rest}
      disabled={disabled || busy}
      aria-busy={busy || undefined}
      className={`inline-flex items-center justify-center gap-2 rounded-lg font-semibold tracking-wide transition select-none disabled:cursor-not-allowed ${VARIANTS[variant]} ${SIZES[size]} ${className}`}
    >
      {busy && <span aria-hidden="true" className="size-4 animate-spin rounded-full border-2 border-current border-t-transparent" />}
      {children}
    </button>
  )
}
