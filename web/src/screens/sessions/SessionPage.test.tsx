import { screen } from '@testing-library/react'
import { describe, expect, it } from 'vitest'

import type { Session } from '../../api/types'
import { fakeServer, renderScreen } from '../../test/fakeApi'
import SessionPage from './SessionPage'

function aSession(overrides: Partial<Session> = {}): Session {
  return {
    id: 's1',
    title: 'Quarterly check-in',
    kind: 'one_to_one',
    held_at: '2026-06-02T09:00:00Z',
    duration_seconds: 3600,
    coach_speaker_label: null,
    status: 'ready',
    stage: null,
    failure_stage: null,
    failure_reason: null,
    generation: 1,
    transcript: {
      filename: 'check-in.vtt',
      format: 'webvtt',
      size_bytes: 2048,
      sha256: 'ab'.repeat(32),
      language: 'en',
    },
    transcript_purged_at: null,
    unmatched_speakers: [],
    metrics: null,
    participants: [{ client_id: 'c1', name: 'Sam Okafor', speaker_label: 'Sam', attendance: 'attended' }],
    created_at: '2026-06-02T10:00:00Z',
    updated_at: '2026-06-02T10:05:00Z',
    ...overrides,
  }
}

function openSession() {
  return renderScreen(<SessionPage />, { path: '/sessions/:id', at: '/sessions/s1' })
}

describe('the session page’s transcript', () => {
  it('offers the transcript with its turns', async () => {
    const server = fakeServer({
      'GET /v1/sessions/s1': { body: aSession() },
      'GET /v1/sessions/s1/follow-ups': { body: { items: [] } },
      'GET /v1/sessions/s1/transcript': {
        body: {
          generation: 1,
          utterances: [
            { speaker: 'Coach', start_ms: 0, end_ms: 4000, text: 'How did the week go?' },
            { speaker: 'Sam', start_ms: 4000, end_ms: 9000, text: 'Better than I feared.' },
          ],
        },
      },
    })
    openSession()
    expect(await screen.findByText('Show the transcript (2 turns)')).toBeInTheDocument()
    expect(server.sent('GET /v1/sessions/s1/transcript')).toHaveLength(1)
  })

  it('says when retention removed it, and does not ask for it', async () => {
    const server = fakeServer({
      'GET /v1/sessions/s1': { body: aSession({ transcript: null, transcript_purged_at: '2026-12-03T06:00:00Z' }) },
      'GET /v1/sessions/s1/follow-ups': { body: { items: [] } },
    })
    openSession()
    expect(await screen.findByText(/under your retention setting/)).toBeInTheDocument()
    expect(screen.getByRole('link', { name: 'Change how long transcripts are kept' })).toHaveAttribute(
      'href',
      '/settings',
    )
    expect(screen.queryByText(/Show the transcript/)).not.toBeInTheDocument()
    expect(server.sent('GET /v1/sessions/s1/transcript')).toHaveLength(0)
  })
})
