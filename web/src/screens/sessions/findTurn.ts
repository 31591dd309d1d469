/** A turn of the transcript, as far as finding one goes. */
interface Turn {
  text: string
  start_ms?: number | null
}

const normalised = (text: string) =>
  text
    .toLowerCase()
    .replace(/[^\p{L}\p{N}\s]/gu, ' ')
    .split(/\s+/)
    .filter(Boolean)
    .join(' ')

/**
 * The turn a search passage points at: the first whose words hold the
 * passage's quote, else the one running at `atMs`; -1 when neither is given
 * or found.
 */
export function findTurn(turns: Turn[], quote: string | null, atMs: string | null): number {
  if (quote) {
    const wanted = normalised(quote)
    const found = wanted ? turns.findIndex((turn) => normalised(turn.text).includes(wanted)) : -1
    if (found >= 0) return found
  }
  const at = atMs === null ? NaN : Number(atMs)
  if (!Number.isFinite(at)) return -1
  let best = -1
  turns.forEach((turn, index) => {
    if (turn.start_ms != null && turn.start_ms <= at) best = index
  })
  return best
}
