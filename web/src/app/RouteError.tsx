import { Link, useRouteError } from 'react-router'

import { humanMessage } from '../api/problem'

/** What a screen that broke shows instead of a blank page. */
export function RouteError() {
  const error = useRouteError()
  return (
    <div className="boot-error" role="alert">
      <h1>This page could not be shown</h1>
      <p>{humanMessage(error)}</p>
      <p>
        <a href={window.location.pathname}>Reload the page</a> or <Link to="/sessions">go to your sessions</Link>.
      </p>
    </div>
  )
}
