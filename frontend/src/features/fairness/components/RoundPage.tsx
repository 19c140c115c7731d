import { Panel, PageTitle } from '../../../components/Panel.tsx'
import { useMessages } from '../../../lib/i18n/i18n.ts'
import { href, useRoute } from '../../../lib/router.ts'
import { useTitle } from '../../../lib/useTitle.ts'
import { fairMessages } from '../messages.ts'
import { RoundView } from './RoundView.tsx'

export default function RoundPage() {
  const t = useMessages(fairMessages)
  const id = useRoute().parts[1] ?? ''
  useTitle(t.roundTitle(id.slice(0, 8)))
  return (
    <div className="flex flex-col gap-4">
      <PageTitle>{t.roundTitle(id.slice(0, 8))}</PageTitle>
      <Panel>
        <RoundView key={id} roundId={id} />
      </Panel>
      <a href={href('/fair')} className="text-neon underline underline-offset-4">
        {t.backToRound}
      </a>
    </div>
  )
}
