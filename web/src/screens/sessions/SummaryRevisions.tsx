import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query'
import { useState } from 'react'
import { Button } from 'react-aria-components'

import { data, idempotencyKey, type Api } from '../../api/client'
import { keys } from '../../api/keys'
import type { Summary, SummaryVersion } from '../../api/types'
import { useApi } from '../../app/context'
import { Diff } from '../../components/Diff'
import { ErrorNotice } from '../../components/ErrorNotice'
import { formatDateTime } from '../../components/format'
import { RefineChat } from '../../components/RefineChat'
import { howMade, instructionsBehind } from '../../components/refinement'

const SOURCE: Record<SummaryVersion['source'], string> = {
  ai: 'the analysis',
  coach_edit: 'your edit',
  ai_refinement: 'refined by FlowCoach',
  revert: 'back to an earlier version',
}

function ifMatch(version: number): string {
  return `"${version}"`
}

function refineSummary(api: Api, session: string, version: number, instruction: string): Promise<Summary> {
  return data(
    api.POST('/v1/sessions/{id}/summary/refine', {
      params: { path: { id: session }, header: { 'If-Match': ifMatch(version), 'Idempotency-Key': idempotencyKey() } },
      body: { instruction },
    }),
  )
}

function revertSummary(api: Api, session: string, version: number, to: number): Promise<Summary> {
  return data(
    api.POST('/v1/sessions/{id}/summary/revert', {
      params: { path: { id: session }, header: { 'If-Match': ifMatch(version), 'Idempotency-Key': idempotencyKey() } },
      body: { version: to },
    }),
  )
}

function describe(version: SummaryVersion, current: number): string {
  const how = howMade(version, SOURCE)
  return `Version ${version.version}, ${how}, ${formatDateTime(version.created_at)}${version.version === current ? ' (current)' : ''}`
}

/**
 * The overview's refine chat, and its versions: each compared with the one
 * before it, and any earlier one brought back.
 */
export function SummaryRevisions({ summary }: { summary: Summary }) {
  const api = useApi()
  const queryClient = useQueryClient()
  const session = summary.session_id
  const versions = useQuery({
    queryKey: keys.summaryVersions(session),
    queryFn: () => data(api.GET('/v1/sessions/{id}/summary/versions', { params: { path: { id: session } } })),
  })
  const changed = () => queryClient.invalidateQueries({ queryKey: keys.summary(session) })
  const revert = useMutation({
    mutationFn: (to: number) => revertSummary(api, session, summary.version, to),
    onSuccess: () => void changed(),
  })
  const [shown, setShown] = useState<number | null>(null)
  const list = versions.data ?? []
  const chosen = list.find((version) => version.version === shown)
  const before = chosen ? list.find((version) => version.version === chosen.version - 1) : undefined

  return (
    <>
      <RefineChat
        target="summary"
        id={session}
        what="the overview"
        history={instructionsBehind(list)}
        refine={async (instruction) => {
          const refined = await refineSummary(api, session, summary.version, instruction)
          await changed()
          return refined
        }}
      />
      {list.length > 1 && (
        <section className="card" aria-labelledby="summary-versions-heading">
          <h2 id="summary-versions-heading">Summary versions</h2>
          <ol className="stack">
            {list.map((version) => (
              <li key={version.version}>
                <Button className="button button-quiet" onPress={() => setShown(version.version)}>
                  {describe(version, summary.version)}
                </Button>
              </li>
            ))}
          </ol>
          {chosen && (
            <div className="stack">
              {before ? (
                <>
                  <p>
                    Overview changes from version {before.version} to version {chosen.version}:
                  </p>
                  <Diff label="Overview changes" before={before.overview} after={chosen.overview} />
                </>
              ) : (
                <p className="muted">Version {chosen.version} is the first version.</p>
              )}
              {chosen.version !== summary.version && (
                <Button className="button" isDisabled={revert.isPending} onPress={() => revert.mutate(chosen.version)}>
                  {revert.isPending ? 'Going back…' : `Go back to version ${chosen.version}`}
                </Button>
              )}
              {revert.isError && <ErrorNotice error={revert.error} />}
            </div>
          )}
        </section>
      )}
    </>
  )
}
