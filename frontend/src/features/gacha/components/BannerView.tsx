import { Button } from '../../../components/Button.tsx'
import { ErrorText } from '../../../components/ErrorText.tsx'
import { FieldError } from '../../../components/Field.tsx'
import { Panel } from '../../../components/Panel.tsx'
import { Price } from '../../../components/Price.tsx'
import { common } from '../../../lib/i18n/common.ts'
import { useMessages } from '../../../lib/i18n/i18n.ts'
import { isClubError } from '../../../lib/protocol/errors.ts'
import type { GachaBanner, PlayerPity } from '../../../lib/protocol/types.ts'
import { href } from '../../../lib/router.ts'
import { useSession } from '../../../stores/session.ts'
import type { PullCount, useGachaPull } from '../hooks/useGachaPull.ts'
import { gachaMessages } from '../messages.ts'
import { Disclosure } from './Disclosure.tsx'
import { PityMeter } from './PityMeter.tsx'
import { Reveal } from './Reveal.tsx'

/** One banner: the player's pity, the pull buttons with their cost and the reveal on one
 * side, the disclosure (rates, effective rate, pity rules, pools) on the other. */
export function BannerView({ banner, pity, puller }: { banner: GachaBanner; pity: PlayerPity; puller: ReturnType<typeof useGachaPull> }) {
  const t = useMessages(gachaMessages)
  const c = useMessages(common)
  const latest = useSession((s) => s.latest)
  const { currency, amount } = banner.cost
  const have = latest ? latest[currency] : null
  const currencyName = currency === 'gems' ? c.gems : c.coins
  const result = puller.result?.banner_id === banner.id ? puller.result : null
  const error = puller.error?.banner === banner.id ? puller.error.error : null
  const busy = puller.busy?.banner === banner.id ? puller.busy.count : null
  const anyBusy = puller.busy !== null
  const short = (count: PullCount) => have !== null && have < amount * count
  const uncertain = ([1, 10] as const).some((n) => puller.pending(banner.id, n))

  return (
    <div className="grid gap-4 lg:grid-cols-[minmax(0,1fr)_24rem]">
      <Panel aria-labelledby="banner-h" className="flex flex-col gap-4">
        <header className="flex flex-wrap items-start justify-between gap-2">
          <div>
            <h2 id="banner-h" className="font-display text-xl font-bold uppercase tracking-widest hot-text">
              {banner.name}
            </h2>
            {banner.featured && <p className="text-sm text-gold">★ {t.featuredItem(banner.featured.name)}</p>}
          </div>
        </header>

        <PityMeter banner={banner} pity={pity} />

        <div className="grid grid-cols-2 gap-3">
          {([1, 10] as const).map((n) => (
            <Button
              key={n}
              variant={n === 10 ? 'hot' : 'primary'}
              className="flex-col gap-0 py-2 font-display uppercase tracking-wider sm:text-lg sm:tracking-widest"
              busy={busy === n}
              disabled={anyBusy || short(n)}
              onClick={() => void puller.pull(banner.id, n)}
              data-testid={`pull-${n}`}
              aria-describedby={short(n) ? 'pull-funds' : error ? 'pull-error' : undefined}
            >
              <span>{busy === n ? t.pulling : n === 1 ? t.pull1 : t.pull10}</span>
              <span className="text-sm normal-case tracking-normal">
                <Price currency={currency} amount={amount * n} size={14} />
              </span>
            </Button>
          ))}
        </div>
        {short(1) && (
          <div className="flex flex-wrap items-center gap-3">
            <FieldError id="pull-funds">{t.needMore(currencyName)}</FieldError>
            {currency === 'gems' && (
              <a href={href('/shop')} className="text-sm text-neon underline underline-offset-4">
                {t.getGems}
              </a>
            )}
          </div>
        )}
        {error !== null && (isClubError(error, 'INSUFFICIENT_FUNDS') ? <FieldError id="pull-error">{c.notEnoughOf(currency)}</FieldError> : <ErrorText error={error} id="pull-error" />)}
        {uncertain && !anyBusy && (
          <p className="text-sm text-gold" data-testid="pull-retry-hint">
            {t.retryHint}
          </p>
        )}

        {result && (
          <section aria-labelledby="result-h" className="flex flex-col gap-3 border-t border-line pt-4">
            <h3 id="result-h" className="text-xs font-semibold uppercase tracking-widest text-dim">
              {t.resultTitle}
            </h3>
            <Reveal key={result.round_id} items={result.items} />
            <a href={href(`/round/${result.round_id}`)} className="self-start text-sm text-neon underline underline-offset-4" data-testid="pull-round-link">
              {t.proof}
            </a>
          </section>
        )}
      </Panel>
      <Panel>
        <Disclosure banner={banner} pity={pity} />
      </Panel>
    </div>
  )
}
