// A send time is picked as a wall-clock time in the CLIENT's time zone (9:00
// for them, wherever the coach is). These helpers read such a time as the UTC
// instant it names with Intl alone, by the same rules as the server: a time
// the clocks skip does not exist, a time they pass twice is the first one.

const MINUTE = 60_000
const DAY = 24 * 60 * MINUTE

/** What a date and time typed in a time zone name. */
export type LocalTime =
  | { kind: 'instant'; instant: Date }
  | { kind: 'skipped' }
  | { kind: 'invalid' }

const formatters = new Map<string, Intl.DateTimeFormat>()

function wallClockFormatter(timeZone: string): Intl.DateTimeFormat {
  let formatter = formatters.get(timeZone)
  if (!formatter) {
    formatter = new Intl.DateTimeFormat('en-US', {
      timeZone,
      hourCycle: 'h23',
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      second: '2-digit',
    })
    formatters.set(timeZone, formatter)
  }
  return formatter
}

/** The wall clock in `timeZone` at an instant, written as if it were UTC (ms). */
function wallClockAt(instant: number, timeZone: string): number {
  const parts: Record<string, number> = {}
  for (const part of wallClockFormatter(timeZone).formatToParts(new Date(instant))) {
    if (part.type !== 'literal') parts[part.type] = Number(part.value)
  }
  return Date.UTC(parts.year, parts.month - 1, parts.day, parts.hour, parts.minute, parts.second)
}

/** How far the zone's clocks are ahead of UTC at an instant, in ms. */
function offsetAt(instant: number, timeZone: string): number {
  const whole = Math.floor(instant / 1000) * 1000
  return wallClockAt(whole, timeZone) - whole
}

/** `YYYY-MM-DD` and `HH:MM` (or `HH:MM:SS`) as a wall time in ms, or null if either is not a real one. */
function parseWallTime(date: string, time: string): number | null {
  const day = /^(\d{4})-(\d{2})-(\d{2})$/.exec(date.trim())
  const clock = /^(\d{2}):(\d{2})(?::(\d{2}))?$/.exec(time.trim())
  if (!day || !clock) return null
  const [year, month, dayOfMonth] = [Number(day[1]), Number(day[2]), Number(day[3])]
  const [hour, minute, second] = [Number(clock[1]), Number(clock[2]), Number(clock[3] ?? 0)]
  if (hour > 23 || minute > 59 || second > 59) return null
  const wall = Date.UTC(year, month - 1, dayOfMonth, hour, minute, second)
  const check = new Date(wall)
  // Date.UTC rolls 30 February over into March; a real date survives the round trip.
  if (check.getUTCFullYear() !== year || check.getUTCMonth() !== month - 1 || check.getUTCDate() !== dayOfMonth) {
    return null
  }
  return wall
}

/** The instant a date and time in `timeZone` name. */
export function localTimeToUtc(date: string, time: string, timeZone: string): LocalTime {
  const wall = parseWallTime(date, time)
  if (wall === null) return { kind: 'invalid' }
  // Every offset in force within a day either side: the wall time can only
  // mean the wall time minus one of them, and only where that reads back.
  const offsets = new Set([offsetAt(wall - DAY, timeZone), offsetAt(wall, timeZone), offsetAt(wall + DAY, timeZone)])
  const instants = [...offsets]
    .map((offset) => wall - offset)
    .filter((instant) => wallClockAt(instant, timeZone) === wall)
    .sort((a, b) => a - b)
  return instants.length === 0 ? { kind: 'skipped' } : { kind: 'instant', instant: new Date(instants[0]) }
}

/** The `local_time` the schedule endpoint reads: `2026-12-03T09:00`, no offset. */
export function localTimeField(date: string, time: string): string {
  return `${date.trim()}T${time.trim()}`
}

/** An instant as the date (`YYYY-MM-DD`) and time (`HH:MM`) on the wall in `timeZone`. */
export function wallClockParts(instant: Date, timeZone: string): { date: string; time: string } {
  const iso = new Date(wallClockAt(instant.getTime(), timeZone)).toISOString()
  return { date: iso.slice(0, 10), time: iso.slice(11, 16) }
}

/** A calendar date `days` after another, both `YYYY-MM-DD`. */
export function addDays(date: string, days: number): string {
  const wall = parseWallTime(date, '12:00')
  if (wall === null) return date
  return new Date(wall + days * DAY).toISOString().slice(0, 10)
}

/** The zone as a person reads it, e.g. "Eastern Time (America/New_York)". */
export function zoneLabel(timeZone: string, at: Date = new Date()): string {
  try {
    const name = new Intl.DateTimeFormat(undefined, { timeZone, timeZoneName: 'longGeneric' })
      .formatToParts(at)
      .find((part) => part.type === 'timeZoneName')?.value
    return name && name !== timeZone ? `${name} (${timeZone})` : timeZone
  } catch {
    return timeZone
  }
}

/**
 * An instant on the wall clock of `timeZone`, with the zone's short name
 * ("3 Dec 2026, 9:00 EST"). Spelled out field by field: Intl refuses a zone
 * name alongside `dateStyle`.
 */
export function formatInZone(iso: string | null | undefined, timeZone: string): string {
  if (!iso) return '—'
  const date = new Date(iso)
  if (Number.isNaN(date.getTime())) return '—'
  return new Intl.DateTimeFormat(undefined, {
    timeZone,
    year: 'numeric',
    month: 'short',
    day: 'numeric',
    hour: 'numeric',
    minute: '2-digit',
    timeZoneName: 'short',
  }).format(date)
}
