import { StrictMode } from 'react'
import { createRoot } from 'react-dom/client'
import { ApiProvider } from './app/api-context'
import { App } from './app/App'
import { ImportsProvider } from './app/imports-context'
import { StatusProvider } from './app/StatusContext'
import { ThemeProvider } from './app/theme'
import { TimeProvider } from './app/time-context'
import { createApi } from './lib/api-client'
import './styles.css'

createRoot(document.getElementById('root')!).render(
  <StrictMode>
    <ApiProvider api={createApi()}>
      <ThemeProvider>
        <TimeProvider>
          <StatusProvider>
            <ImportsProvider>
              <App />
            </ImportsProvider>
          </StatusProvider>
        </TimeProvider>
      </ThemeProvider>
    </ApiProvider>
  </StrictMode>,
)
