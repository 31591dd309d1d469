import type { Client } from '../../api/types'
import { CONSENT } from './consent'

export function ConsentBadges({ client }: { client: Client }) {
  return (
    <span className="row">
      <span className={client.consent_ai_processing ? 'badge badge-good' : 'badge badge-warn'}>
        {client.consent_ai_processing ? CONSENT.ai.yes : CONSENT.ai.no}
      </span>
      <span className={client.consent_email ? 'badge badge-good' : 'badge badge-warn'}>
        {client.consent_email ? CONSENT.email.yes : CONSENT.email.no}
      </span>
    </span>
  )
}
