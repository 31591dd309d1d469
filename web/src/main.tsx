import { StrictMode } from 'react'
import { createRoot } from 'react-dom/client'

import { App } from './app/App'
import { loadConfig } from './config'
import './styles.css'

const root = createRoot(document.getElementById('root') as HTMLElement)

loadConfig()
  .then((config) =>
    root.render(
      <StrictMode>
        <App config={config} />
      </StrictMode>,
    ),
  )
  .catch((error: unknown) => {
    const message = error instanceof Error ? error.message : 'FlowCoach could not start.'
    root.render(
      <main className="boot-error" role="alert">
        <h1>FlowCoach could not start</h1>
        <p>{message} Reload the page to try again.</p>
      </main>,
    )
  })
