import { useId, useState, type FormEvent } from 'react'
import { Button, Form } from 'react-aria-components'

import type { FollowUp } from '../../api/types'
import { ErrorNotice } from '../../components/ErrorNotice'
import { formatDateTime } from '../../components/format'
import { scheduleFollowUp, useChangePending, useFollowUpChange } from './actions'
import { addDays, formatInZone, localTimeField, localTimeToUtc, wallClockParts, zoneLabel, type LocalTime } from './schedule'

const DEFAULT_TIME = '09:00'

/** The current send time on the client's clock, or tomorrow morning for them. */
function initialTime(followUp: FollowUp): { date: string; time: string } {
  const zone = followUp.client_time_zone
  if (followUp.status === 'scheduled' && followUp.scheduled_at) {
    return wallClockParts(new Date(followUp.scheduled_at), zone)
  }
  return { date: addDays(wallClockParts(new Date(), zone).date, 1), time: DEFAULT_TIME }
}

/** Why a typed time cannot be scheduled, or null when it can. */
function refusal(resolved: LocalTime, date: string, time: string, followUp: FollowUp, now: Date): string | null {
  switch (resolved.kind) {
    case 'invalid':
      return 'Enter a date and a time.'
    case 'skipped':
      return `${time} on ${date} does not exist in ${followUp.client_time_zone}: the clocks go forward past it. Pick a later time.`
    case 'instant':
      return resolved.instant <= now ? `That time has already passed for ${followUp.client_name}. Pick a later one.` : null
  }
}

/**
 * The send time, typed as the client's wall clock: 9:00 means 9:00 where the
 * client is. The instant it names is shown in the coach's own time before
 * they commit, and a time that does not exist there is refused here.
 */
export function ScheduleForm({ followUp, announce }: { followUp: FollowUp; announce: (message: string) => void }) {
  const zone = followUp.client_time_zone
  const [initial] = useState(() => initialTime(followUp))
  const [today] = useState(() => wallClockParts(new Date(), zone).date)
  const [date, setDate] = useState(initial.date)
  const [time, setTime] = useState(initial.time)
  const [problem, setProblem] = useState<string | null>(null)
  const busy = useChangePending(followUp.id)
  const ids = { date: useId(), time: useId(), zone: useId(), problem: useId() }

  const schedule = useFollowUpChange(
    followUp.id,
    (api, localTime: string) => scheduleFollowUp(api, followUp.id, localTime),
    (scheduled) =>
      announce(
        `Scheduled for ${formatInZone(scheduled.scheduled_at, zone)} ${followUp.client_name}’s time, ${formatDateTime(scheduled.scheduled_at)} yours.`,
      ),
  )

  const resolved = localTimeToUtc(date, time, zone)
  const onSubmit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault()
    const refused = refusal(resolved, date, time, followUp, new Date())
    setProblem(refused)
    if (refused === null) schedule.mutate(localTimeField(date, time))
  }
  const describedBy = problem ? `${ids.zone} ${ids.problem}` : ids.zone

  return (
    <Form validationBehavior="aria" onSubmit={onSubmit} aria-labelledby={`${ids.zone}-heading`}>
      <h3 id={`${ids.zone}-heading`}>{followUp.status === 'scheduled' ? 'Move the send time' : 'Schedule'}</h3>
      <p id={ids.zone}>
        Times are in {followUp.client_name}’s time zone: <strong>{zoneLabel(zone)}</strong>.
      </p>
      <div className="row">
        <div className="field">
          <label htmlFor={ids.date}>Date</label>
          <input
            id={ids.date}
            type="date"
            value={date}
            min={today}
            required
            aria-invalid={problem ? true : undefined}
            aria-describedby={describedBy}
            onChange={(event) => setDate(event.target.value)}
          />
        </div>
        <div className="field">
          <label htmlFor={ids.time}>Time</label>
          <input
            id={ids.time}
            type="time"
            value={time}
            required
            aria-invalid={problem ? true : undefined}
            aria-describedby={describedBy}
            onChange={(event) => setTime(event.target.value)}
          />
        </div>
      </div>
      {problem && (
        <p id={ids.problem} className="field-error">
          {problem}
        </p>
      )}
      {resolved.kind === 'instant' && (
        <p className="muted">That is {formatDateTime(resolved.instant.toISOString())} in your own time zone.</p>
      )}
      <Button type="submit" className="button button-primary" isDisabled={busy}>
        {schedule.isPending ? 'Scheduling…' : 'Schedule'}
      </Button>
      {schedule.isError && <ErrorNotice error={schedule.error} />}
    </Form>
  )
}
