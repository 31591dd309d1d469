import { useQuery } from '@tanstack/react-query'

import { data } from '../../api/client'
import { keys } from '../../api/keys'
import type { FollowUp } from '../../api/types'
import { useApi } from '../../app/context'
import { RefineChat } from '../../components/RefineChat'
import { instructionsBehind } from '../../components/refinement'
import { refineFollowUp, useFollowUpChange } from './actions'

/** The refine chat beside a draft (only a draft's text changes). */
export function RefineSection({ followUp }: { followUp: FollowUp }) {
  const api = useApi()
  const versions = useQuery({
    queryKey: keys.followUpVersions(followUp.id),
    queryFn: () => data(api.GET('/v1/follow-ups/{id}/versions', { params: { path: { id: followUp.id } } })),
  })
  const refine = useFollowUpChange(
    followUp.id,
    (client, instruction: string) => refineFollowUp(client, followUp.id, followUp.version, instruction),
    // The chat says it is done, beside the instruction.
    () => undefined,
  )
  return (
    <RefineChat
      target="follow_up"
      id={followUp.id}
      what="this email"
      history={instructionsBehind(versions.data ?? [])}
      refine={(instruction) => refine.mutateAsync(instruction)}
    />
  )
}
