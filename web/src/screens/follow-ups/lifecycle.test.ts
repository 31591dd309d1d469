import { describe, expect, it } from 'vitest'

import { allowedActions, can, STATUSES } from './lifecycle'

describe('what the coach may do in each status', () => {
  it('mirrors the server’s lifecycle', () => {
    const table = Object.fromEntries(STATUSES.map((status) => [status, [...allowedActions(status)].sort()]))
    expect(table).toEqual({
      draft: ['approve', 'cancel', 'edit'],
      approved: ['cancel', 'schedule', 'send_now'],
      scheduled: ['cancel', 'schedule', 'send_now'],
      sending: [],
      sent: [],
      failed: ['cancel', 'schedule', 'send_now'],
      cancelled: [],
      unknown: ['resolve'],
    })
  })

  it('never lets an unknown one be sent or cancelled without resolving it', () => {
    expect(can('unknown', 'send_now')).toBe(false)
    expect(can('unknown', 'cancel')).toBe(false)
    expect(can('unknown', 'resolve')).toBe(true)
  })

  it('edits only drafts, and schedules only approved ones (never a draft)', () => {
    expect(STATUSES.filter((status) => can(status, 'edit'))).toEqual(['draft'])
    expect(can('draft', 'schedule')).toBe(false)
    expect(can('draft', 'send_now')).toBe(false)
  })
})
