import { useRef, useState } from 'react'

import { BalancePanel } from '../../../components/Balance.tsx'
import { Button } from '../../../components/Button.tsx'
import { Dialog } from '../../../components/Dialog.tsx'
import { ErrorText } from '../../../components/ErrorText.tsx'
import { FieldError } from '../../../components/Field.tsx'
import { RarityBadge } from '../../../components/game/Rarity.tsx'
import { LoadState } from '../../../components/LoadState.tsx'
import { PageTitle } from '../../../components/Panel.tsx'
import { Price } from '../../../components/Price.tsx'
import { common } from '../../../lib/i18n/common.ts'
import { formatNumber, useMessages } from '../../../lib/i18n/i18n.ts'
import { isClubError } from '../../../lib/protocol/errors.ts'
import type { ShopOffer } from '../../../lib/protocol/types.ts'
import { useOp } from '../../../lib/useOp.ts'
import { useTitle } from '../../../lib/useTitle.ts'
import { usePrefs } from '../../../stores/prefs.ts'
import { useSession } from '../../../stores/session.ts'
import { useToasts } from '../../../stores/toasts.ts'
import { useBuy } from '../hooks/useBuy.ts'
import { grantLines } from '../lib/grants.ts'
import { shopMessages } from '../messages.ts'

/** shop.catalog as cards; Buy opens a confirm dialog, and the toast says what was granted. */
export default function ShopPage() {
  const t = useMessages(shopMessages)
  useTitle(t.title)
  const catalog = useOp('shop.catalog')
  const [open, setOpen] = useState<ShopOffer | null>(null)

  if (!catalog.data) return <LoadState error={catalog.error} reload={catalog.reload} />
  const offers = catalog.data.offers

  return (
    <div className="flex flex-col gap-4">
      <PageTitle sub={t.sub}>{t.title}</PageTitle>
      <BalancePanel />
      {offers.length === 0 ? (
        <p className="text-dim">{t.empty}</p>
      ) : (
        <ul className="grid gap-4 sm:grid-cols-2 lg:grid-cols-3">
          {offers.map((o) => (
            <OfferCard key={o.sku} offer={o} onBuy={() => setOpen(o)} />
          ))}
        </ul>
      )}
      {open && <ConfirmBuy offer={open} onClose={() => setOpen(null)} />}
    </div>
  )
}

function Grants({ offer }: { offer: ShopOffer }) {
  const lang = usePrefs((s) => s.lang)
  const t = useMessages(shopMessages)
  const fmt = (n: number) => formatNumber(n, lang)
  const g = offer.grants
  return (
    <ul className="flex flex-col gap-1 text-sm">
      {grantLines({ coins: g.coins, gems: g.gems }, t, fmt).map((line) => (
        <li key={line} className="font-semibold text-win">
          {line}
        </li>
      ))}
      {(g.items ?? []).map((it) => (
        <li key={it.item_id} className="flex flex-wrap items-center gap-2">
          <RarityBadge rarity={it.rarity} />
          <span>{t.item(it.name, fmt(it.qty))}</span>
        </li>
      ))}
    </ul>
  )
}

function OfferCard({ offer, onBuy }: { offer: ShopOffer; onBuy: () => void }) {
  const t = useMessages(shopMessages)
  return (
    <li data-testid={`offer-${offer.sku}`} className="flex flex-col gap-3 rounded-2xl border border-line bg-panel p-4 transition hover:border-neon">
      <h2 className="font-display text-base font-bold uppercase tracking-widest">{offer.name}</h2>
      <div className="flex-1">
        <p className="mb-1 text-xs font-semibold uppercase tracking-widest text-dim">{t.grants}</p>
        <Grants offer={offer} />
      </div>
      <div className="flex items-center justify-between gap-2 border-t border-line pt-3">
        <span className="text-gold">
          <span className="sr-only">{t.price}: </span>
          <Price currency={offer.price.currency} amount={offer.price.amount} size={18} />
        </span>
        <Button onClick={onBuy} aria-label={t.buyOf(offer.name)} data-testid={`buy-${offer.sku}`} aria-haspopup="dialog">
          {t.buy}
        </Button>
      </div>
    </li>
  )
}

function ConfirmBuy({ offer, onClose }: { offer: ShopOffer; onClose: () => void }) {
  const t = useMessages(shopMessages)
  const c = useMessages(common)
  const lang = usePrefs((s) => s.lang)
  const latest = useSession((s) => s.latest)
  const { buy, busy, error, pending } = useBuy()
  const cancel = useRef<HTMLButtonElement>(null)
  const fmt = (n: number) => formatNumber(n, lang)
  const { currency, amount } = offer.price
  const have = latest ? latest[currency] : null
  const short = have !== null && have < amount
  const retry = pending(offer.sku) && !busy

  const confirm = async () => {
    const d = await buy(offer.sku)
    if (!d) return
    onClose()
    const got = grantLines(d.granted, t, fmt)
    useToasts.getState().show(t.bought(offer.name, got.length ? got.join(', ') : t.nothing), 'good')
  }

  return (
    <Dialog title={t.confirmTitle(offer.name)} onClose={() => !busy && onClose()} initialFocus={cancel} testId="buy-dialog">
      <dl className="grid gap-3 text-sm">
        <div>
          <dt className="text-xs font-semibold uppercase tracking-widest text-dim">{t.youPay}</dt>
          <dd className="text-lg text-gold">
            <Price currency={currency} amount={amount} size={18} />
          </dd>
        </div>
        <div>
          <dt className="text-xs font-semibold uppercase tracking-widest text-dim">{t.grants}</dt>
          <dd>
            <Grants offer={offer} />
          </dd>
        </div>
        {latest && !short && (
          <div>
            <dt className="text-xs font-semibold uppercase tracking-widest text-dim">{t.after}</dt>
            <dd className="flex flex-wrap gap-3" data-testid="buy-after">
              <Price currency="coins" amount={latest.coins - (currency === 'coins' ? amount : 0) + (offer.grants.coins ?? 0)} />
              <Price currency="gems" amount={latest.gems - (currency === 'gems' ? amount : 0) + (offer.grants.gems ?? 0)} />
            </dd>
          </div>
        )}
      </dl>
      {short && <FieldError id="buy-short">{c.notEnoughOf(currency)}</FieldError>}
      {error !== null && (isClubError(error, 'INSUFFICIENT_FUNDS') ? <FieldError id="buy-error">{c.notEnoughOf(currency)}</FieldError> : <ErrorText error={error} id="buy-error" />)}
      {retry && (
        <p className="text-sm text-gold" data-testid="buy-retry-hint">
          {t.retryHint}
        </p>
      )}
      <div className="flex flex-col-reverse gap-2 sm:flex-row sm:justify-end">
        <Button ref={cancel} variant="ghost" onClick={onClose} disabled={busy} data-testid="buy-cancel">
          {t.cancel}
        </Button>
        <Button variant="hot" busy={busy} disabled={short} onClick={() => void confirm()} data-testid="buy-confirm" aria-describedby={short ? 'buy-short' : error ? 'buy-error' : undefined}>
          {busy ? t.buying : retry ? t.retry : t.confirm}
        </Button>
      </div>
    </Dialog>
  )
}
