import { useEffect, useRef, useState } from 'react'
import { Link, useNavigate } from 'react-router'

import { useConfig } from '../app/context'
import { ErrorNotice } from '../components/ErrorNotice'
import { Loading } from '../components/QueryView'
import { useAuth } from './AuthContext'
import { finishSignIn } from './cognito'

/** Where Cognito's hosted UI sends the browser back with a code. */
export default function Callback() {
  const config = useConfig()
  const { signIn } = useAuth()
  const navigate = useNavigate()
  const [error, setError] = useState<unknown>(null)
  const started = useRef(false)
  useEffect(() => {
    if (started.current || config.auth.kind !== 'cognito') return
    started.current = true
    const query = new URLSearchParams(window.location.search)
    finishSignIn(config.auth.domain, config.auth.clientId, query)
      .then(({ token, returnTo }) => {
        signIn(token)
        navigate(returnTo, { replace: true })
      })
      .catch(setError)
  }, [config, signIn, navigate])
  if (config.auth.kind !== 'cognito') return <Link to="/sign-in">Sign in</Link>
  if (error)
    return (
      <div className="sign-in">
        <ErrorNotice error={error} title="Sign-in did not finish" />
        <Link to="/sign-in">Back to sign-in</Link>
      </div>
    )
  return <Loading label="Signing you in…" />
}
