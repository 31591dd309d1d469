// The three ways a coach looks at commitments, as list filters the API
// understands plus what the API cannot filter (a lower bound on the due day).

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
      return { ...client, status: 'open', due_before: addDays(today, DUE_SOON_DAYS + 1) }
    case 'overdue':
      return { ...client, status: 'open', due_before: today }
    case 'done':
      return { ...client, status: 'done' }
  }
}

/**
 * What the view shows of the rows loaded: the API has no "due on or after",
 * so "due soon" drops the overdue ones here; open views read by due day.
 */
export function rowsFor(view: CommitmentView, today: string, rows: Commitment[]): Commitment[] {
  if (view === 'done') return rows
  const shown = view === 'due-soon' ? rows.filter((row) => !!row.due_on && row.due_on >= today) : rows
  return [...shown].sort((a, b) => (a.due_on ?? '').localeCompare(b.due_on ?? ''))
}
