import { QueryClient, QueryClientProvider } from '@tanstack/react-query'
import { useMemo, useState } from 'react'
import { createBrowserRouter, RouterProvider } from 'react-router'

import { createApi } from '../api/client'
import { ApiProblem } from '../api/problem'
import { AuthProvider, useAuth } from '../auth/AuthContext'
import { readToken } from '../auth/token'
import type { AppConfig } from '../config'
import { ServicesContext } from './context'
import { routes } from './routes'

function makeQueryClient(): QueryClient {
  return new QueryClient({
    defaultOptions: {
      queries: {
        // Live events invalidate what changed; no refetch on a timer.
        staleTime: 30_000,
        retry: (count, error) =>
          count < 2 && !(error instanceof ApiProblem && error.status >= 400 && error.status < 500),
      },
      mutations: { retry: false },
    },
  })
}

function Services({ config }: { config: AppConfig }) {
  const { signOut } = useAuth()
  const [queryClient] = useState(makeQueryClient)
  const [router] = useState(() => createBrowserRouter(routes))
  const services = useMemo(
    () => ({
      config,
      api: createApi({
        baseUrl: config.apiBase,
        token: () => readToken()?.token ?? null,
        onUnauthorized: () => {
          queryClient.clear()
          signOut('Your sign-in has expired or was refused. Sign in again to carry on.')
        },
      }),
    }),
    [config, queryClient, signOut],
  )
  return (
    <ServicesContext.Provider value={services}>
      <QueryClientProvider client={queryClient}>
        <RouterProvider router={router} />
      </QueryClientProvider>
    </ServicesContext.Provider>
  )
}

export function App({ config }: { config: AppConfig }) {
  return (
    <AuthProvider>
      <Services config={config} />
    </AuthProvider>
  )
}
