import { useQueryClient } from '@tanstack/react-query'
import { createContext, useContext, useEffect, useRef, useState, type ReactNode } from 'react'

import { connectLive, invalidate, type LiveEvent, type LiveState } from '../api/events'
import { useAuth } from '../auth/AuthContext'
import { eventsUrl } from '../config'
import { useConfig } from './context'

type Listener = (event: LiveEvent) => void

interface Live {
  state: LiveState
  /** Hears every event from now on; the returned function stops it. */
  listen: (listener: Listener) => () => void
}

const LiveContext = createContext<Live>({ state: 'offline', listen: () => () => {} })

/** Keeps the live socket open while signed in; queries refetch on events. */
export function LiveEventsProvider({ children }: { children: ReactNode }) {
  const { token } = useAuth()
  const config = useConfig()
  const client = useQueryClient()
  const [state, setState] = useState<LiveState>('connecting')
  const listeners = useRef(new Set<Listener>())
  const [live] = useState<Omit<Live, 'state'>>(() => ({
    listen: (listener) => {
      listeners.current.add(listener)
      return () => listeners.current.delete(listener)
    },
  }))
  useEffect(() => {
    if (!token) return
    const connection = connectLive(
      eventsUrl(config),
      token,
      (event: LiveEvent) => {
        invalidate(client, event)
        for (const listener of listeners.current) listener(event)
      },
      setState,
    )
    return () => connection.close()
  }, [token, config, client])
  return <LiveContext.Provider value={{ state, listen: live.listen }}>{children}</LiveContext.Provider>
}

// oxlint-disable-next-line react/only-export-components
export function useLiveState(): LiveState {
  return useContext(LiveContext).state
}

/** Calls `onEvent` for each live event while the component is mounted. */
// oxlint-disable-next-line react/only-export-components
export function useLiveEvents(onEvent: Listener): void {
  const { listen } = useContext(LiveContext)
  const latest = useRef(onEvent)
  useEffect(() => {
    latest.current = onEvent
  })
  useEffect(() => listen((event) => latest.current(event)), [listen])
}
