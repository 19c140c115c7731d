import type { RpsChoice } from '../../lib/protocol/types.ts'

/** Hand art for rock, paper and scissors (decorative). */
export function RpsHand({ choice, className = '' }: { choice: RpsChoice; className?: string }) {
  return (
    <svg viewBox="0 0 64 64" className={className} aria-hidden="true" focusable="false" fill="none" stroke="currentColor" strokeWidth="3" strokeLinecap="round" strokeLinejoin="round">
      {choice === 'rock' && (
        <g>
          <path d="M16 30c0-6 4-9 8-9h18c5 0 8 4 8 9v8c0 9-7 16-16 16h-2c-9 0-16-7-16-16z" fill="currentColor" fillOpacity="0.15" />
          <path d="M22 21v-4a4 4 0 0 1 8 0v4M30 21v-5a4 4 0 0 1 8 0v5M38 21v-3a4 4 0 0 1 8 0v5M16 32h10a4 4 0 0 0 0-8" />
        </g>
      )}
      {choice === 'paper' && (
        <g>
          <path d="M20 34V14a3.5 3.5 0 0 1 7 0v16M27 28V9a3.5 3.5 0 0 1 7 0v19M34 28V11a3.5 3.5 0 0 1 7 0v19M41 30V17a3.5 3.5 0 0 1 7 0v21c0 9-7 16-16 16h-2c-6 0-10-3-13-8l-6-10a3.5 3.5 0 0 1 6-3.5L20 37" fill="currentColor" fillOpacity="0.15" />
        </g>
      )}
      {choice === 'scissors' && (
        <g>
          <path d="M24 32 14 10a3.5 3.5 0 0 1 6.5-2.5L30 28M30 28l4-20a3.5 3.5 0 0 1 7 1.5L38 30" />
          <path d="M22 34c0-4 3-6 6-6h14c4 0 7 3 7 7v3c0 9-7 16-16 16h-1c-6 0-10-5-10-10z" fill="currentColor" fillOpacity="0.15" />
          <path d="M30 38h10" />
        </g>
      )}
    </svg>
  )
}
