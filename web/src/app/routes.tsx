import { lazy, Suspense, type ComponentType, type ReactNode } from 'react'
import { Navigate, type RouteObject } from 'react-router'

import { CALLBACK_PATH } from '../auth/cognito'
import { Loading } from '../components/QueryView'
import { NotFound } from '../screens/NotFound'
import { Layout } from './Layout'
import { RequireSignIn } from './RequireSignIn'
import { RouteError } from './RouteError'

/** Each screen is its own chunk: the first screen loads only what it shows. */
function screen(load: () => Promise<{ default: ComponentType }>): ReactNode {
  const Screen = lazy(load)
  return (
    <Suspense fallback={<Loading label="Opening…" />}>
      <Screen />
    </Suspense>
  )
}

export const routes: RouteObject[] = [
  { path: '/sign-in', element: screen(() => import('../auth/SignIn')) },
  { path: CALLBACK_PATH, element: screen(() => import('../auth/Callback')) },
  {
    element: <RequireSignIn />,
    errorElement: <RouteError />,
    children: [
      {
        element: <Layout />,
        children: [
          {
            // Inside the layout, so a broken screen keeps the navigation.
            errorElement: <RouteError />,
            children: [
              { index: true, element: <Navigate to="/sessions" replace /> },
              { path: 'sessions', element: screen(() => import('../screens/sessions/SessionsList')) },
              { path: 'sessions/new', element: screen(() => import('../screens/sessions/NewSession')) },
              { path: 'sessions/:id', element: screen(() => import('../screens/sessions/SessionPage')) },
              { path: 'follow-ups', element: screen(() => import('../screens/follow-ups/FollowUpsList')) },
              { path: 'follow-ups/:id', element: screen(() => import('../screens/follow-ups/FollowUpEditor')) },
              { path: 'commitments', element: screen(() => import('../screens/commitments/Commitments')) },
              { path: 'clients', element: screen(() => import('../screens/clients/ClientsList')) },
              { path: 'clients/:id', element: screen(() => import('../screens/clients/ClientPage')) },
              { path: 'templates', element: screen(() => import('../screens/templates/TemplatesList')) },
              { path: 'templates/:id', element: screen(() => import('../screens/templates/TemplateEditor')) },
              { path: 'search', element: screen(() => import('../screens/search/Search')) },
              { path: 'settings', element: screen(() => import('../screens/settings/Settings')) },
              { path: '*', element: <NotFound /> },
            ],
          },
        ],
      },
    ],
  },
  { path: '*', element: <NotFound /> },
]
