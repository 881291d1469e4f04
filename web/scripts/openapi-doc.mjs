// The OpenAPI document exactly as the server assembles it (src/ops/openapi.cpp): every
// api/openapi/*.json, in file-name order, deep-merged into one object. An object member merges
// into an object of the same name; anything else (arrays included) replaces what was there.
// No dependencies: the web client's type generator and the browser tests' contract check both use it.

import { readdirSync, readFileSync } from 'node:fs'
import { dirname, join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'

/** The repository's api/openapi directory. */
export const openapiDir = resolve(dirname(fileURLToPath(import.meta.url)), '../../api/openapi')

function isObject(v) {
  return v !== null && typeof v === 'object' && !Array.isArray(v)
}

function mergeInto(target, source) {
  for (const [key, value] of Object.entries(source)) {
    if (isObject(value) && isObject(target[key])) mergeInto(target[key], value)
    else target[key] = value
  }
}

/** The merged document; `files` lists the fragments read, in merge order. */
export function loadOpenApiDocument(dir = openapiDir) {
  // The server's resource table is sorted by path (byte order), as is this list.
  const files = readdirSync(dir)
    .filter((f) => f.endsWith('.json'))
    .sort((a, b) => (a < b ? -1 : a > b ? 1 : 0))
  const doc = {}
  for (const f of files) mergeInto(doc, JSON.parse(readFileSync(join(dir, f), 'utf8')))
  return { doc, files: files.map((f) => join(dir, f)) }
}
