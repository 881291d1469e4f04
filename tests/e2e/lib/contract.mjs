// The contract check of the browser tests: every JSON answer the specs see (the harness's api()
// helper and every /api/v1/ response the browser pages receive) must match the OpenAPI response
// schema for its method, path template and status. The schemas are read from api/openapi/*.json
// of this checkout, merged as the server merges them (not from the server, whose binary embeds the
// fragments it was built with), and checked with ajv (JSON Schema 2020-12, as OpenAPI 3.1 uses).
//
// A mismatch names the method, the path, the status and ajv's errors. Formats (date-time, uuid)
// are not checked: the schemas use them as documentation.
import Ajv2020 from 'ajv/dist/2020.js'
import { appendFileSync } from 'node:fs'
import { loadOpenApiDocument } from '../../../web/scripts/openapi-doc.mjs'

const DOC_ID = 'dispatchhub-openapi.json'
const METHODS = ['get', 'put', 'post', 'delete', 'patch']

const { doc } = loadOpenApiDocument()
// The document itself is registered as a schema so that every "#/components/schemas/…" resolves
// inside it; its OpenAPI-only members (paths, info, example, …) are not JSON Schema keywords.
const ajv = new Ajv2020({ strict: false, allErrors: true, validateFormats: false })
ajv.addSchema(doc, DOC_ID)

function pointerPart(s) {
  return String(s).replace(/~/g, '~0').replace(/\//g, '~1')
}

/** Path templates as regular expressions; literal templates before ones with parameters. */
const templates = Object.keys(doc.paths ?? {})
  .map((template) => {
    const parts = template.split('/')
    const pattern = parts.map((p) => (/^\{[^}]+\}$/.test(p) ? '[^/]+' : p.replace(/[.*+?^$()|[\]\\]/g, '\\$&'))).join('/')
    return { template, re: new RegExp(`^${pattern}$`), params: parts.filter((p) => p.startsWith('{')).length }
  })
  .sort((a, b) => a.params - b.params)

function pathTemplate(path) {
  return templates.find((t) => t.re.test(path))?.template ?? null
}

const validators = new Map()
function validatorFor(pointer) {
  let v = validators.get(pointer)
  if (!v) {
    v = ajv.compile({ $ref: `${DOC_ID}#${pointer}` })
    validators.set(pointer, v)
  }
  return v
}

function resolveRef(node) {
  let n = node
  for (let i = 0; n && n.$ref && i < 10; i++) {
    n = n.$ref
      .replace(/^#\//, '')
      .split('/')
      .map((p) => p.replace(/~1/g, '/').replace(/~0/g, '~'))
      .reduce((o, k) => o?.[k], doc)
  }
  return n
}

export const counts = { checked: 0, mismatches: 0, bySource: {} }

/**
 * Checks one JSON answer. Returns null when it matches, else a message naming what is wrong.
 * `path` is the URL path (a query string is ignored); `contentType` picks the media type.
 */
export function checkResponse({ method, path, status, contentType = 'application/json', body, source = 'api' }) {
  const pathname = path.split('?')[0]
  const m = method.toLowerCase()
  const where = `${method.toUpperCase()} ${pathname} → ${status}`
  counts.checked += 1
  counts.bySource[source] = (counts.bySource[source] ?? 0) + 1
  const fail = (why) => {
    counts.mismatches += 1
    return `contract: ${where}: ${why}`
  }
  const template = pathTemplate(pathname)
  if (!template) return fail('no path of the OpenAPI document matches')
  const op = doc.paths[template][m]
  if (!op || !METHODS.includes(m)) return fail(`${template} documents no ${m.toUpperCase()}`)
  const responses = op.responses ?? {}
  const key = [String(status), `${String(status)[0]}XX`, 'default'].find((k) => k in responses)
  if (!key) return fail(`${m.toUpperCase()} ${template} documents no ${status} answer (documented: ${Object.keys(responses).join(', ')})`)
  const response = resolveRef(responses[key])
  const content = response?.content ?? {}
  const media = contentType.split(';')[0].trim().toLowerCase()
  const mediaKey = media in content ? media : Object.keys(content).find((k) => k.includes('json'))
  if (!mediaKey) return fail(`the ${key} answer of ${m.toUpperCase()} ${template} is documented without a JSON body, but one came`)
  if (!content[mediaKey].schema) return fail(`the ${key} answer of ${m.toUpperCase()} ${template} has no schema for ${mediaKey}`)
  // The pointer to the schema as it sits in the document (through a components/responses $ref).
  const responsePointer = responses[key].$ref
    ? responses[key].$ref.replace(/^#/, '')
    : `/paths/${pointerPart(template)}/${m}/responses/${pointerPart(key)}`
  const validate = validatorFor(`${responsePointer}/content/${pointerPart(mediaKey)}/schema`)
  if (validate(body)) return null
  const errors = validate.errors
    .slice(0, 8)
    .map((e) => `${e.instancePath || '(body)'} ${e.message}${e.params && Object.keys(e.params).length ? ` ${JSON.stringify(e.params)}` : ''}`)
    .join('; ')
  return fail(`does not match the schema of ${m.toUpperCase()} ${template} ${key} (${mediaKey}): ${errors}`)
}

/** Appends this process's counts to a file (run.sh sums the lines of every spec). */
export function recordCounts(file) {
  if (!file) return
  process.on('exit', () => {
    try {
      appendFileSync(file, `${JSON.stringify({ pid: process.pid, ...counts })}\n`)
    } catch {
      // the summary is informative only
    }
  })
}
