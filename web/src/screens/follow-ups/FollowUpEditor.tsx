import { useQuery, useQueryClient } from '@tanstack/react-query'
import { useState } from 'react'
import { Link, useParams } from 'react-router'

import { data } from '../../api/client'
import { keys } from '../../api/keys'
import type { FollowUp } from '../../api/types'
import { useApi } from '../../app/context'
import { ErrorNotice } from '../../components/ErrorNotice'
import { formatDateTime } from '../../components/format'
import { PageHeader } from '../../components/PageHeader'
import { Loading } from '../../components/QueryView'
import { DraftForm } from './DraftForm'
import { FollowUpStatusBadge } from './FollowUpStatusBadge'
import { can } from './lifecycle'
import { RefineSection } from './RefineSection'
import { ScheduleForm } from './ScheduleForm'
import { formatInZone, zoneLabel } from './schedule'
import { CancelFollowUp, ResolveUnknown, SendNow } from './SendingControls'
import { VersionsSection } from './VersionsSection'

type Announce = (message: string) => void

/** Where the follow-up is, in a sentence; it changes live as it is sent. */
function StatusLine({ followUp }: { followUp: FollowUp }) {
  const zone = followUp.client_time_zone
  switch (followUp.status) {
    case 'draft':
      return <p>A draft. Edit it if you like, then approve it to send it.</p>
    case 'approved':
      return (
        <p>
          Approved version {followUp.approved_version ?? followUp.version} on {formatDateTime(followUp.approved_at)}.
          Schedule it or send it now.
        </p>
      )
    case 'scheduled':
      return (
        <p>
          Scheduled for {formatInZone(followUp.scheduled_at, zone)} {followUp.client_name}’s time (
          {formatDateTime(followUp.scheduled_at)} your time).
        </p>
      )
    case 'sending':
      return <p>Being handed to the mail provider now.</p>
    case 'sent':
      return <p>Sent {formatDateTime(followUp.sent_at)}.</p>
    case 'failed':
      return (
        <div className="notice notice-error">
          <p className="notice-title">Sending failed.</p>
          <p>The mail provider said: {followUp.failure_reason ?? 'no reason was given.'}</p>
          <p>Fix the cause (for example the client’s email address), then schedule it again or send it now.</p>
        </div>
      )
    case 'cancelled':
      return <p>Cancelled: it will not be sent.</p>
    case 'unknown':
      return <p>Handed to the mail provider, but whether it arrived was not recorded.</p>
  }
}

function ReviewWarning({ reason }: { reason: string | null | undefined }) {
  return (
    <section className="notice notice-warn" aria-labelledby="review-heading">
      <h2 id="review-heading">Review this draft before approving it</h2>
      <p>{reason ?? 'FlowCoach flagged something in the session that this email should take into account.'}</p>
      <p>It is never sent on its own while held for review. Read it, change it if needed, then approve it.</p>
    </section>
  )
}

function EmailText({ followUp }: { followUp: FollowUp }) {
  return (
    <dl className="stack">
      <dt className="field-label">Subject</dt>
      <dd>{followUp.subject}</dd>
      <dt className="field-label">Body</dt>
      <dd style={{ whiteSpace: 'pre-wrap' }}>{followUp.body}</dd>
    </dl>
  )
}

function SendingSection({ followUp, announce }: { followUp: FollowUp; announce: Announce }) {
  const { status } = followUp
  if (!can(status, 'schedule') && !can(status, 'send_now') && !can(status, 'cancel')) return null
  return (
    <section className="card" aria-labelledby="sending-heading">
      <h2 id="sending-heading">Sending</h2>
      {status === 'draft' && <p className="muted">Approve the draft to schedule or send it.</p>}
      {can(status, 'schedule') && <ScheduleForm followUp={followUp} announce={announce} />}
      {can(status, 'send_now') && <SendNow followUp={followUp} announce={announce} />}
      {can(status, 'cancel') && (
        <div className="stack">
          <h3>Cancel</h3>
          <CancelFollowUp followUp={followUp} announce={announce} />
        </div>
      )}
    </section>
  )
}

function Editor({ followUp, onReload }: { followUp: FollowUp; onReload: () => Promise<unknown> }) {
  const [announcement, setAnnouncement] = useState({ text: '', count: 0 })
  // Remounting the form is how a reload drops the coach's stale text.
  const [formGeneration, setFormGeneration] = useState(0)
  const announce = (text: string) => setAnnouncement((last) => ({ text, count: last.count + 1 }))
  const reload = () => {
    void onReload().then(() => setFormGeneration((generation) => generation + 1))
  }

  return (
    <div>
      <PageHeader title="Follow-up">
        <FollowUpStatusBadge status={followUp.status} />
      </PageHeader>
      <p>
        To <Link to={`/clients/${followUp.client_id}`}>{followUp.client_name}</Link>, whose time zone is{' '}
        {zoneLabel(followUp.client_time_zone)}. From <Link to={`/sessions/${followUp.session_id}`}>the session</Link>.
      </p>
      <div aria-live="polite">
        <StatusLine followUp={followUp} />
      </div>
      <div aria-live="polite">
        {announcement.text && (
          <p key={announcement.count} className="notice">
            {announcement.text}
          </p>
        )}
      </div>
      {followUp.needs_review && <ReviewWarning reason={followUp.review_reason} />}
      {can(followUp.status, 'resolve') && <ResolveUnknown followUp={followUp} announce={announce} />}
      <section className="card" aria-labelledby="email-heading">
        <h2 id="email-heading">Email</h2>
        {can(followUp.status, 'edit') ? (
          <DraftForm key={formGeneration} followUp={followUp} onReload={reload} announce={announce} />
        ) : (
          <EmailText followUp={followUp} />
        )}
      </section>
      {can(followUp.status, 'edit') && <RefineSection followUp={followUp} />}
      <SendingSection followUp={followUp} announce={announce} />
      <VersionsSection followUp={followUp} announce={announce} />
    </div>
  )
}

export default function FollowUpEditor() {
  const { id = '' } = useParams()
  const api = useApi()
  const queryClient = useQueryClient()
  const followUp = useQuery({
    queryKey: keys.followUp(id),
    queryFn: () => data(api.GET('/v1/follow-ups/{id}', { params: { path: { id } } })),
  })
  if (followUp.isPending) return <Loading label="Loading the follow-up…" />
  if (followUp.isError) {
    return (
      <div>
        <PageHeader title="Follow-up" />
        <ErrorNotice error={followUp.error} onRetry={() => void followUp.refetch()} />
        <Link to="/follow-ups">Back to your follow-ups</Link>
      </div>
    )
  }
  // The follow-up and its versions, both of which a newer version changed.
  const reload = () => queryClient.invalidateQueries({ queryKey: keys.followUp(id) })
  return <Editor followUp={followUp.data} onReload={reload} />
}
