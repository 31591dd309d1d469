import { describe, expect, it } from 'vitest'

import { addDays, localTimeField, localTimeToUtc, wallClockParts, zoneLabel } from './schedule'

function utc(date: string, time: string, zone: string): string {
  const result = localTimeToUtc(date, time, zone)
  if (result.kind !== 'instant') throw new Error(`${date} ${time} in ${zone} is ${result.kind}`)
  return result.instant.toISOString()
}

describe('a local time in the client’s zone', () => {
  it('is read with the offset in force on that day, across daylight saving', () => {
    // New York: EDT (UTC-4) until 2026-11-01 02:00, then EST (UTC-5).
    expect(utc('2026-10-31', '09:00', 'America/New_York')).toBe('2026-10-31T13:00:00.000Z')
    expect(utc('2026-11-02', '09:00', 'America/New_York')).toBe('2026-11-02T14:00:00.000Z')
    expect(utc('2026-07-01', '09:00', 'Europe/London')).toBe('2026-07-01T08:00:00.000Z')
    expect(utc('2026-12-01', '09:00', 'Europe/London')).toBe('2026-12-01T09:00:00.000Z')
  })

  it('handles zones off the whole hour and south of the equator', () => {
    expect(utc('2026-12-03', '09:00', 'Asia/Kolkata')).toBe('2026-12-03T03:30:00.000Z')
    expect(utc('2026-12-03', '09:00', 'Asia/Kathmandu')).toBe('2026-12-03T03:15:00.000Z')
    // Sydney is on daylight time (UTC+11) in December, standard (UTC+10) in July.
    expect(utc('2026-12-03', '09:00', 'Australia/Sydney')).toBe('2026-12-02T22:00:00.000Z')
    expect(utc('2026-07-03', '09:00', 'Australia/Sydney')).toBe('2026-07-02T23:00:00.000Z')
  })

  it('means the first of two when the clocks pass a time twice', () => {
    expect(utc('2026-11-01', '01:30', 'America/New_York')).toBe('2026-11-01T05:30:00.000Z')
    expect(utc('2026-10-25', '01:30', 'Europe/London')).toBe('2026-10-25T00:30:00.000Z')
  })

  it('does not exist when the clocks skip it', () => {
    expect(localTimeToUtc('2026-03-08', '02:30', 'America/New_York')).toEqual({ kind: 'skipped' })
    expect(localTimeToUtc('2026-03-29', '01:15', 'Europe/London')).toEqual({ kind: 'skipped' })
    // Samoa skipped the whole of 30 December 2011.
    expect(localTimeToUtc('2011-12-30', '12:00', 'Pacific/Apia')).toEqual({ kind: 'skipped' })
    // The minute either side of a gap is real.
    expect(utc('2026-03-08', '01:59', 'America/New_York')).toBe('2026-03-08T06:59:00.000Z')
    expect(utc('2026-03-08', '03:00', 'America/New_York')).toBe('2026-03-08T07:00:00.000Z')
  })

  it('reads midnight and seconds, and refuses what is not a date and time', () => {
    expect(utc('2026-12-03', '00:00', 'UTC')).toBe('2026-12-03T00:00:00.000Z')
    expect(utc('2026-12-03', '23:59:30', 'UTC')).toBe('2026-12-03T23:59:30.000Z')
    for (const [date, time] of [
      ['2026-02-30', '09:00'],
      ['2026-12-03', '24:00'],
      ['2026-12-03', ''],
      ['', '09:00'],
      ['3 December', '9am'],
    ]) {
      expect(localTimeToUtc(date, time, 'UTC')).toEqual({ kind: 'invalid' })
    }
  })
})

describe('the other way and around it', () => {
  it('gives the wall clock of an instant in a zone', () => {
    expect(wallClockParts(new Date('2026-11-02T14:00:00Z'), 'America/New_York')).toEqual({
      date: '2026-11-02',
      time: '09:00',
    })
    expect(wallClockParts(new Date('2026-12-02T22:00:00Z'), 'Australia/Sydney')).toEqual({
      date: '2026-12-03',
      time: '09:00',
    })
  })

  it('writes the field the API reads, and counts calendar days', () => {
    expect(localTimeField('2026-12-03', '09:00')).toBe('2026-12-03T09:00')
    expect(addDays('2026-12-31', 1)).toBe('2027-01-01')
    expect(addDays('2028-02-28', 1)).toBe('2028-02-29')
  })

  it('names the zone for a person and keeps its IANA name', () => {
    expect(zoneLabel('America/New_York')).toContain('America/New_York')
    expect(zoneLabel('Not/AZone')).toBe('Not/AZone')
  })
})
