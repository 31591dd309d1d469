// The three ways a coach looks at commitments, as the API's list filters.

import type { operations } from '../../api/schema'
import type { Commitment } from '../../api/types'
import { addDays } from './days'

export type CommitmentView = 'due-soon' | 'overdue' | 'done'

export type CommitmentQuery = NonNullable<operations['list_commitments']['parameters']['query']>

/** Days after today that still count as "due soon" (today counts too). */
export const DUE_SOON_DAYS = 7

export const VIEWS: { id: CommitmentView; label: string; summary: string; empty: string }[] = [
  {
    id: 'due-soon',
    label: 'Due soon',
    summary: `Open commitments due today or in the next ${DUE_SOON_DAYS} days, earliest first.`,
    empty: `Nothing is due today or in the next ${DUE_SOON_DAYS} days.`,
  },
  {
    id: 'overdue',
    label: 'Overdue',
    summary: 'Open commitments whose due day has passed, oldest first.',
    empty: 'Nothing is overdue.',
  },
  {
    id: 'done',
    label: 'Done',
    summary: 'Commitments marked done, newest session first.',
    empty: 'No commitments are marked done yet.',
  },
]

/** The list request for a view, `today` being the coach's calendar day. */
export function queryFor(view: CommitmentView, today: string, clientId: string | null): CommitmentQuery {
  const client = clientId ? { client_id: clientId } : {}
  switch (view) {
    case 'due-soon':
      return { ...client, status: 'open', due_from: today, due_before: addDays(today, DUE_SOON_DAYS + 1) }
    case 'overdue':
      return { ...client, status: 'open', due_before: today }
    case 'done':
      return { ...client, status: 'done' }
  }
}

/** The rows loaded as the view reads them: open ones by due day (the API orders by session). */
export function rowsFor(view: CommitmentView, rows: Commitment[]): Commitment[] {
  if (view === 'done') return rows
  return [...rows].sort((a, b) => (a.due_on ?? '').localeCompare(b.due_on ?? ''))
}
