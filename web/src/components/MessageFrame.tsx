/**
 * A rendered mail body. Mail HTML is untrusted content: it is shown in a sandboxed frame without
 * scripts or same-origin access, with a policy that loads nothing remote. Without HTML the text part
 * is shown as plain text.
 */
export function MessageFrame({ html, text, title = 'Message' }: { html?: string | null; text?: string | null; title?: string }) {
  if (html)
    return (
      <iframe
        className="preview-frame"
        title={title}
        sandbox=""
        srcDoc={`<!doctype html><meta charset="utf-8"><meta http-equiv="Content-Security-Policy" content="default-src 'none'; img-src data:; style-src 'unsafe-inline'"><base target="_blank"><body style="font-family:system-ui,sans-serif;font-size:14px;line-height:1.5;margin:12px">${html}</body>`}
      />
    )
  if (text) return <pre className="preview-text">{text}</pre>
  return null
}
