import { club } from '../../../lib/club.ts'
import { useMessages } from '../../../lib/i18n/i18n.ts'
import { href, useRoute } from '../../../lib/router.ts'
import { useTitle } from '../../../lib/useTitle.ts'
import { useToasts } from '../../../stores/toasts.ts'
import { checkRegister } from '../lib/fields.ts'
import { authMessages } from '../messages.ts'
import { AuthForm } from './AuthForm.tsx'

export default function RegisterPage() {
  const t = useMessages(authMessages)
  const route = useRoute()
  useTitle(t.registerTitle)
  return (
    <AuthForm
      title={t.registerTitle}
      sub={t.registerSub}
      fields={['invite', 'username', 'password']}
      initial={{ invite: route.query.get('invite') ?? '' }}
      submitLabel={t.submitRegister}
      check={checkRegister}
      submit={async (v) => {
        const user = await club.register({ invite: v.invite.trim(), username: v.username, password: v.password })
        useToasts.getState().show(t.welcome(user.username), 'good')
      }}
      footer={
        <a className="font-semibold text-neon underline underline-offset-4" href={href('/login')}>
          {t.haveAccountLink}
        </a>
      }
    />
  )
}
