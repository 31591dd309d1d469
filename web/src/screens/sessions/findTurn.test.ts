import { describe, expect, it } from 'vitest'

import { findTurn } from './findTurn'

const turns = [
  { text: 'How have the nights been?', start_ms: 0 },
  { text: "Honestly, I'm exhausted — running on empty.", start_ms: 4_000 },
  { text: 'What helps?', start_ms: 9_000 },
]

describe('findTurn', () => {
  it('finds the turn holding the quote whatever its punctuation and case', () => {
    expect(findTurn(turns, "i'm exhausted running on", null)).toBe(1)
  })

  it('falls back to the turn running at the time, and finds nothing without either', () => {
    expect(findTurn(turns, 'words nobody said', '9500')).toBe(2)
    expect(findTurn(turns, null, '5000')).toBe(1)
    expect(findTurn(turns, null, null)).toBe(-1)
    expect(findTurn(turns, 'words nobody said', 'soon')).toBe(-1)
  })
})
