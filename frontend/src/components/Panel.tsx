import type { ComponentPropsWithRef, ReactNode } from 'react'

export function Panel({ className = '', children, ...rest }: ComponentPropsWithRef<'section'> & { children: ReactNode }) {
  return (
    <section {...rest} className={`min-w-0 rounded-2xl border border-line bg-panel/90 p-4 shadow-lg backdrop-blur sm:p-6 ${className}`}>
      {children}
    </section>
  )
}

export function PageTitle({ children, sub }: { children: ReactNode; sub?: ReactNode }) {
  return (
    <header className="mb-4 sm:mb-6">
      <h1 className="font-display text-2xl font-bold uppercase tracking-widest neon-text sm:text-3xl">{children}</h1>
      {sub && <p className="mt-1 text-dim">{sub}</p>}
    </header>
  )
}
