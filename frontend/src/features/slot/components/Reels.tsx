import { useEffect, useLayoutEffect, useMemo, useRef, useState } from 'react'
import { useAnimate } from 'motion/react-mini'

import { SlotSymbol } from '../../../components/game/SlotSymbol.tsx'
import { gameMessages } from '../../../components/game/messages.ts'
import { findStop, winningCells } from '../../../lib/games/slot.ts'
import { useMessages } from '../../../lib/i18n/i18n.ts'
import { useReducedMotion } from '../../../lib/motion.ts'
import type { SlotInfo, SlotLineWin, SlotSymbol as Sym } from '../../../lib/protocol/types.ts'
import { buildTape, LINE_COLORS, tapeOffset, type ReelTarget, type Tape } from '../lib/tape.ts'
import { slotMessages } from '../messages.ts'

interface ReelsProps {
  info: SlotInfo
  /** The columns on show when idle. */
  columns: Sym[][]
  /** An outcome to land on; a new id starts a spin. */
  target: ReelTarget | null
  lines: SlotLineWin[]
  onLanded: (id: string) => void
}

export function Reels({ info, columns, target, lines, onLanded }: ReelsProps) {
  const t = useMessages(slotMessages)
  const g = useMessages(gameMessages)
  const reduced = useReducedMotion()
  const [scope, animate] = useAnimate<HTMLDivElement>()
  const [landedId, setLandedId] = useState<string | null>(null)
  const landed = useRef(onLanded)
  useEffect(() => {
    landed.current = onLanded
  })

  // A target not landed yet: tapes from what is on show (columns only change on landing) to
  // the server's columns. With reduced motion there are none: the reels jump.
  const pending = target !== null && target.id !== landedId
  const tapes = useMemo(() => {
    if (!pending || !target || reduced) return null
    const next = target.columns.map((col, i) => {
      const strip = info.reels[i] ?? []
      return buildTape(strip, columns[i] ?? col, col, findStop(strip, col), strip.length + 6 + i * 5)
    })
    return { id: target.id, tapes: next }
  }, [pending, target, reduced, info, columns])

  // Run the tapes down, reel by reel, then report the landing.
  useLayoutEffect(() => {
    if (!pending || !target) return
    const id = target.id
    let live = true
    const finish = () => {
      if (!live) return
      setLandedId(id)
      landed.current(id)
    }
    if (!tapes) {
      finish()
      return
    }
    const runs = tapes.tapes.map((tape, i) => {
      const el = scope.current?.querySelector<HTMLElement>(`[data-tape="${i}"]`)
      if (!el) return Promise.resolve()
      return animate(el, { transform: [`translateY(${tapeOffset(tape, tape.distance)})`, 'translateY(0%)'] }, { duration: 0.9 + i * 0.28, ease: [0.25, 0.9, 0.35, 1.06] })
    })
    void Promise.all(runs).then(finish)
    return () => {
      live = false
    }
  }, [pending, target, tapes, animate, scope])

  const spinning = tapes !== null
  const win = spinning ? new Set<string>() : winningCells(info.paylines, lines)
  const description = columns.map((col, i) => t.reel(i + 1, col.map((s) => g.symbols[s]).join(', '))).join('; ')

  return (
    <div className="relative">
      <div
        ref={scope}
        role="group"
        aria-label={t.reels}
        aria-busy={spinning}
        aria-describedby="reels-desc"
        data-testid="reels"
        data-state={spinning ? 'spinning' : 'idle'}
        className="relative grid grid-cols-5 overflow-hidden rounded-2xl border-2 border-neon/70 bg-[#05050c] glow"
      >
        {columns.map((col, i) => (
          <div key={i} className="relative aspect-[1/3] overflow-hidden border-x border-line/60" data-testid={`reel-${i}`}>
            {spinning ? (
              <div data-tape={i} aria-hidden="true" className="absolute inset-x-0 top-0 flex flex-col will-change-transform" style={{ transform: `translateY(${tapeOffset(tapes.tapes[i] as Tape, (tapes.tapes[i] as Tape).distance)})` }}>
                {(tapes.tapes[i] as Tape).cells.map((s, j) => (
                  <div key={j} className="flex aspect-square items-center justify-center p-[12%] blur-[0.4px]">
                    <SlotSymbol symbol={s} className="size-full" />
                  </div>
                ))}
              </div>
            ) : (
              <div className="flex h-full flex-col">
                {col.map((s, row) => {
                  const hit = win.has(`${i}:${row}`)
                  return (
                    <div key={row} data-symbol={s} data-win={hit || undefined} className={`flex aspect-square items-center justify-center p-[12%] ${hit ? 'win-pulse bg-win/10' : lines.length ? 'opacity-60' : ''}`}>
                      <SlotSymbol symbol={s} className="size-full" />
                    </div>
                  )
                })}
              </div>
            )}
          </div>
        ))}
        <div aria-hidden="true" className="pointer-events-none absolute inset-0 bg-[linear-gradient(to_bottom,rgb(0_0_0/0.55),transparent_22%,transparent_78%,rgb(0_0_0/0.55))]" />
        {!spinning && lines.length > 0 && (
          <svg aria-hidden="true" className="pointer-events-none absolute inset-0 size-full" viewBox="0 0 5 3" preserveAspectRatio="none">
            {lines.map((l) => {
              const rows = info.paylines[l.line] ?? []
              const pts = rows.map((row, reel) => `${reel + 0.5},${row + 0.5}`).join(' ')
              return (
                <polyline key={l.line} points={pts} fill="none" stroke={LINE_COLORS[l.line % LINE_COLORS.length]} strokeWidth={4} strokeLinejoin="round" strokeLinecap="round" vectorEffect="non-scaling-stroke" opacity={0.9} style={{ filter: `drop-shadow(0 0 4px ${LINE_COLORS[l.line % LINE_COLORS.length]})` }} />
              )
            })}
          </svg>
        )}
      </div>
      <p id="reels-desc" className="sr-only">
        {description}
      </p>
    </div>
  )
}
