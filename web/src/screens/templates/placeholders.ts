// The placeholders a follow-up template may use. The server's list is
// `FOLLOW_UP_PLACEHOLDERS` in shared/src/ai/template.rs; the OpenAPI document
// does not carry it, and a save with any other name is refused with a 422
// that lists them.

export interface Placeholder {
  name: string
  meaning: string
  /** How to write it, for the lists. */
  usage?: string
}

export const PLACEHOLDERS: Placeholder[] = [
  { name: 'client_first_name', meaning: 'The client’s first name.' },
  { name: 'client_name', meaning: 'The client’s full name.' },
  { name: 'coach_name', meaning: 'Your name.' },
  { name: 'coach_signature', meaning: 'Your sender name from Settings (else your name), to sign with.' },
  { name: 'session_title', meaning: 'The session’s title.' },
  { name: 'session_date', meaning: 'The day the session was held, written out.' },
  { name: 'next_session_date', meaning: 'The next session’s day, when one is booked; else empty.' },
  {
    name: 'themes',
    meaning: 'The session’s themes, a list.',
    usage: '{% for theme in themes %}\n- {{ theme }}\n{% endfor %}',
  },
  {
    name: 'commitments',
    meaning: 'What the client committed to, a list; each has text and, when said, a due day.',
    usage: '{% for c in commitments %}\n- {{ c.text }}{% if c.due %} (by {{ c.due }}){% endif +%}\n{% endfor %}',
  },
  {
    name: 'coach_commitments',
    meaning: 'What you promised this client, the same shape as commitments.',
  },
  {
    name: 'highlights',
    meaning: 'What the follow-up may recall of the session for this client, a list.',
  },
]
