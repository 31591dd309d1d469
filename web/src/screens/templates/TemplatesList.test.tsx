import { screen, within } from '@testing-library/react'
import userEvent from '@testing-library/user-event'
import { describe, expect, it } from 'vitest'

import type { Template } from '../../api/types'
import { fakeServer, renderScreen } from '../../test/fakeApi'
import TemplatesList from './TemplatesList'

function template(overrides: Partial<Template>): Template {
  return {
    id: crypto.randomUUID(),
    kind: 'follow_up',
    name: 'Warm recap',
    subject: 's',
    body: 'b',
    instructions: '',
    built_in: true,
    is_default: true,
    version: 2,
    created_at: '2026-01-01T00:00:00Z',
    updated_at: '2026-01-01T00:00:00Z',
    ...overrides,
  }
}

describe('TemplatesList', () => {
  it('marks built-ins and the default, and duplicates a built-in', async () => {
    const builtIn = template({})
    const server = fakeServer({
      'GET /v1/templates': () => ({ body: [builtIn, template({ name: 'Mine', built_in: false, is_default: false })] }),
      'POST /v1/templates': () => ({ status: 201, body: template({ id: 'copy-id', built_in: false }) }),
    })
    renderScreen(<TemplatesList />)
    const user = userEvent.setup()

    const table = await screen.findByRole('table', { name: 'Follow-up templates' })
    expect(server.sent('GET /v1/templates')[0].query.get('kind')).toBe('follow_up')
    const builtInRow = within(table).getByRole('link', { name: 'Warm recap' }).closest('tr')!
    expect(within(builtInRow).getByText('Built-in')).toBeInTheDocument()
    expect(within(builtInRow).getByText('Your default')).toBeInTheDocument()
    const mineRow = within(table).getByRole('link', { name: 'Mine' }).closest('tr')!
    expect(within(mineRow).queryByText('Built-in')).not.toBeInTheDocument()

    await user.click(within(builtInRow).getByRole('button', { name: 'Duplicate' }))
    expect(await screen.findByText('Navigated to /templates/copy-id')).toBeInTheDocument()
    expect(server.sent('POST /v1/templates')[0].body).toEqual({ copy_of: builtIn.id })
  })

  it('creates a new template from the starter text and opens it', async () => {
    const server = fakeServer({
      'GET /v1/templates': () => ({ body: [] }),
      'POST /v1/templates': () => ({ status: 201, body: template({ id: 'new-id', built_in: false }) }),
    })
    renderScreen(<TemplatesList />)
    const user = userEvent.setup()

    await screen.findByText('No templates yet.')
    await user.click(screen.getByRole('button', { name: 'New template' }))
    await user.keyboard('Short check-in')
    await user.click(screen.getByRole('button', { name: 'Create template' }))

    expect(await screen.findByText('Navigated to /templates/new-id')).toBeInTheDocument()
    const [created] = server.sent('POST /v1/templates')
    expect(created.headers.get('Idempotency-Key')).toBeTruthy()
    expect(created.body).toMatchObject({ name: 'Short check-in', subject: 'Following up on {{ session_title }}' })
    expect((created.body as { body: string }).body).toContain('{{ coach_signature }}')
  })
})
