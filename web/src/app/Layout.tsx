import { NavLink, Outlet } from 'react-router'
import { Button } from 'react-aria-components'

import { useAuth } from '../auth/AuthContext'
import { signOutUrl } from '../auth/cognito'
import { useConfig } from './context'
import { LiveEventsProvider, useLiveState } from './LiveEvents'

/** Each capability's screen; later issues add theirs here. */
const NAV = [
  { to: '/sessions', label: 'Sessions' },
  { to: '/search', label: 'Search' },
  { to: '/follow-ups', label: 'Follow-ups' },
  { to: '/commitments', label: 'Commitments' },
  { to: '/clients', label: 'Clients' },
  { to: '/templates', label: 'Templates' },
  { to: '/settings', label: 'Settings' },
]

const LIVE_LABEL = { connecting: 'Connecting…', live: 'Live', offline: 'Offline: reconnecting' }

function LiveIndicator() {
  const state = useLiveState()
  return (
    <span className={`live live-${state}`} role="status" aria-label={`Live updates: ${LIVE_LABEL[state]}`}>
      <span className="live-dot" aria-hidden="true" />
      {LIVE_LABEL[state]}
    </span>
  )
}

export function Layout() {
  const { signOut } = useAuth()
  const config = useConfig()
  const leave = () => {
    signOut()
    if (config.auth.kind === 'cognito') window.location.assign(signOutUrl(config.auth.domain, config.auth.clientId))
  }
  return (
    <LiveEventsProvider>
      <a className="skip-link" href="#main">
        Skip to content
      </a>
      <header className="app-header">
        <NavLink to="/sessions" className="brand">
          FlowCoach
        </NavLink>
        <nav aria-label="Main">
          <ul>
            {NAV.map((item) => (
              <li key={item.to}>
                <NavLink to={item.to}>{item.label}</NavLink>
              </li>
            ))}
          </ul>
        </nav>
        <div className="header-end">
          <LiveIndicator />
          <Button className="button button-quiet" onPress={leave}>
            Sign out
          </Button>
        </div>
      </header>
      <main id="main" tabIndex={-1}>
        <Outlet />
      </main>
    </LiveEventsProvider>
  )
}
