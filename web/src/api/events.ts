// Live events: one WebSocket per signed-in tab. Each event invalidates the
// queries it changes, so screens refetch only when something happened — no
// polling loop. A dropped socket reconnects with backoff.

import type { QueryClient } from '@tanstack/react-query'

import { keys } from './keys'

export const PROTOCOL = 'flowcoach.events.v1'

export type LiveEvent =
  | { type: 'session.stage'; session_id: string; stage: string; at: string }
  | { type: 'session.ready'; session_id: string; at: string }
  | { type: 'session.failed'; session_id: string; stage: string; reason: string; at: string }
  | { type: 'follow_up.sent' | 'follow_up.unknown'; follow_up_id: string; at: string }
  | { type: 'follow_up.failed'; follow_up_id: string; reason: string; at: string }
  | { type: 'refinement.delta'; target: RefinementTarget; id: string; text: string; at: string }
  | { type: 'refinement.done'; target: RefinementTarget; id: string; version: number; version_id: string; at: string }
  | { type: 'refinement.failed'; target: RefinementTarget; id: string; reason: string; at: string }
  | { type: 'events.missed'; count: number; at?: string }

/** What a refinement revises: a follow-up (`id` is its id) or a session's summary (the session's). */
export type RefinementTarget = 'follow_up' | 'summary'

export type LiveState = 'connecting' | 'live' | 'offline'

export function parseEvent(text: string): LiveEvent | null {
  try {
    const event = JSON.parse(text) as { type?: unknown }
    return typeof event.type === 'string' ? (event as LiveEvent) : null
  } catch {
    return null
  }
}

/** What a live event makes stale. */
export function invalidate(client: QueryClient, event: LiveEvent): void {
  switch (event.type) {
    case 'session.stage':
    case 'session.ready':
    case 'session.failed':
      void client.invalidateQueries({ queryKey: keys.session(event.session_id) })
      void client.invalidateQueries({ queryKey: ['sessions', 'list'] })
      if (event.type === 'session.ready') {
        void client.invalidateQueries({ queryKey: keys.followUps })
        void client.invalidateQueries({ queryKey: keys.commitments })
        // Briefs recall the latest sessions and what they said of commitments.
        void client.invalidateQueries({ queryKey: keys.clients })
      }
      return
    case 'follow_up.sent':
    case 'follow_up.failed':
    case 'follow_up.unknown':
      void client.invalidateQueries({ queryKey: keys.followUps })
      void client.invalidateQueries({ queryKey: keys.sessions })
      return
    case 'refinement.done':
      if (event.target === 'follow_up') {
        void client.invalidateQueries({ queryKey: keys.followUp(event.id) })
      } else {
        void client.invalidateQueries({ queryKey: keys.summary(event.id) })
      }
      return
    case 'refinement.delta':
    case 'refinement.failed':
      // Read by the refine panel as they come (`useLiveEvents`); nothing stored changed.
      return
    case 'events.missed':
      void client.invalidateQueries()
      return
  }
}

export interface LiveConnection {
  close: () => void
}

/** Opens the live socket and keeps it open until `close`. */
export function connectLive(
  url: string,
  token: string,
  onEvent: (event: LiveEvent) => void,
  onState: (state: LiveState) => void,
  WebSocketImpl: typeof WebSocket = WebSocket,
): LiveConnection {
  let socket: WebSocket | null = null
  let retry: ReturnType<typeof setTimeout> | null = null
  let attempt = 0
  let closed = false

  const open = () => {
    onState('connecting')
    // The token rides as a subprotocol: browsers cannot set headers on a WebSocket,
    // and a URL would land in logs.
    socket = new WebSocketImpl(url, [PROTOCOL, `bearer.${token}`])
    socket.onopen = () => {
      attempt = 0
      onState('live')
    }
    socket.onmessage = (message) => {
      const event = typeof message.data === 'string' ? parseEvent(message.data) : null
      if (event) onEvent(event)
    }
    socket.onclose = () => {
      socket = null
      if (closed) return
      onState('offline')
      // Whatever happened while away is unknown: the next open refetches via events.missed semantics.
      const delay = Math.min(30_000, 1_000 * 2 ** attempt) * (0.5 + Math.random() / 2)
      attempt += 1
      retry = setTimeout(() => {
        onEvent({ type: 'events.missed', count: 0 })
        open()
      }, delay)
    }
  }
  open()
  return {
    close: () => {
      closed = true
      if (retry) clearTimeout(retry)
      socket?.close()
    },
  }
}
