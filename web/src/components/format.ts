// Dates and durations as a coach reads them, in the browser's own locale.

export function formatDateTime(iso: string | null | undefined, timeZone?: string): string {
  if (!iso) return '—'
  const date = new Date(iso)
  if (Number.isNaN(date.getTime())) return '—'
  // dateStyle/timeStyle cannot be combined with timeZoneName, so spelled out when a zone is named.
  const options: Intl.DateTimeFormatOptions = timeZone
    ? { year: 'numeric', month: 'short', day: 'numeric', hour: 'numeric', minute: '2-digit', timeZone, timeZoneName: 'short' }
    : { dateStyle: 'medium', timeStyle: 'short' }
  return new Intl.DateTimeFormat(undefined, options).format(date)
}

export function formatDate(iso: string | null | undefined): string {
  if (!iso) return '—'
  // A bare date (YYYY-MM-DD) is a calendar day, not midnight UTC.
  const date = /^\d{4}-\d{2}-\d{2}$/.test(iso) ? new Date(`${iso}T12:00:00`) : new Date(iso)
  if (Number.isNaN(date.getTime())) return '—'
  return new Intl.DateTimeFormat(undefined, { dateStyle: 'medium' }).format(date)
}

/** Milliseconds as m:ss or h:mm:ss, for transcript timestamps. */
export function formatTimestamp(ms: number | null | undefined): string {
  if (ms === null || ms === undefined) return ''
  const total = Math.floor(ms / 1000)
  const hours = Math.floor(total / 3600)
  const minutes = Math.floor((total % 3600) / 60)
  const seconds = String(total % 60).padStart(2, '0')
  return hours > 0 ? `${hours}:${String(minutes).padStart(2, '0')}:${seconds}` : `${minutes}:${seconds}`
}

export function formatPercent(share: number): string {
  return `${Math.round(share * 100)}%`
}

/** "in 3 days", "2 days ago" for due dates. */
export function relativeDay(iso: string, now: Date = new Date()): string {
  const day = new Date(`${iso.slice(0, 10)}T12:00:00`)
  const today = new Date(now.getFullYear(), now.getMonth(), now.getDate(), 12)
  const days = Math.round((day.getTime() - today.getTime()) / 86_400_000)
  return new Intl.RelativeTimeFormat(undefined, { numeric: 'auto' }).format(days, 'day')
}
