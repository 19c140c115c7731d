import { club } from '../../../lib/club.ts'
import { useMessages } from '../../../lib/i18n/i18n.ts'
import { href } from '../../../lib/router.ts'
import { useTitle } from '../../../lib/useTitle.ts'
import { checkLogin } from '../lib/fields.ts'
import { authMessages } from '../messages.ts'
import { AuthForm } from './AuthForm.tsx'

export default function LoginPage() {
  const t = useMessages(authMessages)
  useTitle(t.loginTitle)
  return (
    <AuthForm
      title={t.loginTitle}
      fields={['username', 'password']}
      submitLabel={t.submitLogin}
      check={checkLogin}
      submit={async (v) => {
        await club.login({ username: v.username, password: v.password })
      }}
      footer={
        <>
          {t.noAccount}{' '}
          <a className="font-semibold text-neon underline underline-offset-4" href={href('/register')}>
            {t.registerLink}
          </a>
        </>
      }
    />
  )
}
