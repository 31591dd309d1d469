import type { FollowUpStatus } from './lifecycle'

const TONE: Record<FollowUpStatus, string> = {
  draft: '',
  approved: 'badge-info',
  scheduled: 'badge-info',
  sending: 'badge-info',
  sent: 'badge-good',
  failed: 'badge-bad',
  cancelled: '',
  unknown: 'badge-warn',
}

/** The follow-up's status word; colour only repeats what the word says. */
export function FollowUpStatusBadge({ status }: { status: FollowUpStatus }) {
  return (
    <span className={`badge ${TONE[status]}`} data-status={status}>
      {status}
    </span>
  )
}

export function NeedsReviewBadge() {
  return <span className="badge badge-warn">needs review</span>
}
