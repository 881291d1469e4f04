import { useEffect, useState } from 'react'
import { copyText } from '../lib/clipboard'
import { Button } from './ui'

/**
 * Copies `text` and says so on the button ("Copied") for a moment; when the browser refuses, says
 * to copy by hand. `what` completes the accessible name ("Copy name of the DKIM key record").
 */
export function CopyButton({ text, what }: { text: string; what: string }) {
  const [copied, setCopied] = useState<boolean | null>(null)
  useEffect(() => {
    if (copied === null) return
    const t = setTimeout(() => setCopied(null), 4000)
    return () => clearTimeout(t)
  }, [copied])
  return (
    <>
      <Button small className="copy-btn" aria-label={`Copy ${what}`} onClick={() => void copyText(text).then(setCopied)}>
        {copied ? 'Copied' : 'Copy'}
      </Button>
      <span className="sr-only" role="status">
        {copied ? `Copied ${what}.` : ''}
      </span>
      {copied === false ? <span className="small field-error">Copying is not allowed here: select the text and copy it by hand.</span> : null}
    </>
  )
}
