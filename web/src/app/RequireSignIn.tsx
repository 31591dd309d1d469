import { Navigate, Outlet, useLocation } from 'react-router'

import { useAuth } from '../auth/AuthContext'

/** Sends a signed-out visitor to sign-in, and back here afterwards. */
export function RequireSignIn() {
  const { token } = useAuth()
  const location = useLocation()
  if (!token) return <Navigate to="/sign-in" replace state={{ from: location.pathname + location.search }} />
  return <Outlet />
}
