// Follow-ups and their versions as the API answers them, for the follow-up
// screens' tests: a draft to Maria Lopez at version 3, changed as each test needs.

import type { FollowUp, FollowUpVersion } from '../../api/types'

export function aFollowUp(overrides: Partial<FollowUp> = {}): FollowUp {
  return {
    id: 'f1',
    session_id: 's1',
    client_id: 'c1',
    client_name: 'Maria Lopez',
    client_time_zone: 'America/New_York',
    generation: 1,
    status: 'draft',
    subject: 'Our session on Tuesday',
    body: 'Hi Maria,\nThanks for today.',
    version: 3,
    source: 'coach_edit',
    needs_review: false,
    review_reason: null,
    approved_version: null,
    approved_at: null,
    scheduled_at: null,
    sent_at: null,
    failure_reason: null,
    template_id: null,
    template_version: null,
    created_at: '2026-11-30T10:00:00Z',
    updated_at: '2026-11-30T11:00:00Z',
    ...overrides,
  }
}

export function aVersion(version: number, subject: string, body: string, source: FollowUpVersion['source'] = 'coach_edit'): FollowUpVersion {
  return { version, subject, body, source, created_at: `2026-11-30T1${version}:00:00Z` }
}
