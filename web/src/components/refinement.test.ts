import { describe, expect, it } from 'vitest'

import { instructionsBehind } from './refinement'

describe('instructionsBehind', () => {
  it('keeps only the refinements since the last edit or revert, oldest first', () => {
    const versions = [
      { version: 1, source: 'ai' },
      { version: 2, source: 'ai_refinement', instruction: 'warmer' },
      { version: 3, source: 'revert' },
      { version: 4, source: 'ai_refinement', instruction: 'shorter' },
      { version: 5, source: 'ai_refinement', instruction: 'mention Thursday' },
    ]
    expect(instructionsBehind(versions)).toEqual([
      { version: 4, instruction: 'shorter' },
      { version: 5, instruction: 'mention Thursday' },
    ])
    expect(instructionsBehind(versions.slice(0, 3))).toEqual([])
  })
})
