import { screen, within } from '@testing-library/react'
import { describe, expect, it } from 'vitest'

import type { components } from '../../api/schema'
import { fakeServer, renderScreen } from '../../test/fakeApi'
import Search from './Search'

type Found = components['schemas']['SearchResponse']

const found: Found = {
  applied_filters: [
    { kind: 'client', client_id: 'c1', name: 'Helen Achterberg', from_question: 'Helen' },
    { kind: 'date_range', from: '2026-10-01', to: '2026-10-31', from_question: 'in October' },
  ],
  passages: [
    {
      kind: 'transcript',
      id: 'k1',
      session_id: 's1',
      session_title: 'Weekly check-in',
      held_at: '2026-10-06T09:00:00Z',
      clients: [{ id: 'c1', name: 'Helen Achterberg' }],
      speaker: 'Helen Achterberg',
      start_ms: 65_000,
      end_ms: 80_000,
      text: "Dana Whitfield: How are the nights?\nHelen Achterberg: I'm exhausted, I wake at four.",
      fragments: [
        { text: "Dana Whitfield: How are the nights?\nHelen Achterberg: I'm ", highlighted: false },
        { text: 'exhausted', highlighted: true },
        { text: ', I wake at four.', highlighted: false },
      ],
      quote: "I'm exhausted, I wake at four.",
      score: 0.03,
    },
  ],
  next_cursor: null,
  answer: {
    written_by: 'quoted',
    sentences: [
      { text: 'Helen Achterberg in “Weekly check-in” (6 October 2026): “I’m exhausted, I wake at four.”', citations: [1] },
    ],
  },
  nothing_found: false,
}

describe('search', () => {
  it('asks the question with its filters and shows the answer, the filters and the marked passage', async () => {
    const server = fakeServer({
      'GET /v1/clients': { body: { items: [], next_cursor: null } },
      'POST /v1/search': { body: found },
    })
    const { user } = renderScreen(<Search />, { path: '/search', at: '/search' })
    await user.type(screen.getByRole('textbox', { name: 'Question' }), 'Was Helen tired in October?')
    await user.click(screen.getByRole('button', { name: 'Search' }))

    const passages = await screen.findByRole('list', { name: 'Passages' })
    const passage = within(passages).getByRole('listitem', { name: 'Passage 1' })
    expect(within(passage).getByText('exhausted').tagName).toBe('MARK')
    const link = new URL(
      within(passage).getByRole('link', { name: 'Weekly check-in' }).getAttribute('href') ?? '',
      'http://app',
    )
    expect(link.pathname).toBe('/sessions/s1')
    expect(link.searchParams.get('quote')).toBe("I'm exhausted, I wake at four.")
    expect(link.searchParams.get('at')).toBe('65000')
    expect(passage).toHaveTextContent('at 1:05')
    expect(screen.getByLabelText('Filters applied')).toHaveTextContent(
      'Filtered by client Helen Achterberg (from “Helen”); sessions from',
    )
    const answer = screen.getByRole('region', { name: 'Answer' })
    expect(within(answer).getByRole('link', { name: 'Passage 1' })).toHaveAttribute('href', '#passage-1')
    const [request] = server.sent('POST /v1/search')
    expect(request?.body).toMatchObject({ question: 'Was Helen tired in October?', limit: 10 })
  })

  it('says when nothing was found', async () => {
    fakeServer({
      'GET /v1/clients': { body: { items: [], next_cursor: null } },
      'POST /v1/search': {
        body: { applied_filters: [], passages: [], next_cursor: null, answer: null, nothing_found: true },
      },
    })
    renderScreen(<Search />, { path: '/search', at: '/search?q=lattice%20gauge%20theory' })
    expect(await screen.findByText('Nothing found.')).toBeInTheDocument()
    expect(screen.queryByRole('list', { name: 'Passages' })).not.toBeInTheDocument()
  })
})
