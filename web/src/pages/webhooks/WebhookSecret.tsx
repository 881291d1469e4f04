// A webhook signing secret shown once (after registering an endpoint or rotating its secret),
// with how a receiver verifies a request signed with it.
import { useEffect, useRef, useState, type ReactNode } from 'react'
import { Button } from '../../components/ui'
import { copyText } from '../../lib/clipboard'

/** A signing secret just issued: shown this once, with how to check a request. */
export function NewSecret({ title, secret, onDone }: { title: ReactNode; secret: string; onDone: () => void }) {
  const [copied, setCopied] = useState<boolean | null>(null)
  const input = useRef<HTMLInputElement>(null)
  // Bring the secret into view (and select it) where it was just asked for.
  useEffect(() => input.current?.focus(), [secret])
  return (
    <section className="secret-panel" aria-label="New webhook secret">
      <div className="notice notice-success secret" role="status">
        <p className="notice-title">{title}</p>
        <div className="secret-row">
          <label htmlFor="new-webhook-secret" className="sr-only">
            Signing secret
          </label>
          <input ref={input} id="new-webhook-secret" className="mono" readOnly value={secret} onFocus={(e) => e.target.select()} />
          <Button small onClick={() => void copyText(secret).then(setCopied)}>
            {copied ? 'Copied' : 'Copy'}
          </Button>
          <Button small variant="ghost" onClick={onDone}>
            Done
          </Button>
        </div>
        {copied === false ? <p className="small">Copying is not allowed here: select the secret and copy it by hand.</p> : null}
        <p className="small">
          Lost it? “Rotate secret” on the endpoint’s page issues a new one; the current one stops working at once.
        </p>
      </div>
      <VerifyHelp />
    </section>
  )
}

/** How a receiver checks that a request comes from DispatchHub (src/webhooks/signing.hpp, docs/architecture.md). */
export function VerifyHelp() {
  return (
    <div className="verify-help">
      <h3 className="h-small">Verifying a request</h3>
      <p>
        Each event arrives as a <code>POST</code> with a JSON body <code>{'{id, type, created_at, tenant_id, data}'}</code>{' '}
        and these headers:
      </p>
      <dl className="kv">
        <dt>
          <code>DispatchHub-Event-Id</code>
        </dt>
        <dd>the event’s id, the same for every endpoint it goes to</dd>
        <dt>
          <code>DispatchHub-Event-Type</code>
        </dt>
        <dd>
          e.g. <code>delivery.sent</code>
        </dd>
        <dt>
          <code>DispatchHub-Timestamp</code>
        </dt>
        <dd>when it was signed, in Unix seconds</dd>
        <dt>
          <code>DispatchHub-Signature</code>
        </dt>
        <dd>
          <code>v1=</code> and the lower-case hex HMAC-SHA256 of the signed string
        </dd>
      </dl>
      <ol>
        <li>
          Build the signed string <code>{'<timestamp>.<body>'}</code>: the <code>DispatchHub-Timestamp</code> value, a
          dot, and the raw request body exactly as received.
        </li>
        <li>
          Compute its HMAC-SHA256 with the whole secret (<code>whsec_</code> included) as the key, and compare{' '}
          <code>v1=</code> and its hex with <code>DispatchHub-Signature</code> in constant time.
        </li>
        <li>Refuse requests whose timestamp is more than a few minutes old.</li>
        <li>
          Delivery is at least once and unordered: drop repeats by <code>DispatchHub-Event-Id</code>, order by{' '}
          <code>created_at</code>.
        </li>
        <li>
          Answer with a 2xx status quickly. Any other answer, a timeout or a refused connection is retried with growing
          delays (for 6 hours by default), then the delivery is marked failed.
        </li>
      </ol>
    </div>
  )
}
