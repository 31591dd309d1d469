// What the app needs to know about the deployment it runs in, read once from
// `/config.json`: `flowcoach serve` answers it on one machine, the deploy
// script uploads it beside the app on AWS. Nothing in it is secret.

export type AuthConfig =
  | { kind: 'token' }
  | { kind: 'cognito'; domain: string; clientId: string }

export interface AppConfig {
  /** Where `/v1` lives; empty for the app's own origin. */
  apiBase: string
  /** The live-events WebSocket; null for `/v1/events` on the app's origin. */
  eventsUrl: string | null
  auth: AuthConfig
}

const LOCAL: AppConfig = { apiBase: '', eventsUrl: null, auth: { kind: 'token' } }

export async function loadConfig(): Promise<AppConfig> {
  const response = await fetch('/config.json', { headers: { Accept: 'application/json' } })
  if (response.status === 404) return LOCAL
  if (!response.ok) throw new Error(`The app's configuration could not be loaded (HTTP ${response.status}).`)
  return parseConfig(await response.json())
}

export function parseConfig(value: unknown): AppConfig {
  if (typeof value !== 'object' || value === null) throw new Error("The app's configuration is not an object.")
  const raw = value as Record<string, unknown>
  const auth = raw.auth as Record<string, unknown> | undefined
  const config: AppConfig = {
    apiBase: typeof raw.apiBase === 'string' ? raw.apiBase.replace(/\/$/, '') : '',
    eventsUrl: typeof raw.eventsUrl === 'string' && raw.eventsUrl !== '' ? raw.eventsUrl : null,
    auth: { kind: 'token' },
  }
  if (auth?.kind === 'cognito') {
    if (typeof auth.domain !== 'string' || typeof auth.clientId !== 'string') {
      throw new Error("The app's configuration names Cognito without its domain and client id.")
    }
    config.auth = { kind: 'cognito', domain: auth.domain.replace(/\/$/, ''), clientId: auth.clientId }
  }
  return config
}

/** The live-events URL for a config, absolute. */
export function eventsUrl(config: AppConfig, location: Location = window.location): string {
  if (config.eventsUrl) return config.eventsUrl
  const base = config.apiBase || location.origin
  return base.replace(/^http/, 'ws') + '/v1/events'
}
