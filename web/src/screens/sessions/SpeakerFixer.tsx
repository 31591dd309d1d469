import { useMutation, useQueryClient } from '@tanstack/react-query'
import { useState } from 'react'
import { Button } from 'react-aria-components'

import { data, idempotencyKey } from '../../api/client'
import { keys } from '../../api/keys'
import type { Session } from '../../api/types'
import { useApi } from '../../app/context'
import { ErrorNotice } from '../../components/ErrorNotice'
import { SelectField } from '../../components/SelectField'

const COACH = 'coach'
const NOBODY = 'nobody'

/**
 * Transcript speakers FlowCoach could not match: the coach says who each is,
 * and the session is processed again with the labels set.
 */
export function SpeakerFixer({ session }: { session: Session }) {
  const api = useApi()
  const queryClient = useQueryClient()
  const [choices, setChoices] = useState<Record<string, string>>({})
  const save = useMutation({
    mutationFn: async () => {
      const labelOf = (clientId: string) =>
        Object.entries(choices).find(([, choice]) => choice === clientId)?.[0]
      const coachLabel = Object.entries(choices).find(([, choice]) => choice === COACH)?.[0]
      await data(
        api.PUT('/v1/sessions/{id}/participants', {
          params: { path: { id: session.id } },
          body: {
            coach_speaker_label: coachLabel ?? session.coach_speaker_label ?? null,
            participants: session.participants.map((participant) => ({
              client_id: participant.client_id,
              attendance: participant.attendance,
              speaker_label: labelOf(participant.client_id) ?? participant.speaker_label ?? null,
            })),
          },
        }),
      )
      return data(
        api.POST('/v1/sessions/{id}/reprocess', {
          params: { path: { id: session.id }, header: { 'Idempotency-Key': idempotencyKey() } },
        }),
      )
    },
    onSuccess: () => {
      setChoices({})
      void queryClient.invalidateQueries({ queryKey: keys.session(session.id) })
    },
  })
  const options = [
    { id: NOBODY, label: 'Leave unmatched' },
    { id: COACH, label: 'Me (the coach)' },
    ...session.participants.map((participant) => ({ id: participant.client_id, label: participant.name })),
  ]
  const chosen = Object.values(choices).some((choice) => choice !== NOBODY)

  return (
    <section className="card notice-warn" aria-labelledby="unmatched-heading">
      <h2 id="unmatched-heading">Who is speaking?</h2>
      <p>
        These speakers in the transcript match neither you nor a client of this session. Say who each is, and
        FlowCoach processes the session again.
      </p>
      {session.unmatched_speakers.map((speaker) => (
        <SelectField
          key={speaker}
          label={`“${speaker}” is`}
          value={choices[speaker] ?? NOBODY}
          onChange={(choice) => setChoices((current) => ({ ...current, [speaker]: choice }))}
          options={options}
        />
      ))}
      <Button className="button button-primary" onPress={() => save.mutate()} isDisabled={!chosen || save.isPending}>
        {save.isPending ? 'Saving…' : 'Save speakers and reprocess'}
      </Button>
      {save.isError && <ErrorNotice error={save.error} />}
    </section>
  )
}
