import { describe, expect, it } from 'vitest'

import { formatDate, formatDateTime, formatTimestamp, relativeDay } from './format'

describe('formatting for people', () => {
  it('names the zone of a time shown in another zone', () => {
    const text = formatDateTime('2030-01-15T14:30:00Z', 'America/New_York')
    expect(text).toMatch(/9:30/)
    expect(text).toMatch(/EST|GMT-5/)
  })
  it('keeps a calendar day on its day whatever the browser zone', () => {
    expect(formatDate('2026-09-24')).toMatch(/24/)
    expect(formatDate(null)).toBe('—')
  })
  it('writes transcript times as m:ss or h:mm:ss', () => {
    expect(formatTimestamp(65_000)).toBe('1:05')
    expect(formatTimestamp(3_725_000)).toBe('1:02:05')
    expect(formatTimestamp(null)).toBe('')
  })
  it('counts days relative to today', () => {
    expect(relativeDay('2026-12-04', new Date(2026, 11, 2, 18))).toBe('in 2 days')
    expect(relativeDay('2026-12-01', new Date(2026, 11, 2, 1))).toBe('yesterday')
  })
})
