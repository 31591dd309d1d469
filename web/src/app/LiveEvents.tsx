import { useQueryClient } from '@tanstack/react-query'
import { createContext, useContext, useEffect, useState, type ReactNode } from 'react'

import { connectLive, invalidate, type LiveEvent, type LiveState } from '../api/events'
import { useAuth } from '../auth/AuthContext'
import { eventsUrl } from '../config'
import { useConfig } from './context'

const LiveContext = createContext<LiveState>('offline')

/** Keeps the live socket open while signed in; queries refetch on events. */
export function LiveEventsProvider({ children }: { children: ReactNode }) {
  const { token } = useAuth()
  const config = useConfig()
  const client = useQueryClient()
  const [state, setState] = useState<LiveState>('connecting')
  useEffect(() => {
    if (!token) return
    const connection = connectLive(
      eventsUrl(config),
      token,
      (event: LiveEvent) => invalidate(client, event),
      setState,
    )
    return () => connection.close()
  }, [token, config, client])
  return <LiveContext.Provider value={state}>{children}</LiveContext.Provider>
}

// oxlint-disable-next-line react/only-export-components
export function useLiveState(): LiveState {
  return useContext(LiveContext)
}
