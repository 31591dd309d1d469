import { createContext, useContext } from 'react'

import type { Api } from '../api/client'
import type { AppConfig } from '../config'

export interface AppServices {
  config: AppConfig
  api: Api
}

export const ServicesContext = createContext<AppServices | null>(null)

/** The typed API client of the signed-in coach. */
export function useApi(): Api {
  const services = useContext(ServicesContext)
  if (!services) throw new Error('useApi outside the app')
  return services.api
}

export function useConfig(): AppConfig {
  const services = useContext(ServicesContext)
  if (!services) throw new Error('useConfig outside the app')
  return services.config
}
