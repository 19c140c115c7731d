import { useEffect, useRef, useState, type ReactNode } from 'react'

import { BalanceChips } from '../components/Balance.tsx'
import { Button } from '../components/Button.tsx'
import { BagIcon, CapsuleIcon, HandIcon, HomeIcon, LogoutIcon, MoonIcon, MoreIcon, ShieldIcon, ShopIcon, SlotIcon, SunIcon, WalletIcon, WheelIcon } from '../components/icons.tsx'
import { RankBadge } from '../components/RankBadge.tsx'
import { Toasts } from '../components/Toasts.tsx'
import { club } from '../lib/club.ts'
import { common } from '../lib/i18n/common.ts'
import { useMessages } from '../lib/i18n/i18n.ts'
import { href, navigate, useRoute } from '../lib/router.ts'
import { useDismiss } from '../lib/useDismiss.ts'
import { usePrefs } from '../stores/prefs.ts'
import { useSession } from '../stores/session.ts'
import { NotifyBell } from '../features/notify/components/NotifyBell.tsx'

/* The tabs. A phone's bottom bar has room for the `phone` ones and a "More" menu with the
 * rest; from 640 px wide every tab fits in the bar. */
const NAV = [
  { path: '/lobby', key: 'lobby', icon: HomeIcon, phone: true },
  { path: '/slot', key: 'slot', icon: SlotIcon, phone: true },
  { path: '/roulette', key: 'roulette', icon: WheelIcon, phone: false },
  { path: '/rps', key: 'rpsShort', icon: HandIcon, phone: false },
  { path: '/gacha', key: 'gacha', icon: CapsuleIcon, phone: true },
  { path: '/shop', key: 'shop', icon: ShopIcon, phone: true },
  { path: '/inventory', key: 'inventory', icon: BagIcon, phone: false },
  { path: '/wallet', key: 'wallet', icon: WalletIcon, phone: false },
  { path: '/fair', key: 'fairness', icon: ShieldIcon, phone: false },
] as const

export function Layout({ children }: { children: ReactNode }) {
  const t = useMessages(common)
  const route = useRoute()
  const user = useSession((s) => s.user)
  const mainRef = useRef<HTMLElement>(null)
  const first = useRef(true)
  const current = `/${route.parts[0] ?? 'lobby'}`

  // A new page: start at its top and put keyboard and screen-reader focus on it.
  useEffect(() => {
    if (first.current) {
      first.current = false
      return
    }
    window.scrollTo(0, 0)
    mainRef.current?.focus({ preventScroll: true })
  }, [route.path])

  return (
    <div className="flex min-h-dvh flex-col">
      <button type="button" className="sr-only-focusable fixed left-2 top-2 z-50 rounded bg-neon px-3 py-2 text-neon-ink" onClick={() => mainRef.current?.focus()}>
        {t.skip}
      </button>
      <header className="sticky top-0 z-30 border-b border-line bg-bg/85 backdrop-blur">
        <div className="mx-auto flex max-w-6xl items-center gap-2 px-3 py-2 sm:gap-4 sm:px-6">
          <a href={href(user ? '/lobby' : '/')} className="shrink-0 whitespace-nowrap font-display text-base font-bold uppercase tracking-widest sm:text-lg xl:text-xl" aria-label={t.brand}>
            <span aria-hidden="true" className="sm:hidden lg:inline xl:hidden">
              <span className="neon-text">C</span>
              <span className="hot-text">·C</span>
            </span>
            <span aria-hidden="true" className="hidden sm:inline lg:hidden xl:inline">
              <span className="neon-text">Casino</span>
              <span className="hot-text">·Club</span>
            </span>
          </a>
          {user && (
            <nav aria-label={t.nav} className="hidden flex-1 lg:block">
              <ul className="flex items-center gap-0.5">
                {NAV.map((n) => (
                  <li key={n.path}>
                    <a
                      href={href(n.path)}
                      aria-current={current === n.path ? 'page' : undefined}
                      data-testid={`nav-${n.path.slice(1)}`}
                      className="flex min-w-14 flex-col items-center gap-0.5 rounded-md px-1.5 py-1 text-[0.7rem] font-semibold text-dim hover:text-neon aria-[current=page]:bg-panel-2 aria-[current=page]:text-neon"
                    >
                      <n.icon size={18} />
                      {t[n.key]}
                    </a>
                  </li>
                ))}
              </ul>
            </nav>
          )}
          <div className="ml-auto flex items-center gap-2">
            {user && <BalanceChips compact />}
            {user && (
              <span className="hidden items-center gap-2 md:flex">
                <span className="max-w-32 truncate text-sm text-dim lg:hidden" data-testid="username">
                  {user.username}
                </span>
                <RankBadge rank={user.rank} />
              </span>
            )}
            {user && <NotifyBell />}
            <Settings />
          </div>
        </div>
      </header>
      <ConnectionBanner />
      <main ref={mainRef} id="main" tabIndex={-1} className="mx-auto w-full max-w-6xl flex-1 px-3 pb-24 pt-4 outline-none sm:px-6 lg:pb-10">
        {children}
      </main>
      {user && <BottomNav current={current} />}
      <Toasts />
    </div>
  )
}

