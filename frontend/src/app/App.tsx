import { lazy, Suspense, useEffect, type ComponentType, type LazyExoticComponent } from 'react'
import { LazyMotion, MotionConfig } from 'motion/react'

import { common } from '../lib/i18n/common.ts'
import { useMessages } from '../lib/i18n/i18n.ts'
import { href, navigate, useRoute } from '../lib/router.ts'
import { usePrefs } from '../stores/prefs.ts'
import { useSession } from '../stores/session.ts'
import LandingPage from '../features/auth/components/LandingPage.tsx'
import LoginPage from '../features/auth/components/LoginPage.tsx'
import RegisterPage from '../features/auth/components/RegisterPage.tsx'
import { Layout } from './Layout.tsx'

const motionFeatures = () => import('./motionFeatures.ts').then((m) => m.default)

/* Pages behind the login load on demand: the landing page stays small. A new feature is a
 * folder under features/ and one line here. */
const PAGES: Record<string, LazyExoticComponent<ComponentType>> = {
  lobby: lazy(() => import('../features/lobby/components/LobbyPage.tsx')),
  slot: lazy(() => import('../features/slot/components/SlotPage.tsx')),
  roulette: lazy(() => import('../features/roulette/components/RoulettePage.tsx')),
  rps: lazy(() => import('../features/rps/components/RpsPage.tsx')),
  wallet: lazy(() => import('../features/wallet/components/WalletPage.tsx')),
  fair: lazy(() => import('../features/fairness/components/FairnessPage.tsx')),
  round: lazy(() => import('../features/fairness/components/RoundPage.tsx')),
  gacha: lazy(() => import('../features/gacha/components/GachaPage.tsx')),
  inventory: lazy(() => import('../features/inventory/components/InventoryPage.tsx')),
  shop: lazy(() => import('../features/shop/components/ShopPage.tsx')),
}

export function App() {
  const { lang, theme } = usePrefs()
  const status = useSession((s) => s.status)
  const route = useRoute()
  const page = route.parts[0] ?? ''

  useEffect(() => {
    document.documentElement.lang = lang
    document.documentElement.dataset.theme = theme
    document.querySelector('meta[name="theme-color"]')?.setAttribute('content', theme === 'dark' ? '#07070f' : '#f3f2fb')
  }, [lang, theme])

  // Logged in: the auth pages lead on (to the page first asked for, or the lobby). Logged
  // out: the pages behind the login lead to it, remembering where the player was going.
  const next = route.query.get('next')
  useEffect(() => {
    if (status === 'authenticated' && (page === '' || page === 'login' || page === 'register')) navigate(next && next.startsWith('/') ? next : '/lobby', true)
    if (status === 'anonymous' && page in PAGES) navigate(`/login?next=${encodeURIComponent(route.path)}`, true)
  }, [status, page, next, route.path])

  let content
  if (status === 'starting') content = <Splash />
  else if (status === 'anonymous') content = page === 'login' ? <LoginPage /> : page === 'register' ? <RegisterPage /> : page === '' ? <LandingPage /> : <Splash />
  else {
    const Page = PAGES[page]
    content = Page ? <Page /> : page === '' || page === 'login' || page === 'register' ? <Splash /> : <NotFound />
  }

  return (
    <MotionConfig reducedMotion="user">
      <LazyMotion features={motionFeatures} strict>
        <Layout>
          <Suspense fallback={<Splash />}>{content}</Suspense>
        </Layout>
      </LazyMotion>
    </MotionConfig>
  )
}

function Splash() {
  const t = useMessages(common)
  return (
    <div role="status" className="flex min-h-[50dvh] flex-col items-center justify-center gap-4 text-dim">
      <span aria-hidden="true" className="size-10 animate-spin rounded-full border-4 border-neon border-t-transparent" />
      {t.loading}
    </div>
  )
}

function NotFound() {
  const t = useMessages(common)
  return (
    <div className="flex flex-col items-center gap-4 py-16 text-center">
      <h1 className="font-display text-3xl font-bold hot-text">404</h1>
      <p>{t.notFound}</p>
      <a className="text-neon underline underline-offset-4" href={href('/lobby')}>
        {t.backToLobby}
      </a>
    </div>
  )
}
