import type { SessionStatus } from '../../api/types'
import { stageLabel } from './stages'

const LOOK: Record<SessionStatus, { label: string; tone: string }> = {
  awaiting_transcript: { label: 'awaiting transcript', tone: '' },
  processing: { label: 'processing', tone: 'badge-info' },
  ready: { label: 'ready', tone: 'badge-good' },
  failed: { label: 'failed', tone: 'badge-bad' },
}

/** The session's status word, with the stage while it is processing. */
export function SessionStatusBadge({ status, stage }: { status: SessionStatus; stage?: string | null }) {
  const look = LOOK[status]
  const detail = status === 'processing' ? stageLabel(stage) : null
  return (
    <span className={`badge ${look.tone}`} data-status={status}>
      {look.label}
      {detail && <span className="badge-detail">: {detail}</span>}
    </span>
  )
}
