import type { ReactNode } from 'react'

import type { SlotSymbol as Sym } from '../../lib/protocol/types.ts'

/** The art for one slot symbol (decorative; the cell around it carries the name). */
export function SlotSymbol({ symbol, className = '' }: { symbol: Sym; className?: string }) {
  return (
    <svg viewBox="0 0 64 64" className={className} aria-hidden="true" focusable="false">
      {ART[symbol]}
    </svg>
  )
}

const ART: Record<Sym, ReactNode> = {
  WILD: (
    <g>
      <path d="M32 5l7.6 16.4 17.9 2-13.3 12.2 3.7 17.7L32 44.4l-15.9 8.9 3.7-17.7L6.5 23.4l17.9-2z" fill="#ff5ddc" stroke="#ffd6f6" strokeWidth="2" />
      <text x="32" y="38" textAnchor="middle" fontSize="13" fontWeight="700" fill="#fff" stroke="#3b0030" strokeWidth="3" paintOrder="stroke" fontFamily="Orbitron, sans-serif">WILD</text>
    </g>
  ),
  SEVEN: (
    <g>
      <path d="M14 12h36v8L30 54H19l19-34H14z" fill="#ff3b5c" stroke="#ffd1d9" strokeWidth="2.5" strokeLinejoin="round" />
    </g>
  ),
  BAR: (
    <g>
      <rect x="7" y="20" width="50" height="24" rx="5" fill="#22d3ee" stroke="#cffafe" strokeWidth="2" />
      <text x="32" y="38.5" textAnchor="middle" fontSize="16" fontWeight="900" fill="#04121a" fontFamily="Orbitron, sans-serif">BAR</text>
    </g>
  ),
  BELL: (
    <g>
      <path d="M32 8c-10 0-15 8-15 18v10l-6 8h42l-6-8V26c0-10-5-18-15-18z" fill="#fcd34d" stroke="#fff3c4" strokeWidth="2" strokeLinejoin="round" />
      <circle cx="32" cy="50" r="5" fill="#f59e0b" stroke="#fff3c4" strokeWidth="2" />
    </g>
  ),
  CHERRY: (
    <g>
      <path d="M22 40c2-12 8-22 20-30M44 42c-2-10-2-20-2-32" fill="none" stroke="#84cc16" strokeWidth="3" strokeLinecap="round" />
      <circle cx="21" cy="44" r="11" fill="#f43f5e" stroke="#ffe4e6" strokeWidth="2" />
      <circle cx="44" cy="46" r="10" fill="#e11d48" stroke="#ffe4e6" strokeWidth="2" />
    </g>
  ),
  LEMON: (
    <g>
      <ellipse cx="32" cy="33" rx="23" ry="16" fill="#facc15" stroke="#fef9c3" strokeWidth="2" transform="rotate(-20 32 33)" />
      <path d="M48 17l5-5" stroke="#84cc16" strokeWidth="3" strokeLinecap="round" />
    </g>
  ),
  GRAPE: (
    <g fill="#a855f7" stroke="#f3e8ff" strokeWidth="1.6">
      <circle cx="24" cy="22" r="8" />
      <circle cx="40" cy="22" r="8" />
      <circle cx="32" cy="33" r="8" />
      <circle cx="18" cy="35" r="7" />
      <circle cx="46" cy="35" r="7" />
      <circle cx="25" cy="46" r="7" />
      <circle cx="39" cy="46" r="7" />
      <path d="M32 14V5" stroke="#84cc16" strokeWidth="3" strokeLinecap="round" />
    </g>
  ),
}
