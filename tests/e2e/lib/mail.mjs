// Mail helpers of the browser end-to-end specs: read the capture transport's .eml files and talk
// SMTP to the server's inbound listener, the way a vendor's mail server would.
import { connect } from 'node:net'
import { readdirSync, readFileSync, statSync } from 'node:fs'
import { join } from 'node:path'

/** The captured messages (DATA_DIR/outbox/*.eml), oldest first, each with its parsed headers. */
export function capturedMessages(outbox) {
  let names
  try {
    names = readdirSync(outbox).filter((n) => n.endsWith('.eml'))
  } catch {
    return []
  }
  return names
    .map((name) => {
      const file = join(outbox, name)
      const raw = readFileSync(file, 'utf8')
      return { file, raw, mtime: statSync(file).mtimeMs, headers: parseHeaders(raw) }
    })
    .sort((a, b) => a.mtime - b.mtime)
}

/** Header fields of an RFC 5322 message, unfolded, keyed by lower-case name (last one wins). */
export function parseHeaders(raw) {
  const head = raw.split(/\r?\n\r?\n/, 1)[0]
  const headers = {}
  for (const line of head.replace(/\r?\n[ \t]+/g, ' ').split(/\r?\n/)) {
    const colon = line.indexOf(':')
    if (colon > 0) headers[line.slice(0, colon).trim().toLowerCase()] = line.slice(colon + 1).trim()
  }
  return headers
}

/** The bare address of a header value such as `Acme <reply+x@host>`. */
export function addressOf(value) {
  const m = /<([^>]+)>/.exec(value ?? '')
  return (m ? m[1] : value ?? '').trim()
}

/**
 * Sends one message over plain SMTP (no TLS, no AUTH) and resolves with the server's last reply.
 * `message` is the text after DATA; lines are sent with CRLF and dot-stuffed.
 */
export function sendSmtp({ host = '127.0.0.1', port, from, to, message, timeoutMs = 10_000 }) {
  const data = message.replace(/\r?\n/g, '\r\n').replace(/^\./gm, '..')
  const steps = [
    [220, 'EHLO vendor.e2e.test'],
    [250, `MAIL FROM:<${from}>`],
    [250, `RCPT TO:<${to}>`],
    [250, 'DATA'],
    [354, `${data}${data.endsWith('\r\n') ? '' : '\r\n'}.`],
    [250, 'QUIT'],
  ]
  return new Promise((resolve, reject) => {
    const socket = connect(port, host)
    socket.setTimeout(timeoutMs, () => socket.destroy(new Error('SMTP timeout')))
    let buffer = ''
    let step = 0
    let last = ''
    socket.on('error', reject)
    socket.on('close', () => (step >= steps.length ? resolve(last) : reject(new Error(`SMTP closed early after: ${last}`))))
    socket.on('data', (chunk) => {
      buffer += chunk.toString('utf8')
      // A reply is complete at a line "NNN text" (a dash after the code continues it).
      let m
      while ((m = /^(\d{3})([ -])(.*)\r?\n/m.exec(buffer))) {
        buffer = buffer.slice(m.index + m[0].length)
        if (m[2] === '-') continue
        last = `${m[1]} ${m[3]}`
        if (step >= steps.length) continue
        const [expected, command] = steps[step]
        if (Number(m[1]) !== expected) {
          socket.destroy(new Error(`SMTP: expected ${expected}, got ${last}`))
          return
        }
        step += 1
        socket.write(command + '\r\n')
      }
    })
  })
}
