import { useState, type FormEvent, type ReactNode } from 'react'

import { Button } from '../../../components/Button.tsx'
import { useErrorText } from '../../../components/useErrorText.ts'
import { Field, FieldError } from '../../../components/Field.tsx'
import { PageTitle, Panel } from '../../../components/Panel.tsx'
import { useMessages } from '../../../lib/i18n/i18n.ts'
import { authMessages } from '../messages.ts'
import { fieldOfError, type AuthField, type Problem } from '../lib/fields.ts'

export interface AuthFormProps {
  title: string
  sub?: string
  fields: readonly AuthField[]
  initial?: Partial<Record<AuthField, string>>
  submitLabel: string
  check: (values: Record<AuthField, string>) => Partial<Record<AuthField, Problem>>
  submit: (values: Record<AuthField, string>) => Promise<unknown>
  footer: ReactNode
}

const AUTOCOMPLETE: Record<AuthField, string> = { invite: 'off', username: 'username', password: 'current-password', form: 'off' }

/** The login and register forms: checks before sending, then the server's errors by field. */
export function AuthForm({ title, sub, fields, initial = {}, submitLabel, check, submit, footer }: AuthFormProps) {
  const t = useMessages(authMessages)
  const errorText = useErrorText()
  const [values, setValues] = useState<Record<AuthField, string>>({ invite: '', username: '', password: '', form: '', ...initial })
  const [errors, setErrors] = useState<Partial<Record<AuthField, string>>>({})
  const [busy, setBusy] = useState(false)

  const onSubmit = async (ev: FormEvent) => {
    ev.preventDefault()
    const problems = check(values)
    const local: Partial<Record<AuthField, string>> = {}
    for (const [f, p] of Object.entries(problems)) local[f as AuthField] = t[p as Problem]
    setErrors(local)
    if (Object.keys(local).length) {
      focusField(Object.keys(local)[0] as AuthField)
      return
    }
    setBusy(true)
    try {
      await submit(values)
    } catch (e) {
      const f = fieldOfError(e)
      setErrors({ [f]: errorText(e) })
      if (f !== 'form') focusField(f)
    } finally {
      setBusy(false)
    }
  }

  const label: Record<AuthField, string> = { invite: t.invite, username: t.username, password: t.password, form: '' }
  const hint: Partial<Record<AuthField, string>> = fields.includes('invite') ? { username: t.usernameHint, password: t.passwordHint } : {}

  return (
    <div className="mx-auto w-full max-w-md">
      <Panel>
        <PageTitle sub={sub}>{title}</PageTitle>
        <form noValidate onSubmit={onSubmit} className="flex flex-col gap-4" aria-busy={busy}>
          {fields.map((f) => (
            <Field
              key={f}
              id={`auth-${f}`}
              name={f}
              label={label[f]}
              type={f === 'password' ? 'password' : 'text'}
              autoComplete={f === 'password' && fields.includes('invite') ? 'new-password' : AUTOCOMPLETE[f]}
              autoCapitalize="off"
              spellCheck={false}
              required
              value={values[f]}
              hint={hint[f]}
              error={errors[f]}
              onChange={(e) => setValues((v) => ({ ...v, [f]: e.target.value }))}
            />
          ))}
          {errors.form && <FieldError>{errors.form}</FieldError>}
          <Button type="submit" size="lg" busy={busy} data-testid="auth-submit">
            {submitLabel}
          </Button>
        </form>
        <div className="mt-4 text-center text-sm text-dim">{footer}</div>
      </Panel>
    </div>
  )
}

function focusField(f: AuthField): void {
  requestAnimationFrame(() => document.getElementById(`auth-${f}`)?.focus())
}
