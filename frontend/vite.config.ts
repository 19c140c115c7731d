/// <reference types="vitest/config" />
import { defineConfig } from 'vite'
import react from '@vitejs/plugin-react'
import tailwindcss from '@tailwindcss/vite'

// The edge serves dist/ at / and the WebSocket at /ws on the same host. In `npm run dev`,
// /ws is proxied to a running stack (CLUB_DEV_EDGE, default the `./club up` port 8080).
const edge = process.env.CLUB_DEV_EDGE ?? 'http://127.0.0.1:8080'

export default defineConfig({
  plugins: [react(), tailwindcss()],
  base: './',
  build: {
    target: 'es2022',
    // Only .js, .css, .svg and .html come out: the edge knows those MIME types.
    assetsInlineLimit: 0,
    sourcemap: false,
  },
  server: {
    proxy: { '/ws': { target: edge, ws: true } },
  },
  test: {
    include: ['src/**/*.test.{ts,tsx}'],
    environment: 'node',
  },
})
