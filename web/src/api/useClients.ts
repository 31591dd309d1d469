import { useQuery } from '@tanstack/react-query'

import { useApi } from '../app/context'
import { data } from './client'
import { keys } from './keys'

/** The coach's clients for pickers and filters: one cached query every screen shares. */
export function useClients() {
  const api = useApi()
  return useQuery({
    queryKey: keys.clients,
    queryFn: () => data(api.GET('/v1/clients', { params: { query: { limit: 200 } } })),
  })
}
