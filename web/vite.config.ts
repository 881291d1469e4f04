/// <reference types="vitest/config" />
import react from '@vitejs/plugin-react'
import { defineConfig } from 'vite'
import { precompress } from './precompress.ts'

// The C++ server (`dispatchhub serve`) listens on 127.0.0.1:8080 by default and serves
// web/dist with an index.html fallback, so the app uses absolute asset paths (base '/').
const backend = process.env.DISPATCHHUB_API ?? 'http://127.0.0.1:8080'
const proxy = {
  '/api': { target: backend },
  '/healthz': { target: backend },
  '/readyz': { target: backend },
}

export default defineConfig({
  base: '/',
  // precompress: .br and .gz beside each built text file, served by dispatchhub with Content-Encoding.
  plugins: [react(), precompress()],
  server: { proxy },
  preview: { proxy },
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    sourcemap: false,
    chunkSizeWarningLimit: 400,
  },
  test: {
    environment: 'jsdom',
    include: ['src/**/*.test.{ts,tsx}'],
    restoreMocks: true,
  },
})
