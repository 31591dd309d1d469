import { formatPercent } from './format'

export interface SpeakerShare {
  speaker: string
  talk_share: number
  words: number
  is_coach: boolean
}

/**
 * Who talked how much, as labelled bars. Built from HTML rather than a chart
 * library: a screen reader reads each row as "name, share, words", and the
 * first screen stays small.
 */
export function TalkTimeChart({ speakers }: { speakers: SpeakerShare[] }) {
  const sorted = [...speakers].sort((a, b) => b.talk_share - a.talk_share)
  return (
    <figure className="talk-time">
      <figcaption className="field-label">Talk time</figcaption>
      <ul className="bar-chart" aria-label="Share of spoken words by speaker">
        {sorted.map((speaker) => (
          <li key={speaker.speaker} className="bar-row">
            <span>
              {speaker.speaker}
              {speaker.is_coach && <span className="muted"> (coach)</span>}
            </span>
            <span className="bar-track" aria-hidden="true">
              <span
                className={`bar-fill${speaker.is_coach ? ' bar-fill-coach' : ''}`}
                style={{ width: formatPercent(speaker.talk_share), display: 'block' }}
              />
            </span>
            <span>
              {formatPercent(speaker.talk_share)}
              <span className="visually-hidden"> of words, {speaker.words} words</span>
            </span>
          </li>
        ))}
      </ul>
    </figure>
  )
}
