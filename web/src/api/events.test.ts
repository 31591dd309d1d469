import { QueryClient } from '@tanstack/react-query'
import { afterEach, describe, expect, it, vi } from 'vitest'

import { connectLive, invalidate, parseEvent, PROTOCOL, type LiveState } from './events'
import { keys } from './keys'

class FakeSocket {
  static opened: FakeSocket[] = []
  onopen: (() => void) | null = null
  onmessage: ((message: { data: unknown }) => void) | null = null
  onclose: (() => void) | null = null
  closed = false
  readonly url: string
  readonly protocols: string[]
  constructor(url: string, protocols: string[]) {
    this.url = url
    this.protocols = protocols
    FakeSocket.opened.push(this)
  }
  close() {
    this.closed = true
    this.onclose?.()
  }
}

afterEach(() => {
  FakeSocket.opened = []
  vi.useRealTimers()
})

describe('live events', () => {
  it('carry the token as a subprotocol, never in the URL', () => {
    const connection = connectLive('ws://app.test/v1/events', 'a.b.c', () => {}, () => {}, FakeSocket as unknown as typeof WebSocket)
    const [socket] = FakeSocket.opened
    expect(socket.url).toBe('ws://app.test/v1/events')
    expect(socket.protocols).toEqual([PROTOCOL, 'bearer.a.b.c'])
    connection.close()
  })

  it('pass on each event and reconnect after a drop, refetching what was missed', () => {
    vi.useFakeTimers()
    const events: string[] = []
    const states: LiveState[] = []
    const connection = connectLive(
      'ws://app.test/v1/events',
      't.o.k',
      (event) => events.push(event.type),
      (state) => states.push(state),
      FakeSocket as unknown as typeof WebSocket,
    )
    const first = FakeSocket.opened[0]
    first.onopen?.()
    first.onmessage?.({ data: JSON.stringify({ type: 'session.ready', session_id: 's1', at: 'now' }) })
    first.onmessage?.({ data: 'not json' })
    first.onclose?.()
    expect(states).toEqual(['connecting', 'live', 'offline'])
    vi.advanceTimersByTime(30_000)
    expect(FakeSocket.opened).toHaveLength(2)
    expect(events).toEqual(['session.ready', 'events.missed'])
    connection.close()
    vi.advanceTimersByTime(60_000)
    expect(FakeSocket.opened).toHaveLength(2)
  })

  it('invalidate exactly what an event changed', async () => {
    const client = new QueryClient()
    client.setQueryData(keys.session('s1'), { id: 's1' })
    client.setQueryData(keys.session('s2'), { id: 's2' })
    client.setQueryData(keys.sessionList({}), { pages: [] })
    client.setQueryData(keys.clients, { items: [] })
    client.setQueryData(keys.followUp('f1'), { id: 'f1' })
    invalidate(client, { type: 'session.stage', session_id: 's1', stage: 'analyse', at: 'now' })
    const stale = (key: readonly unknown[]) => client.getQueryState(key)?.isInvalidated
    expect(stale(keys.session('s1'))).toBe(true)
    expect(stale(keys.sessionList({}))).toBe(true)
    expect(stale(keys.session('s2'))).toBe(false)
    expect(stale(keys.followUp('f1'))).toBe(false)
    invalidate(client, { type: 'follow_up.sent', follow_up_id: 'f1', at: 'now' })
    expect(stale(keys.followUp('f1'))).toBe(true)
    expect(stale(keys.clients)).toBe(false)
    invalidate(client, { type: 'events.missed', count: 3 })
    expect(stale(keys.clients)).toBe(true)
  })

  it('ignore what is not an event', () => {
    expect(parseEvent('{"no":"type"}')).toBeNull()
    expect(parseEvent('[')).toBeNull()
    expect(parseEvent('{"type":"session.ready","session_id":"x","at":"t"}')?.type).toBe('session.ready')
  })
})
