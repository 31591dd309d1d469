import { useState, type FormEvent } from 'react'
import { Button, FieldError, Form, Label, TextArea, TextField } from 'react-aria-components'
import { Navigate, useLocation, useNavigate } from 'react-router'

import { useConfig } from '../app/context'
import { PageHeader } from '../components/PageHeader'
import { useAuth } from './AuthContext'
import { startSignIn } from './cognito'
import { looksLikeJwt, tokenExpiry } from './token'

/** Where to go after signing in: the page that asked, else the sessions. */
function returnPath(state: unknown): string {
  const from = (state as { from?: string } | null)?.from
  return from && from.startsWith('/') && !from.startsWith('/sign-in') ? from : '/sessions'
}

export default function SignIn() {
  const config = useConfig()
  const { token, reason, signIn } = useAuth()
  const location = useLocation()
  const navigate = useNavigate()
  const [value, setValue] = useState('')
  const [error, setError] = useState<string | null>(null)
  const returnTo = returnPath(location.state)

  if (token) return <Navigate to={returnTo} replace />

  if (config.auth.kind === 'cognito') {
    const { domain, clientId } = config.auth
    return (
      <div className="sign-in">
        <PageHeader title="Sign in to FlowCoach" />
        {reason && <p className="notice">{reason}</p>}
        <Button className="button button-primary" onPress={() => void startSignIn(domain, clientId, returnTo)}>
          Sign in
        </Button>
      </div>
    )
  }

  const submit = (event: FormEvent) => {
    event.preventDefault()
    const candidate = value.trim().replace(/^Bearer\s+/i, '')
    if (!looksLikeJwt(candidate)) {
      setError('That is not a FlowCoach token. It is three parts separated by dots.')
      return
    }
    const exp = tokenExpiry(candidate)
    if (exp !== null && exp * 1000 <= Date.now()) {
      setError('That token has expired. Print a new one with flowcoach token.')
      return
    }
    signIn(candidate)
    navigate(returnTo, { replace: true })
  }

  return (
    <div className="sign-in">
      <PageHeader title="Sign in to FlowCoach" />
      {reason && (
        <p className="notice" role="status">
          {reason}
        </p>
      )}
      <p>
        On this machine you sign in with a token. <code>scripts/run.sh</code> prints one, and so does{' '}
        <code>flowcoach token --coach you@example.com</code>.
      </p>
      <Form onSubmit={submit} validationErrors={error ? { token: error } : {}}>
        <TextField
          name="token"
          value={value}
          onChange={(next) => {
            setValue(next)
            setError(null)
          }}
          isInvalid={error !== null}
          isRequired
          className="field"
        >
          <Label>Token</Label>
          <TextArea rows={4} spellCheck={false} autoComplete="off" />
          <FieldError>{error}</FieldError>
        </TextField>
        <Button type="submit" className="button button-primary">
          Sign in
        </Button>
      </Form>
    </div>
  )
}
