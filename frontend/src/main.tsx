import { StrictMode } from 'react'
import { createRoot } from 'react-dom/client'

import '@fontsource/orbitron/latin-700.css'
import './index.css'
import { App } from './app/App.tsx'
import { startClub } from './app/bootstrap.ts'

startClub()

createRoot(document.getElementById('root') as HTMLElement).render(
  <StrictMode>
    <App />
  </StrictMode>,
)
