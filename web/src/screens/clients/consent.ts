// What each consent allows, in the words the coach records it with.

export const CONSENT = {
  ai: {
    label: 'Agrees to AI analysis of their sessions',
    detail:
      'FlowCoach may analyse transcripts of sessions this client attends to write the summary, their commitments and a follow-up draft. Without it, no session they attend is analysed.',
    yes: 'AI analysis: agreed',
    no: 'AI analysis: not agreed',
  },
  email: {
    label: 'Agrees to receive follow-up emails',
    detail:
      'FlowCoach may email this client the follow-ups you approve, or that your approval rule sends. Without it, nothing is emailed to them.',
    yes: 'Emails: agreed',
    no: 'Emails: not agreed',
  },
} as const
