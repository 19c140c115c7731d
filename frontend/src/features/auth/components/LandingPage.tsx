import * as m from 'motion/react-m'

import { SlotSymbol } from '../../../components/game/SlotSymbol.tsx'
import { ShieldIcon, SlotIcon, WheelIcon } from '../../../components/icons.tsx'
import { useMessages } from '../../../lib/i18n/i18n.ts'
import { href } from '../../../lib/router.ts'
import { useTitle } from '../../../lib/useTitle.ts'
import { authMessages } from '../messages.ts'

export default function LandingPage() {
  const t = useMessages(authMessages)
  useTitle('')
  const features = [
    { icon: <SlotIcon size={28} />, title: t.feature1, sub: t.feature1Sub },
    { icon: <WheelIcon size={28} />, title: t.feature2, sub: t.feature2Sub },
    { icon: <ShieldIcon size={28} />, title: t.feature3, sub: t.feature3Sub },
  ]
  return (
    <div className="relative isolate overflow-hidden">
      <div aria-hidden="true" className="grid-floor pointer-events-none absolute inset-x-0 top-40 -z-10 h-96 [transform:perspective(420px)_rotateX(60deg)]" />
      <section className="flex flex-col items-center gap-6 py-8 text-center sm:py-16">
        <m.div
          aria-hidden="true"
          className="flex gap-2 sm:gap-3"
          initial={{ opacity: 0, y: -12 }}
          animate={{ opacity: 1, y: 0 }}
          transition={{ duration: 0.6 }}
        >
          {(['SEVEN', 'WILD', 'SEVEN'] as const).map((s, i) => (
            <span key={i} className="glow flex size-16 items-center justify-center rounded-xl border border-neon/60 bg-panel sm:size-20">
              <SlotSymbol symbol={s} className="size-12 sm:size-14" />
            </span>
          ))}
        </m.div>
        <h1 className="font-display text-4xl font-bold uppercase leading-tight tracking-widest sm:text-6xl">
          <span className="neon-text">Casino</span>
          <span className="hot-text">·Club</span>
        </h1>
        <p className="font-display text-lg uppercase tracking-[0.3em] text-ink sm:text-xl">{t.heroTitle}</p>
        <p className="max-w-xl text-dim">{t.heroSub}</p>
        <div className="flex w-full max-w-xl flex-col gap-3 sm:flex-row">
          <a href={href('/register')} data-testid="cta-register" className="glow-hot inline-flex min-h-14 flex-1 items-center justify-center whitespace-nowrap rounded-lg bg-hot px-6 text-lg font-bold text-bg hover:brightness-110">
            {t.haveInvite}
          </a>
          <a href={href('/login')} data-testid="cta-login" className="inline-flex min-h-14 flex-1 items-center justify-center whitespace-nowrap rounded-lg border border-neon px-6 text-lg font-bold text-neon hover:bg-neon hover:text-neon-ink">
            {t.haveAccount}
          </a>
        </div>
      </section>
      <ul className="grid gap-4 pb-8 sm:grid-cols-3">
        {features.map((f) => (
          <li key={f.title} className="rounded-2xl border border-line bg-panel/80 p-5 backdrop-blur">
            <div className="mb-2 text-neon">{f.icon}</div>
            <h2 className="font-display text-sm font-bold uppercase tracking-widest">{f.title}</h2>
            <p className="mt-1 text-sm text-dim">{f.sub}</p>
          </li>
        ))}
      </ul>
    </div>
  )
}
