// Names for the generated schemas the screens use.

import type { components } from './schema'

type Schemas = components['schemas']

export type Session = Schemas['SessionView']
export type SessionStatus = Schemas['Session']['status']
export type SessionStatusView = Schemas['SessionStatusView']
export type Participant = Schemas['Participant']
export type Summary = Schemas['SummaryView']
export type SummaryVersion = Schemas['SummaryVersion']
export type Transcript = Schemas['TranscriptView']
export type TranscriptTurn = Schemas['UtteranceView']
export type FollowUp = Schemas['FollowUpView']
export type FollowUpVersion = Schemas['FollowUpVersion']
export type Commitment = Schemas['CommitmentView']
export type Client = Schemas['Client']
export type Coach = Schemas['Coach']
export type Template = Schemas['TemplateView']
export type TemplateVersion = Schemas['TemplateVersion']
export type TemplatePreview = Schemas['TemplatePreview']
export type UploadTarget = Schemas['UploadTarget']
export type SearchPassage = Schemas['Passage']
export type SearchAnswer = Schemas['Answer']
export type SearchFilter = Schemas['AppliedFilter']
export type SearchSpeaker = Schemas['SpeakerFilter']
