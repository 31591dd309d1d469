// The one thing the app keeps in the browser: the bearer token. Nothing about
// clients or sessions is stored; everything else lives in memory.

const KEY = 'flowcoach.token'

export interface StoredToken {
  token: string
  /** Seconds since the epoch, from the token's `exp`. */
  expiresAt: number | null
}

/** The `exp` claim of a JWT, without checking it (the server does). */
export function tokenExpiry(token: string): number | null {
  const payload = token.split('.')[1]
  if (!payload) return null
  try {
    const json = atob(payload.replace(/-/g, '+').replace(/_/g, '/'))
    const exp = (JSON.parse(json) as { exp?: unknown }).exp
    return typeof exp === 'number' ? exp : null
  } catch {
    return null
  }
}

/** A token that looks like a JWT: three base64url parts. */
export function looksLikeJwt(token: string): boolean {
  return /^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$/.test(token)
}

export function readToken(now: number = Date.now() / 1000): StoredToken | null {
  const token = localStorage.getItem(KEY)
  if (!token) return null
  const expiresAt = tokenExpiry(token)
  if (expiresAt !== null && expiresAt <= now) {
    localStorage.removeItem(KEY)
    return null
  }
  return { token, expiresAt }
}

export function saveToken(token: string): void {
  localStorage.setItem(KEY, token)
}

export function clearToken(): void {
  localStorage.removeItem(KEY)
}

/**
 * The token of a sign-in link (`scripts/run.sh` prints one): it sits in the
 * URL fragment, which never reaches a server, and is wiped from the address
 * bar before anything renders.
 */
export function takeLinkToken(location: Location = window.location): string | null {
  const fragment = new URLSearchParams(location.hash.slice(1))
  const token = fragment.get('token')
  if (token === null) return null
  window.history.replaceState(null, '', location.pathname + location.search)
  return token
}
