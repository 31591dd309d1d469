import { createContext, useCallback, useContext, useMemo, useState, type ReactNode } from 'react'

import { clearToken, looksLikeJwt, readToken, saveToken, takeLinkToken } from './token'

interface Auth {
  token: string | null
  /** Why the coach was signed out, to show on the sign-in page. */
  reason: string | null
  signIn: (token: string) => void
  signOut: (reason?: string) => void
}

const AuthContext = createContext<Auth | null>(null)

/** The token to start with: a sign-in link's, else the stored one. */
function initialAuth(): { token: string | null; reason: string | null } {
  const fromLink = takeLinkToken()
  if (fromLink !== null) {
    if (looksLikeJwt(fromLink)) {
      saveToken(fromLink)
    } else {
      return { token: readToken()?.token ?? null, reason: 'The sign-in link is damaged. Paste the token instead.' }
    }
  }
  return { token: readToken()?.token ?? null, reason: null }
}

export function AuthProvider({ children }: { children: ReactNode }) {
  const [initial] = useState(initialAuth)
  const [token, setToken] = useState<string | null>(initial.token)
  const [reason, setReason] = useState<string | null>(initial.reason)
  const signIn = useCallback((next: string) => {
    saveToken(next)
    setReason(null)
    setToken(next)
  }, [])
  const signOut = useCallback((why?: string) => {
    clearToken()
    setReason(why ?? null)
    setToken(null)
  }, [])
  const value = useMemo(() => ({ token, reason, signIn, signOut }), [token, reason, signIn, signOut])
  return <AuthContext.Provider value={value}>{children}</AuthContext.Provider>
}

// oxlint-disable-next-line react/only-export-components
export function useAuth(): Auth {
  const auth = useContext(AuthContext)
  if (!auth) throw new Error('useAuth outside AuthProvider')
  return auth
}