/** The phone's tab bar: the main tabs and "More" (a menu with the rest) below 640 px, every
 * tab from there up to the desktop header. */
function BottomNav({ current }: { current: string }) {
  const t = useMessages(common)
  const [open, setOpen] = useState(false)
  const ref = useRef<HTMLElement>(null)
  const button = useRef<HTMLButtonElement>(null)
  const inMore = NAV.some((n) => !n.phone && n.path === current)
  const [shownFor, setShownFor] = useState(current)
  // A new page closes the menu.
  if (shownFor !== current) {
    setShownFor(current)
    setOpen(false)
  }

  useDismiss(open, ref, () => setOpen(false), button)

  const tab = 'flex min-h-14 flex-col items-center justify-center gap-0.5 px-0.5 text-[0.68rem] font-semibold text-dim aria-[current=page]:text-neon'
  return (
    <nav ref={ref} aria-label={t.nav} className="fixed inset-x-0 bottom-0 z-30 border-t border-line bg-bg/95 pb-[env(safe-area-inset-bottom)] backdrop-blur lg:hidden">
      {open && (
        <ul id="more-menu" className="absolute inset-x-2 bottom-full mb-2 grid grid-cols-3 gap-1 rounded-xl border border-line bg-panel p-2 shadow-2xl sm:hidden">
          {NAV.filter((n) => !n.phone).map((n) => (
            <li key={n.path}>
              <a href={href(n.path)} aria-current={current === n.path ? 'page' : undefined} data-testid={`more-${n.path.slice(1)}`} className={`${tab} rounded-lg hover:bg-panel-2`}>
                <n.icon size={20} />
                <span className="max-w-full truncate">{t[n.key]}</span>
              </a>
            </li>
          ))}
        </ul>
      )}
      <ul className="mx-auto grid max-w-2xl grid-cols-5 sm:grid-cols-9">
        {NAV.map((n) => (
          <li key={n.path} className={n.phone ? '' : 'hidden sm:block'}>
            <a href={href(n.path)} aria-current={current === n.path ? 'page' : undefined} data-testid={`tab-${n.path.slice(1)}`} className={tab}>
              <n.icon size={20} />
              <span className="max-w-full truncate">{t[n.key]}</span>
            </a>
          </li>
        ))}
        <li className="sm:hidden">
          <button
            ref={button}
            type="button"
            aria-expanded={open}
            aria-controls={open ? 'more-menu' : undefined}
            data-testid="tab-more"
            onClick={() => setOpen((o) => !o)}
            className={`${tab} w-full ${inMore || open ? 'text-neon' : ''}`}
          >
            <MoreIcon size={20} />
            <span>{t.more}</span>
          </button>
        </li>
      </ul>
    </nav>
  )
}

