import { readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { brotliCompressSync, constants, gzipSync } from 'node:zlib'
import type { Plugin } from 'vite'

/** Text files worth compressing; images other than SVG and fonts are compressed already. */
const COMPRESSIBLE = /\.(?:js|mjs|css|html|svg|json|txt|map)$/
/** Below this, the headers cost more than compression saves. */
const MIN_BYTES = 1024

function filesUnder(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name)
    return statSync(path).isDirectory() ? filesUnder(path) : [path]
  })
}

/**
 * Writes `name.br` (brotli, best quality) and `name.gz` (gzip -9) next to every compressible file of
 * the build, so `dispatchhub serve` sends them with Content-Encoding without compressing per
 * request. A variant that would not be smaller is not written.
 */
export function precompress(): Plugin {
  let outDir = 'dist'
  return {
    name: 'dispatchhub-precompress',
    apply: 'build',
    configResolved(config) {
      outDir = join(config.root, config.build.outDir)
    },
    closeBundle() {
      let written = 0
      for (const file of filesUnder(outDir)) {
        if (!COMPRESSIBLE.test(file)) continue
        const data = readFileSync(file)
        if (data.length < MIN_BYTES) continue
        const variants: [string, Buffer][] = [
          ['.br', brotliCompressSync(data, { params: { [constants.BROTLI_PARAM_QUALITY]: 11, [constants.BROTLI_PARAM_SIZE_HINT]: data.length } })],
          ['.gz', gzipSync(data, { level: 9 })],
        ]
        for (const [suffix, packed] of variants) {
          if (packed.length >= data.length) continue
          writeFileSync(file + suffix, packed)
          written += 1
        }
      }
      this.info?.(`precompressed ${written} files (.br, .gz)`)
    },
  }
}
