import { describe, expect, it } from 'vitest'

import { addDays, todayIn } from './days'

describe('calendar days', () => {
  it('reads today in the given zone, not UTC', () => {
    const lateEveningInNewYork = new Date('2026-03-10T03:30:00Z')
    expect(todayIn('America/New_York', lateEveningInNewYork)).toBe('2026-03-09')
    expect(todayIn('Europe/Berlin', lateEveningInNewYork)).toBe('2026-03-10')
  })

  it('falls back to the browser zone for an unknown zone', () => {
    expect(todayIn('Not/AZone', new Date('2026-03-10T12:00:00Z'))).toMatch(/^\d{4}-\d{2}-\d{2}$/)
  })

  it('adds days across month and year ends', () => {
    expect(addDays('2026-12-28', 7)).toBe('2027-01-04')
    expect(addDays('2028-02-28', 1)).toBe('2028-02-29')
    expect(addDays('2026-03-01', -1)).toBe('2026-02-28')
  })
})
