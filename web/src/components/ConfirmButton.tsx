import { useEffect, useRef, useState } from 'react'
import { Button } from './ui'

/**
 * A button that asks for confirmation inline (no window.confirm, which automated browsers
 * dismiss and which blocks the page). Escape or "Keep" backs out.
 */
export function ConfirmButton({
  label,
  question,
  confirmLabel,
  onConfirm,
  variant = 'secondary',
  small,
  busy,
  disabled,
  ariaLabel,
}: {
  label: string
  question: string
  confirmLabel: string
  onConfirm: () => void
  variant?: 'primary' | 'secondary' | 'danger'
  small?: boolean
  busy?: boolean
  disabled?: boolean
  ariaLabel?: string
}) {
  const [open, setOpen] = useState(false)
  const confirmRef = useRef<HTMLButtonElement>(null)
  useEffect(() => {
    if (open) confirmRef.current?.focus()
  }, [open])
  if (!open)
    return (
      <Button variant={variant} small={small} busy={busy} disabled={disabled} onClick={() => setOpen(true)} aria-label={ariaLabel}>
        {label}
      </Button>
    )
  return (
    <span
      className="confirm"
      role="group"
      aria-label={question}
      onKeyDown={(e) => {
        if (e.key === 'Escape') setOpen(false)
      }}
    >
      <span className="confirm-q">{question}</span>
      <button
        ref={confirmRef}
        type="button"
        className={`btn btn-${variant === 'secondary' ? 'primary' : variant}${small ? ' btn-sm' : ''}`}
        onClick={() => {
          setOpen(false)
          onConfirm()
        }}
      >
        {confirmLabel}
      </button>
      <Button small={small} variant="ghost" onClick={() => setOpen(false)}>
        Keep
      </Button>
    </span>
  )
}
