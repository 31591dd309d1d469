// The coach's settings as the form edits them, read from `GET /v1/me`
// (`settings` is free-form JSON in the schema) and written as `UpdateMe`.

import type { components } from '../../api/schema'
import type { Coach } from '../../api/types'

type UpdateMe = components['schemas']['UpdateMe']
export type AnalyserChoice = components['schemas']['AnalyserChoice']

const ANALYSERS: readonly AnalyserChoice[] = ['default', 'local', 'language_model']

export interface SettingsDraft {
  senderName: string
  timeZone: string
  defaultTemplateId: string | null
  autoSend: boolean
  autoSendHours: number
  /** Remove transcripts after a number of days (else keep them). */
  purgeTranscripts: boolean
  retentionDays: number
  deleteSummaries: boolean
  /** Which analyser writes the coach's analyses. */
  analyser: AnalyserChoice
}

/** Hours offered when the coach first turns sending without approval on. */
const SUGGESTED_HOURS = 24
/** Days offered when the coach first turns transcript removal on. */
const SUGGESTED_RETENTION_DAYS = 365
/** The server's limits (`UpdateMe`) for sending without approval. */
export const AUTO_SEND_HOURS = { min: 1, max: 720, unit: 'hours' }
/** The server's limits (`UpdateMe`) for the retention period. */
export const RETENTION_DAYS = { min: 7, max: 3650, unit: 'days' }

export function settingsOf(coach: Coach): SettingsDraft {
  const settings: Record<string, unknown> = coach.settings
  const hours = settings.send_without_approval_after_hours
  const template = settings.default_follow_up_template_id
  const sender = settings.sender_name
  const days = settings.transcript_retention_days
  const analyser = ANALYSERS.find((choice) => choice === settings.analyser) ?? 'default'
  return {
    senderName: typeof sender === 'string' ? sender : '',
    timeZone: coach.time_zone,
    defaultTemplateId: typeof template === 'string' ? template : null,
    autoSend: typeof hours === 'number',
    autoSendHours: typeof hours === 'number' ? hours : SUGGESTED_HOURS,
    purgeTranscripts: typeof days === 'number',
    retentionDays: typeof days === 'number' ? days : SUGGESTED_RETENTION_DAYS,
    deleteSummaries: settings.delete_summaries_with_transcripts === true,
    analyser,
  }
}

export function updateOf(draft: SettingsDraft): UpdateMe {
  const senderName = draft.senderName.trim()
  return {
    sender_name: senderName === '' ? null : senderName,
    time_zone: draft.timeZone,
    default_follow_up_template_id: draft.defaultTemplateId,
    send_without_approval_after_hours: draft.autoSend ? draft.autoSendHours : null,
    transcript_retention_days: draft.purgeTranscripts ? draft.retentionDays : null,
    delete_summaries_with_transcripts: draft.purgeTranscripts && draft.deleteSummaries,
    analyser: draft.analyser,
  }
}
