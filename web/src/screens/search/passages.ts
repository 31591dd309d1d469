import type { SearchFilter, SearchPassage } from '../../api/types'
import { formatDate } from '../../components/format'

/** Words of a passage's main line that find its turn in the transcript. */
const QUOTE_WORDS = 12

/** The session page at the passage's moment: its time, and its words to find the turn by. */
export function passageLink(passage: SearchPassage): string {
  const params = new URLSearchParams()
  if (passage.kind === 'transcript') {
    const words = passage.quote.split(/\s+/).filter(Boolean)
    if (words.length > 0) params.set('quote', words.slice(0, QUOTE_WORDS).join(' '))
    if (passage.start_ms != null) params.set('at', String(passage.start_ms))
  }
  const query = params.toString()
  return `/sessions/${passage.session_id}${query ? `?${query}` : ''}`
}

/** A filter the search applied, as a phrase. */
export function filterLabel(filter: SearchFilter): string {
  const from = (words: string | null | undefined) => (words ? ` (from “${words}”)` : '')
  switch (filter.kind) {
    case 'client':
      return `client ${filter.name}${from(filter.from_question)}`
    case 'date_range': {
      const period =
        filter.from && filter.to
          ? `from ${formatDate(filter.from)} to ${formatDate(filter.to)}`
          : filter.from
            ? `from ${formatDate(filter.from)}`
            : `until ${formatDate(filter.to)}`
      return `sessions ${period}${from(filter.from_question)}`
    }
    case 'session':
      return 'one session'
    case 'speaker':
      return filter.speaker === 'client' ? "the clients' words" : 'your own words'
  }
}
