import { render, screen } from '@testing-library/react'
import { describe, expect, it } from 'vitest'

import { Diff } from './Diff'

describe('Diff', () => {
  it('marks inserted and deleted words, and says so to screen readers', () => {
    render(<Diff label="Body changes" before="See you on Tuesday, Maria." after="See you on Thursday at nine, Maria." />)
    const block = screen.getByRole('group', { name: 'Body changes' })
    expect(block).toHaveClass('diff')
    const inserted = Array.from(block.querySelectorAll('ins')).map((node) => node.textContent)
    const deleted = Array.from(block.querySelectorAll('del')).map((node) => node.textContent)
    expect(inserted).toEqual(['added: Thursday at nine (end added)'])
    expect(deleted).toEqual(['removed: Tuesday (end removed)'])
    // Unchanged words stay outside the markers, in order.
    expect(block.textContent).toBe(
      'See you on removed: Tuesday (end removed)added: Thursday at nine (end added), Maria.',
    )
  })

  it('keeps line breaks and marks a new line as added', () => {
    const { container } = render(<Diff label="Body changes" before={'Hi Sam,\nThanks.'} after={'Hi Sam,\nThanks.\nBest, Alex'} />)
    expect(container.querySelector('del')).toBeNull()
    expect(container.querySelector('ins')?.textContent).toContain('Best, Alex')
    expect(container.querySelector('.diff')?.textContent).toContain('Hi Sam,\nThanks.')
  })

  it('says there are no changes when the texts are the same', () => {
    const { container } = render(<Diff label="Subject changes" before="Next steps" after="Next steps" />)
    expect(container.querySelector('ins, del')).toBeNull()
    expect(screen.getByRole('group', { name: 'Subject changes' })).toHaveTextContent('No changes. Next steps')
  })
})
