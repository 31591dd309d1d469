import { Button } from 'react-aria-components'

import { humanMessage, requestIdOf } from '../api/problem'

/** An API error as a sentence, with the request id to quote to support. */
export function ErrorNotice({ error, onRetry, title }: { error: unknown; onRetry?: () => void; title?: string }) {
  const requestId = requestIdOf(error)
  return (
    <div className="notice notice-error" role="alert">
      {title && <p className="notice-title">{title}</p>}
      <p>{humanMessage(error)}</p>
      {requestId && (
        <p className="request-id">
          Request id: <code>{requestId}</code>
        </p>
      )}
      {onRetry && (
        <Button className="button" onPress={onRetry}>
          Try again
        </Button>
      )}
    </div>
  )
}
