import { memo, useEffect, useRef } from 'react'
import { useAnimate } from 'motion/react-mini'

import { colorOf, WHEEL_ORDER } from '../../../lib/games/roulette.ts'
import { useReducedMotion } from '../../../lib/motion.ts'
import { nextAngle, STEP, type WheelTarget } from '../lib/wheel.ts'

const FILL = { red: 'var(--pocket-red)', black: 'var(--pocket-black)', green: 'var(--pocket-green)' } as const

function polar(r: number, deg: number): [number, number] {
  const a = ((deg - 90) * Math.PI) / 180
  return [100 + r * Math.cos(a), 100 + r * Math.sin(a)]
}

/** The static art: 37 wedges in wheel order, with their numbers. Drawn once. */
const WheelArt = memo(function WheelArt() {
  return (
    <g>
      <circle cx="100" cy="100" r="98" fill="#0b0b16" stroke="var(--neon)" strokeWidth="2" />
      {WHEEL_ORDER.map((n, i) => {
        const [x1, y1] = polar(92, (i - 0.5) * STEP)
        const [x2, y2] = polar(92, (i + 0.5) * STEP)
        const [x3, y3] = polar(60, (i + 0.5) * STEP)
        const [x4, y4] = polar(60, (i - 0.5) * STEP)
        const [tx, ty] = polar(81, i * STEP)
        return (
          <g key={n}>
            <path d={`M${x1},${y1} A92,92 0 0 1 ${x2},${y2} L${x3},${y3} A60,60 0 0 0 ${x4},${y4} Z`} fill={FILL[colorOf(n)]} stroke="#d4d4e8" strokeWidth="0.4" />
            <text x={tx} y={ty} fill="#fff" fontSize="7.5" fontWeight="700" textAnchor="middle" dominantBaseline="central" transform={`rotate(${i * STEP} ${tx} ${ty})`} fontFamily="ui-monospace, monospace">
              {n}
            </text>
          </g>
        )
      })}
      <circle cx="100" cy="100" r="60" fill="none" stroke="var(--neon)" strokeWidth="1" opacity="0.7" />
      <circle cx="100" cy="100" r="44" fill="#12122a" stroke="var(--hot)" strokeWidth="1.5" />
      {Array.from({ length: 8 }, (_, k) => {
        const [x, y] = polar(40, k * 45)
        return <line key={k} x1="100" y1="100" x2={x} y2={y} stroke="var(--hot)" strokeWidth="2" opacity="0.6" />
      })}
      <circle cx="100" cy="100" r="10" fill="var(--hot)" />
    </g>
  )
})

interface Props {
  target: WheelTarget | null
  label: string
  onLanded: (id: string) => void
}

export function Wheel({ target, label, onLanded }: Props) {
  const reduced = useReducedMotion()
  const [scope, animate] = useAnimate<HTMLDivElement>()
  const angle = useRef(0)
  const started = useRef<string | null>(null)
  const landed = useRef(onLanded)
  useEffect(() => {
    landed.current = onLanded
  })

  useEffect(() => {
    if (!target || started.current === target.id) return
    started.current = target.id
    const wheel = scope.current?.querySelector<SVGGElement>('[data-wheel]')
    const ball = scope.current?.querySelector<SVGGElement>('[data-ball]')
    const from = angle.current
    const to = nextAngle(from, target.number, reduced ? 0 : 4)
    angle.current = to
    if (reduced || !wheel || !ball) {
      if (wheel) wheel.style.transform = `rotate(${to}deg)`
      landed.current(target.id)
      return
    }
    const opts = { duration: 3.6, ease: [0.15, 0.75, 0.2, 1] as const }
    const runs = [
      animate(wheel, { transform: [`rotate(${from}deg)`, `rotate(${to}deg)`] }, opts),
      animate(ball, { transform: ['rotate(0deg)', 'rotate(-1440deg)'] }, opts),
    ]
    const id = target.id
    void Promise.all(runs).then(() => {
      wheel.style.transform = `rotate(${to}deg)`
      landed.current(id)
    })
  }, [target, reduced, animate, scope])

  return (
    <div ref={scope} className="relative mx-auto aspect-square w-full max-w-64 sm:max-w-80" data-testid="wheel">
      <svg viewBox="0 0 200 200" role="img" aria-label={label} className="size-full drop-shadow-[0_0_18px_rgb(34_211_238/0.35)]">
        <g data-wheel style={{ transformOrigin: '100px 100px', transformBox: 'view-box' }}>
          <WheelArt />
        </g>
        <g data-ball style={{ transformOrigin: '100px 100px', transformBox: 'view-box' }}>
          <circle cx="100" cy="15" r="4.5" fill="#fff" stroke="#0b0b16" strokeWidth="1" />
        </g>
        <path d="M93,0 L107,0 L100,12 Z" fill="var(--gold)" stroke="#0b0b16" strokeWidth="1" />
      </svg>
    </div>
  )
}
