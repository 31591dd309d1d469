import { useMutation, useQueryClient, type InfiniteData } from '@tanstack/react-query'
import { Button } from 'react-aria-components'

import { data } from '../../api/client'
import { keys } from '../../api/keys'
import type { components } from '../../api/schema'
import type { Commitment } from '../../api/types'
import { useApi } from '../../app/context'
import { ErrorNotice } from '../../components/ErrorNotice'

type CommitmentPage = components['schemas']['Page_CommitmentView']

const STATUS_BADGE = {
  done: <span className="badge badge-good">Done</span>,
  dropped: <span className="badge">Dropped</span>,
  open: null,
}

/**
 * "Mark done", or "Reopen" once it is done or dropped. One button whose
 * label changes, so keyboard focus stays put after the change.
 */
export function CommitmentStatusButton({
  commitment,
  listKey,
  describedBy,
  onChanged,
}: {
  commitment: Commitment
  listKey: readonly unknown[]
  describedBy: string
  onChanged: (message: string) => void
}) {
  const api = useApi()
  const queryClient = useQueryClient()
  const next = commitment.status === 'open' ? 'done' : 'open'
  const change = useMutation({
    mutationFn: () =>
      data(api.PATCH('/v1/commitments/{id}', { params: { path: { id: commitment.id } }, body: { status: next } })),
    onSuccess: (updated) => {
      // The row stays where it is with its new status, so "Reopen" can undo a slip;
      // the other views, and this one when next opened, load afresh.
      queryClient.setQueryData<InfiniteData<CommitmentPage>>(listKey, (old) =>
        old
          ? {
              ...old,
              pages: old.pages.map((page) => ({
                ...page,
                items: page.items.map((item) => (item.id === updated.id ? updated : item)),
              })),
            }
          : old,
      )
      void queryClient.invalidateQueries({ queryKey: keys.commitments, refetchType: 'inactive' })
      onChanged(updated.status === 'done' ? `Marked done: ${updated.text}` : `Reopened: ${updated.text}`)
    },
  })
  return (
    <div className="stack">
      {STATUS_BADGE[commitment.status]}
      <Button
        className="button"
        onPress={() => change.mutate()}
        isDisabled={change.isPending}
        aria-describedby={describedBy}
      >
        {next === 'done' ? 'Mark done' : 'Reopen'}
      </Button>
      {change.isError && <ErrorNotice error={change.error} />}
    </div>
  )
}
