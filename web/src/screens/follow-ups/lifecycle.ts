// What the coach may do with a follow-up in each status: the coach's side of
// `shared/src/domain/follow_up_lifecycle.rs`, so the screen offers only what
// the API would accept.

import type { FollowUp } from '../../api/types'

export type FollowUpStatus = FollowUp['status']

export type CoachAction = 'edit' | 'approve' | 'schedule' | 'send_now' | 'cancel' | 'resolve'

const ALLOWED: Record<FollowUpStatus, readonly CoachAction[]> = {
  draft: ['edit', 'approve', 'cancel'],
  approved: ['schedule', 'send_now', 'cancel'],
  scheduled: ['schedule', 'send_now', 'cancel'],
  // Handed to the provider: the mail may already be in the client's inbox.
  sending: [],
  sent: [],
  failed: ['schedule', 'send_now', 'cancel'],
  cancelled: [],
  unknown: ['resolve'],
}

export const STATUSES: readonly FollowUpStatus[] = [
  'draft',
  'approved',
  'scheduled',
  'sending',
  'sent',
  'failed',
  'cancelled',
  'unknown',
]

export function can(status: FollowUpStatus, action: CoachAction): boolean {
  return ALLOWED[status].includes(action)
}

export function allowedActions(status: FollowUpStatus): readonly CoachAction[] {
  return ALLOWED[status]
}
