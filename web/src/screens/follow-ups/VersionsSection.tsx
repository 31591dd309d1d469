import { useQuery, useQueryClient } from '@tanstack/react-query'
import { useState } from 'react'
import {
  Button,
  Label,
  ListBox,
  ListBoxItem,
  Popover,
  Radio,
  RadioGroup,
  Select,
  SelectValue,
} from 'react-aria-components'

import { data } from '../../api/client'
import { keys } from '../../api/keys'
import type { FollowUp, FollowUpVersion } from '../../api/types'
import { useApi } from '../../app/context'
import { Diff } from '../../components/Diff'
import { formatDateTime } from '../../components/format'
import { QueryView } from '../../components/QueryView'
import { howMade } from '../../components/refinement'
import { revertFollowUp, useChangePending, useFollowUpChange } from './actions'
import { ChangeError } from './ChangeError'
import { can } from './lifecycle'

type Against = 'previous' | 'current'

const SOURCE: Record<FollowUpVersion['source'], string> = {
  ai: 'written by FlowCoach',
  coach_edit: 'your edit',
  ai_refinement: 'refined by FlowCoach',
  revert: 'back to an earlier version',
}

function versionLabel(version: FollowUpVersion, followUp: FollowUp): string {
  const marks = [
    version.version === followUp.version ? 'current' : null,
    version.version === followUp.approved_version ? 'approved' : null,
  ].filter(Boolean)
  const suffix = marks.length > 0 ? ` (${marks.join(', ')})` : ''
  const how = howMade(version, SOURCE)
  return `Version ${version.version}, ${how}, ${formatDateTime(version.created_at)}${suffix}`
}

/** The two texts to compare, oldest first, or why there is nothing to compare. */
function comparison(
  versions: FollowUpVersion[],
  chosen: FollowUpVersion,
  against: Against,
  currentVersion: number,
): { before: FollowUpVersion; after: FollowUpVersion } | string {
  if (against === 'previous') {
    const index = versions.findIndex((version) => version.version === chosen.version)
    return index > 0 ? { before: versions[index - 1], after: chosen } : `Version ${chosen.version} is the first version.`
  }
  const current = versions.find((version) => version.version === currentVersion)
  if (!current) return 'The current version is not listed yet.'
  if (current.version === chosen.version) return `Version ${chosen.version} is the current version.`
  return { before: chosen, after: current }
}

/** Brings the chosen version back as the newest, for a draft. */
function RevertButton({
  followUp,
  to,
  announce,
}: {
  followUp: FollowUp
  to: number
  announce: (message: string) => void
}) {
  const busy = useChangePending(followUp.id)
  const queryClient = useQueryClient()
  const revert = useFollowUpChange(
    followUp.id,
    (api, target: number) => revertFollowUp(api, followUp.id, followUp.version, target),
    (reverted) => announce(`Version ${to} is back, as version ${reverted.version}.`),
  )
  return (
    <div className="stack">
      <Button className="button" isDisabled={busy} onPress={() => revert.mutate(to)}>
        {revert.isPending ? 'Going back…' : `Go back to version ${to}`}
      </Button>
      {revert.isError && (
        <ChangeError
          error={revert.error}
          onReload={() => void queryClient.invalidateQueries({ queryKey: keys.followUp(followUp.id) })}
        />
      )}
    </div>
  )
}

function VersionComparison({
  versions,
  followUp,
  announce,
}: {
  versions: FollowUpVersion[]
  followUp: FollowUp
  announce: (message: string) => void
}) {
  const newest = versions[versions.length - 1]
  // Unchosen follows the current version, so a save shows its own changes.
  const [chosenNumber, setChosenNumber] = useState<number | null>(null)
  const [against, setAgainst] = useState<Against>('previous')
  const chosen = versions.find((version) => version.version === (chosenNumber ?? followUp.version)) ?? newest
  const compared = comparison(versions, chosen, against, followUp.version)

  return (
    <>
      <ol className="stack">
        {versions.map((version) => (
          <li key={version.version}>{versionLabel(version, followUp)}</li>
        ))}
      </ol>
      {versions.length > 1 && (
        <div className="stack">
          <h3>Compare versions</h3>
          <div className="filters">
            <Select
              className="field"
              selectedKey={String(chosen.version)}
              onSelectionChange={(key) => setChosenNumber(Number(key))}
            >
              <Label>Version</Label>
              <Button className="button select-button">
                <SelectValue />
                <span aria-hidden="true">▾</span>
              </Button>
              <Popover className="popover">
                <ListBox className="listbox">
                  {versions.map((version) => (
                    <ListBoxItem className="listbox-item" key={version.version} id={String(version.version)}>
                      {`Version ${version.version}`}
                    </ListBoxItem>
                  ))}
                </ListBox>
              </Popover>
            </Select>
            <RadioGroup className="field" value={against} onChange={(value) => setAgainst(value as Against)}>
              <Label>Compared with</Label>
              <div className="row">
                <Radio className="checkbox" value="previous">
                  <span className="box" aria-hidden="true" />
                  the version before it
                </Radio>
                <Radio className="checkbox" value="current">
                  <span className="box" aria-hidden="true" />
                  the current version
                </Radio>
              </div>
            </RadioGroup>
          </div>
          {typeof compared === 'string' ? (
            <p className="muted">{compared}</p>
          ) : (
            <>
              <p>
                Changes from version {compared.before.version} to version {compared.after.version}:
              </p>
              <h4>Subject</h4>
              <Diff label="Subject changes" before={compared.before.subject} after={compared.after.subject} />
              <h4>Body</h4>
              <Diff label="Body changes" before={compared.before.body} after={compared.after.body} />
            </>
          )}
          {can(followUp.status, 'edit') && chosen.version !== followUp.version && (
            <RevertButton followUp={followUp} to={chosen.version} announce={announce} />
          )}
        </div>
      )}
    </>
  )
}

/** Every kept version of the text, and what changed between any two. */
export function VersionsSection({ followUp, announce }: { followUp: FollowUp; announce: (message: string) => void }) {
  const api = useApi()
  const versions = useQuery({
    queryKey: keys.followUpVersions(followUp.id),
    queryFn: () => data(api.GET('/v1/follow-ups/{id}/versions', { params: { path: { id: followUp.id } } })),
  })
  return (
    <section className="card" aria-labelledby="versions-heading">
      <h2 id="versions-heading">Versions</h2>
      <QueryView query={versions} loading="Loading the versions…">
        {(found) =>
          found.length === 0 ? (
            <p className="muted">No versions are kept yet.</p>
          ) : (
            <VersionComparison versions={found} followUp={followUp} announce={announce} />
          )
        }
      </QueryView>
    </section>
  )
}
