import { SlotSymbol } from '../../../components/game/SlotSymbol.tsx'
import { gameMessages } from '../../../components/game/messages.ts'
import { formatNumber, useMessages } from '../../../lib/i18n/i18n.ts'
import type { SlotInfo, SlotSymbol as Sym } from '../../../lib/protocol/types.ts'
import { usePrefs } from '../../../stores/prefs.ts'
import { slotMessages } from '../messages.ts'

export function Paytable({ info }: { info: SlotInfo }) {
  const t = useMessages(slotMessages)
  const g = useMessages(gameMessages)
  const lang = usePrefs((s) => s.lang)
  const bySymbol = new Map<Sym, Map<number, number>>()
  for (const p of info.paytable) {
    if (!bySymbol.has(p.symbol)) bySymbol.set(p.symbol, new Map())
    bySymbol.get(p.symbol)?.set(p.count, p.multiplier)
  }
  const counts = [...new Set(info.paytable.map((p) => p.count))].sort()
  return (
    <details className="group rounded-xl border border-line bg-panel-2/50 p-3">
      <summary className="cursor-pointer font-display text-sm font-bold uppercase tracking-widest text-neon">{t.paytable}</summary>
      <p className="mt-2 text-xs text-dim">{t.multiplierNote}</p>
      <table className="mt-2 w-full text-sm">
        <thead>
          <tr className="text-dim">
            <th scope="col" className="py-1 text-left font-semibold">
              <span className="sr-only">{t.symbol}</span>
            </th>
            {counts.map((c) => (
              <th key={c} scope="col" className="py-1 text-right font-semibold">
                {t.paysFor(c)}
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {[...bySymbol].map(([sym, pays]) => (
            <tr key={sym} className="border-t border-line/60">
              <th scope="row" className="flex items-center gap-2 py-1 text-left font-normal">
                <SlotSymbol symbol={sym} className="size-7" />
                {g.symbols[sym]}
              </th>
              {counts.map((c) => (
                <td key={c} className="py-1 text-right font-mono">
                  {pays.has(c) ? `×${formatNumber(pays.get(c) ?? 0, lang)}` : '–'}
                </td>
              ))}
            </tr>
          ))}
        </tbody>
      </table>
      <p className="mt-2 text-xs text-dim">{t.rtp(`${(info.rtp * 100).toFixed(2)}%`)}</p>
    </details>
  )
}
