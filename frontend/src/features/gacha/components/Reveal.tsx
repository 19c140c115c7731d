import { useEffect, useState } from 'react'
import type { TargetAndTransition } from 'motion/react'
import * as m from 'motion/react-m'

import { Button } from '../../../components/Button.tsx'
import { gameMessages } from '../../../components/game/messages.ts'
import { ItemArt, RarityBadge } from '../../../components/game/Rarity.tsx'
import { rarityTone } from '../../../components/game/rarityTone.ts'
import { rarityTier } from '../../../lib/games/rarity.ts'
import { useMessages } from '../../../lib/i18n/i18n.ts'
import { useReducedMotion } from '../../../lib/motion.ts'
import type { PulledItem } from '../../../lib/protocol/types.ts'
import { gachaMessages } from '../messages.ts'

/* How each tier enters, commonest first: a rarer item waits a beat longer before it shows
 * (suspense) and arrives with more (a flip, a bigger scale, a flash of gold). */
interface Entrance {
  initial: TargetAndTransition
  animate: TargetAndTransition
  duration: number
  suspense: number
}

const ENTRANCE: readonly Entrance[] = [
  { initial: { opacity: 0, y: 14 }, animate: { opacity: 1, y: 0 }, duration: 0.25, suspense: 0 },
  { initial: { opacity: 0, rotateY: 90, scale: 0.9 }, animate: { opacity: 1, rotateY: 0, scale: 1 }, duration: 0.45, suspense: 0.05 },
  { initial: { opacity: 0, rotateY: 180, scale: 1.3 }, animate: { opacity: 1, rotateY: 0, scale: 1 }, duration: 0.7, suspense: 0.3 },
  { initial: { opacity: 0, scale: 0.2, rotate: -14 }, animate: { opacity: 1, scale: [0.2, 1.2, 1], rotate: 0 }, duration: 1.1, suspense: 0.8 },
]
const GAP = 0.14

function entranceOf(rarity: string): Entrance {
  return (ENTRANCE[rarityTier(rarity)] ?? ENTRANCE[0]) as Entrance
}

/** When each card starts (s), and when the last one has landed. */
function schedule(items: readonly PulledItem[]): { delays: number[]; total: number } {
  let at = 0
  let total = 0
  const delays = items.map((it) => {
    const e = entranceOf(it.rarity)
    at += e.suspense
    const d = at
    total = Math.max(total, d + e.duration)
    at += GAP
    return d
  })
  return { delays, total }
}

/** The items of one pull round, revealed one by one (at once when the player asked the system
 * for less motion, or pressed "Show all"). Remount it (key) for every new round. */
export function Reveal({ items }: { items: readonly PulledItem[] }) {
  const t = useMessages(gachaMessages)
  const g = useMessages(gameMessages)
  const reduced = useReducedMotion()
  const [skipped, setSkipped] = useState(false)
  const [landed, setLanded] = useState(false)
  const animate = !reduced && !skipped
  const { delays, total } = schedule(items)
  const done = !animate || landed
  const legendaryAt = items.findIndex((it) => rarityTier(it.rarity) === 3)

  useEffect(() => {
    if (!animate) return
    const id = setTimeout(() => setLanded(true), total * 1000 + 50)
    return () => clearTimeout(id)
  }, [animate, total])

  const one = items.length === 1
  return (
    <div className="relative flex flex-col gap-3" data-testid="pull-result" data-state={done ? 'done' : 'revealing'} data-count={items.length}>
      {animate && legendaryAt >= 0 && (
        <m.div
          aria-hidden="true"
          className="pointer-events-none absolute -inset-4 z-10 rounded-3xl bg-[radial-gradient(circle,rgb(252_211_77/0.85),rgb(255_93_220/0.35)_45%,transparent_70%)]"
          initial={{ opacity: 0 }}
          animate={{ opacity: [0, 1, 0] }}
          transition={{ delay: (delays[legendaryAt] ?? 0) - 0.15, duration: 0.9, times: [0, 0.25, 1] }}
        />
      )}
      <ul className={one ? 'mx-auto grid w-full max-w-56 grid-cols-1' : 'grid grid-cols-2 gap-2 sm:grid-cols-5 sm:gap-3'} style={{ perspective: 900 }} aria-hidden={!done || undefined}>
        {items.map((it, i) => {
          const tier = rarityTier(it.rarity)
          const e = entranceOf(it.rarity)
          const card = <Card item={it} big={one} rays={animate && tier === 3} />
          return (
            <li key={i} data-testid="pull-item" data-rarity={it.rarity} data-item-id={it.item_id} data-featured={it.featured}>
              {animate ? (
                <m.div initial={e.initial} animate={e.animate} transition={{ delay: delays[i] ?? 0, duration: e.duration, ease: 'easeOut' }} className="h-full">
                  {card}
                </m.div>
              ) : (
                card
              )}
            </li>
          )
        })}
      </ul>
      {!done && (
        <div className="flex items-center justify-center gap-3">
          <span role="status" className="text-sm text-dim">
            {t.revealing}
          </span>
          <Button variant="ghost" size="sm" onClick={() => setSkipped(true)} data-testid="reveal-skip">
            {t.showAll}
          </Button>
        </div>
      )}
      <p className="sr-only" aria-live="polite">
        {done ? `${t.got(items.length)} ${items.map((it) => t.announceItem(g.rarities[it.rarity] ?? it.rarity, it.name, it.featured)).join(', ')}` : ''}
      </p>
    </div>
  )
}

function Card({ item, big, rays }: { item: PulledItem; big: boolean; rays: boolean }) {
  const t = useMessages(gachaMessages)
  const tone = rarityTone(item.rarity)
  return (
    <div className={`relative flex h-full flex-col items-center gap-2 overflow-hidden rounded-xl border-2 bg-panel p-2 text-center sm:p-3 ${tone.border} ${tone.glow}`}>
      {rays && (
        <span
          aria-hidden="true"
          className="pointer-events-none absolute left-1/2 top-1/2 size-[220%] -translate-x-1/2 -translate-y-1/2 animate-[spin_6s_linear_infinite] bg-[conic-gradient(from_0deg,transparent,rgb(252_211_77/0.35),transparent_25%,rgb(255_93_220/0.25),transparent_50%,rgb(252_211_77/0.35),transparent_75%)]"
        />
      )}
      <ItemArt name={item.name} rarity={item.rarity} className={`relative ${big ? 'size-24 text-3xl' : 'size-14 text-lg'}`} />
      <span className={`relative line-clamp-2 text-sm font-semibold ${big ? 'text-base' : ''}`}>{item.name}</span>
      <RarityBadge rarity={item.rarity} className="relative" />
      {item.featured && (
        <span className="relative rounded bg-gold px-1.5 text-[0.68rem] font-bold uppercase tracking-wider text-bg">
          <span aria-hidden="true">★ </span>
          {t.featured}
        </span>
      )}
    </div>
  )
}
