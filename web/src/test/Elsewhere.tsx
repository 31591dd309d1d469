import { useLocation } from 'react-router'

/** For tests: where a screen navigated to. */
export function Elsewhere() {
  return <p>Navigated to {useLocation().pathname}</p>
}