/** Language, theme and (when logged in) the account: a disclosure menu. */
function Settings() {
  const t = useMessages(common)
  const { lang, theme, setLang, setTheme } = usePrefs()
  const user = useSession((s) => s.user)
  const [open, setOpen] = useState(false)
  const ref = useRef<HTMLDivElement>(null)

  useDismiss(open, ref, () => setOpen(false))

  return (
    <div ref={ref} className="relative">
      <button
        type="button"
        aria-expanded={open}
        aria-controls="settings-menu"
        aria-label={`${t.language} / ${t.theme}${user ? ` / ${t.logout}` : ''}`}
        data-testid="settings"
        onClick={() => setOpen((o) => !o)}
        className="flex min-h-10 min-w-10 items-center justify-center rounded-lg border border-line bg-panel-2 px-2 text-sm font-bold text-ink hover:border-neon"
      >
        <span aria-hidden="true">{lang === 'ko' ? '한' : 'EN'}</span>
        <span aria-hidden="true" className="ml-1 text-dim">
          ▾
        </span>
      </button>
      {open && (
        <div id="settings-menu" className="absolute right-0 top-12 z-40 flex w-60 flex-col gap-3 rounded-xl border border-line bg-panel p-3 shadow-2xl">
          {user && (
            <div className="flex items-center justify-between gap-2 border-b border-line pb-3 md:hidden lg:flex">
              <span className="truncate text-sm">{user.username}</span>
              <RankBadge rank={user.rank} />
            </div>
          )}
          <fieldset>
            <legend className="mb-1 text-xs font-semibold uppercase tracking-wider text-dim">{t.language}</legend>
            <div className="grid grid-cols-2 gap-1">
              {(['ko', 'en'] as const).map((l) => (
                <button
                  key={l}
                  type="button"
                  lang={l}
                  aria-pressed={lang === l}
                  data-testid={`lang-${l}`}
                  onClick={() => setLang(l)}
                  className="min-h-10 rounded-md border border-line text-sm font-semibold aria-pressed:border-neon aria-pressed:bg-neon aria-pressed:text-neon-ink"
                >
                  {l === 'ko' ? '한국어' : 'English'}
                </button>
              ))}
            </div>
          </fieldset>
          <Button variant="ghost" size="sm" onClick={() => setTheme(theme === 'dark' ? 'light' : 'dark')}>
            {theme === 'dark' ? <SunIcon size={16} /> : <MoonIcon size={16} />}
            {theme === 'dark' ? t.themeLight : t.themeDark}
          </Button>
          {user && (
            <Button
              variant="danger"
              size="sm"
              data-testid="logout"
              onClick={() => {
                setOpen(false)
                void club.logout().then(() => navigate('/', true))
              }}
            >
              <LogoutIcon size={16} />
              {t.logout}
            </Button>
          )}
        </div>
      )}
    </div>
  )
}

/** Shown while the link is down; the client reconnects by itself, this says when. */
function ConnectionBanner() {
  const t = useMessages(common)
  const conn = useSession((s) => s.conn)
  const [now, setNow] = useState(() => Date.now())
  const down = conn.state !== 'online' && conn.attempt > 0

  useEffect(() => {
    if (!down) return
    const id = setInterval(() => setNow(Date.now()), 500)
    return () => clearInterval(id)
  }, [down])

  if (!down) return null
  const secs = conn.retryAt ? Math.max(0, Math.ceil((conn.retryAt - now) / 1000)) : 0
  return (
    <div role="status" data-testid="connection-banner" className="flex items-center justify-center gap-3 border-b border-gold/50 bg-panel-2 px-3 py-2 text-sm text-gold">
      <span>{conn.state === 'connecting' ? t.connecting : t.reconnecting(secs)}</span>
      {conn.state === 'offline' && (
        <button type="button" className="rounded border border-gold px-2 py-0.5 font-semibold" onClick={() => club.reconnectNow()}>
          {t.retryNow}
        </button>
      )}
    </div>
  )
}
