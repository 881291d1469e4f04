// @vitest-environment node
/// <reference types="node" />
// schema.gen.ts is committed so that tsc, oxlint and vitest need no generation step on a fresh
// clone; this test fails when it no longer matches api/openapi/*.json (run `npm run openapi`).
import { execFileSync } from 'node:child_process'
import { fileURLToPath } from 'node:url'
import { describe, expect, it } from 'vitest'

const webDir = fileURLToPath(new URL('../..', import.meta.url))

describe('src/api/schema.gen.ts', () => {
  it('is what scripts/openapi.mjs generates from the OpenAPI document', () => {
    let output = ''
    try {
      output = execFileSync(process.execPath, ['scripts/openapi.mjs', '--check'], { cwd: webDir, encoding: 'utf8', stdio: 'pipe' })
    } catch (e) {
      const err = e as { stderr?: string; stdout?: string }
      output = `${err.stdout ?? ''}${err.stderr ?? ''}`
    }
    expect(output.trim()).toBe('src/api/schema.gen.ts is up to date')
  }, 60_000)
})
