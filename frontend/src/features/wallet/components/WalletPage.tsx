import { BalancePanel } from '../../../components/Balance.tsx'
import { PagesFooter } from '../../../components/PagesFooter.tsx'
import { PageTitle, Panel } from '../../../components/Panel.tsx'
import { formatNumber, formatTime, useMessages } from '../../../lib/i18n/i18n.ts'
import { roundOf } from '../../../lib/ledger.ts'
import { href } from '../../../lib/router.ts'
import { useTitle } from '../../../lib/useTitle.ts'
import { usePrefs } from '../../../stores/prefs.ts'
import { useHistory } from '../hooks/useHistory.ts'
import { walletMessages } from '../messages.ts'

export default function WalletPage() {
  const t = useMessages(walletMessages)
  const lang = usePrefs((s) => s.lang)
  useTitle(t.title)
  const h = useHistory()
  const fmt = (n: number) => formatNumber(n, lang)

  return (
    <div className="flex flex-col gap-4">
      <PageTitle sub={t.sub}>{t.title}</PageTitle>
      <BalancePanel />
      <Panel aria-labelledby="history-h">
        <h2 id="history-h" className="mb-3 font-display text-sm font-bold uppercase tracking-widest text-neon">
          {t.history}
        </h2>
        {h.entries.length === 0 && !h.loading && !h.error && <p className="text-dim">{t.empty}</p>}
        {h.entries.length > 0 && (
          <div className="-mx-4 overflow-x-auto sm:mx-0">
            <table className="w-full min-w-[20rem] text-sm" data-testid="history">
              <thead>
                <tr className="text-left text-xs uppercase tracking-wider text-dim">
                  <th scope="col" className="px-4 py-2 sm:px-2">{t.what}</th>
                  <th scope="col" className="px-2 py-2 text-right">{t.change}</th>
                  <th scope="col" className="hidden px-2 py-2 text-right sm:table-cell">{t.after}</th>
                  <th scope="col" className="hidden px-2 py-2 md:table-cell">{t.when}</th>
                </tr>
              </thead>
              <tbody>
                {h.entries.map((e) => (
                  <tr key={e.id} className="border-t border-line/60" data-testid="history-row">
                    <td className="px-4 py-2 sm:px-2">
                      <div className="font-semibold">{t.reasons[e.reason] ?? e.reason}</div>
                      <div className="text-xs text-dim md:hidden">{formatTime(e.at, lang)}</div>
                      {roundOf(e) && (
                        <a href={href(`/round/${e.ref}`)} className="text-xs text-neon underline underline-offset-2" aria-label={`${t.viewRound} ${e.ref}`}>
                          {t.round} {e.ref.slice(0, 8)}
                        </a>
                      )}
                    </td>
                    <td className={`px-2 py-2 text-right font-mono font-semibold ${e.delta >= 0 ? 'text-win' : 'text-bad'}`}>
                      {e.delta >= 0 ? '+' : '−'}
                      {fmt(Math.abs(e.delta))} <span className="text-xs font-normal text-dim">{t.currency[e.currency] ?? e.currency}</span>
                    </td>
                    <td className="hidden px-2 py-2 text-right font-mono sm:table-cell">{fmt(e.balance_after)}</td>
                    <td className="hidden px-2 py-2 text-dim md:table-cell">{formatTime(e.at, lang)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
        <PagesFooter pages={h} more={t.more} end={t.end} testId="history" />
      </Panel>
    </div>
  )
}
