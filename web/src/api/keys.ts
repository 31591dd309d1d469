// Query keys in one place, so a live event can invalidate exactly what it changed.

export const keys = {
  me: ['me'] as const,
  sessions: ['sessions'] as const,
  sessionList: (filters: object) => ['sessions', 'list', filters] as const,
  session: (id: string) => ['sessions', 'one', id] as const,
  summary: (id: string) => ['sessions', 'one', id, 'summary'] as const,
  summaryVersions: (id: string) => ['sessions', 'one', id, 'summary', 'versions'] as const,
  transcript: (id: string) => ['sessions', 'one', id, 'transcript'] as const,
  sessionFollowUps: (id: string) => ['sessions', 'one', id, 'follow-ups'] as const,
  followUps: ['follow-ups'] as const,
  followUpList: (filters: object) => ['follow-ups', 'list', filters] as const,
  followUp: (id: string) => ['follow-ups', 'one', id] as const,
  followUpVersions: (id: string) => ['follow-ups', 'one', id, 'versions'] as const,
  commitments: ['commitments'] as const,
  commitmentList: (filters: object) => ['commitments', 'list', filters] as const,
  clients: ['clients'] as const,
  client: (id: string) => ['clients', 'one', id] as const,
  clientBrief: (id: string) => ['clients', 'one', id, 'brief'] as const,
  templates: ['templates'] as const,
  template: (id: string) => ['templates', 'one', id] as const,
  templateVersions: (id: string) => ['templates', 'one', id, 'versions'] as const,
  // Under `sessions`: a changed session makes earlier results stale.
  search: (asked: object) => ['sessions', 'search', asked] as const,
}
