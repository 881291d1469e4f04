import { useEffect, useId, useRef, useState } from 'react'
import { Link, Outlet, useLocation, useNavigate } from 'react-router-dom'
import type { Role } from '../api/schema.gen'
import { ROLE_LABELS, useAuth } from '../auth/AuthContext'
import { UsageMeter, useUsage } from '../components/UsageMeter'
import { useUnreadInbox } from '../lib/unreadInbox'

interface NavItem {
  to: string
  label: string
  end?: boolean
}

// Accessible names of these links are a contract (tests and docs refer to them).
const TENANT_NAV: NavItem[] = [
  { to: '/dashboard', label: 'Dashboard' },
  { to: '/vendors', label: 'Vendors' },
  { to: '/lists', label: 'Lists' },
  { to: '/suppressions', label: 'Suppressions' },
  { to: '/dispatches/new', label: 'Dispatch' },
  { to: '/dispatches', label: 'Sent' },
  { to: '/inbox', label: 'Inbox' },
  { to: '/tickets', label: 'Tickets' },
]

const ADMIN_NAV: NavItem[] = [
  { to: '/admin', label: 'Overview', end: true },
  { to: '/admin/tenants', label: 'Tenants' },
  { to: '/admin/domains', label: 'Domains' },
  { to: '/admin/plans', label: 'Plans' },
  { to: '/admin/invoices', label: 'Invoices' },
  { to: '/admin/tickets', label: 'Tickets' },
  { to: '/admin/audit', label: 'Audit log' },
]

export function navItemsFor(role: Role): NavItem[] {
  if (role === 'super_admin') return ADMIN_NAV
  if (role === 'tenant_admin') return [...TENANT_NAV, { to: '/settings', label: 'Settings' }]
  return TENANT_NAV
}

/** "Sent" (/dispatches) must not light up on /dispatches/new, which belongs to "Dispatch". */
function isActive(item: NavItem, pathname: string): boolean {
  if (item.end) return pathname === item.to
  if (item.to === '/dispatches') return pathname === '/dispatches' || /^\/dispatches\/(?!new$)[^/]+/.test(pathname)
  return pathname === item.to || pathname.startsWith(item.to + '/')
}

export function Shell() {
  const { me, revalidate } = useAuth()
  const location = useLocation()
  const mainRef = useRef<HTMLElement>(null)
  const role = me?.user.role ?? 'tenant_member'
  const isTenant = role !== 'super_admin'
  const unread = useUnreadInbox(isTenant && !!me, location.pathname)
  const unreadId = useId()

  // Keep the session fresh: a navigation or a return to the window re-reads /me now and then, so a
  // suspension or a role change shows even on pages that make no request of their own.
  useEffect(() => revalidate(), [location.pathname, revalidate])
  useEffect(() => {
    window.addEventListener('focus', revalidate)
    return () => window.removeEventListener('focus', revalidate)
  }, [revalidate])

  // Move focus to the page on navigation so keyboard and screen-reader users land on the new content.
  const first = useRef(true)
  useEffect(() => {
    if (first.current) {
      first.current = false
      return
    }
    mainRef.current?.focus({ preventScroll: true })
    document.documentElement.scrollTop = 0
  }, [location.pathname])

  return (
    <div className="shell">
      <a className="skip-link" href="#main">
        Skip to main content
      </a>
      <header className="topbar">
        <div className="brand">
          <span className="brand-mark" aria-hidden="true">
            DH
          </span>
          <span className="brand-name">DispatchHub</span>
        </div>
        <div className="tenant-ctx">
          {isTenant ? (
            <>
              <span className="tenant-name">{me?.tenant?.name ?? 'Workspace'}</span>
              {me?.plan?.name ? <span className="plan-name">{String(me.plan.name)} plan</span> : null}
            </>
          ) : (
            <span className="tenant-name">Platform administration</span>
          )}
        </div>
        <div className="topbar-right">
          {isTenant ? <HeaderUsage /> : null}
          <UserMenu />
        </div>
      </header>
      <nav className="sidenav" aria-label="Main">
        <ul>
          {navItemsFor(role).map((item) => (
            <li key={item.to} className={item.to === '/inbox' && unread ? 'has-badge' : undefined}>
              <Link
                to={item.to}
                className={isActive(item, location.pathname) ? 'active' : undefined}
                aria-current={isActive(item, location.pathname) ? 'page' : undefined}
                aria-describedby={item.to === '/inbox' && unread ? unreadId : undefined}
              >
                {item.label}
              </Link>
              {/* Beside the link, not in it: the link's name stays "Inbox". */}
              {item.to === '/inbox' && unread ? (
                <span className="nav-badge" id={unreadId} data-testid="inbox-unread">
                  {unread}
                  <span className="sr-only"> unread</span>
                </span>
              ) : null}
            </li>
          ))}
        </ul>
      </nav>
      <main id="main" ref={mainRef} tabIndex={-1} className="content">
        <Outlet />
      </main>
    </div>
  )
}

function HeaderUsage() {
  const usage = useUsage()
  if (usage.error || !usage.data) return null
  return <UsageMeter usage={usage.data} compact />
}

function UserMenu() {
  const { me, logout } = useAuth()
  const navigate = useNavigate()
  const [open, setOpen] = useState(false)
  const [busy, setBusy] = useState(false)
  const menuId = useId()
  const wrap = useRef<HTMLDivElement>(null)
  const button = useRef<HTMLButtonElement>(null)

  useEffect(() => {
    if (!open) return
    const onDown = (e: MouseEvent) => {
      if (wrap.current && !wrap.current.contains(e.target as Node)) setOpen(false)
    }
    const onKey = (e: KeyboardEvent) => {
      if (e.key === 'Escape') {
        setOpen(false)
        button.current?.focus()
      }
    }
    document.addEventListener('mousedown', onDown)
    document.addEventListener('keydown', onKey)
    return () => {
      document.removeEventListener('mousedown', onDown)
      document.removeEventListener('keydown', onKey)
    }
  }, [open])

  if (!me) return null
  const onLogout = async () => {
    setBusy(true)
    try {
      await logout()
    } finally {
      setBusy(false)
      navigate('/login', { replace: true })
    }
  }
  return (
    <div className="user-menu" ref={wrap}>
      <button
        ref={button}
        type="button"
        className="user-button"
        aria-expanded={open}
        aria-controls={menuId}
        onClick={() => setOpen((o) => !o)}
      >
        <span className="avatar" aria-hidden="true">
          {(me.user.name || me.user.email || '?').slice(0, 1).toUpperCase()}
        </span>
        <span className="user-name">{me.user.name || me.user.email}</span>
        <span aria-hidden="true">▾</span>
      </button>
      <div id={menuId} className="user-popover" hidden={!open}>
        <p className="user-email">{me.user.email}</p>
        <p className="user-role">{ROLE_LABELS[me.user.role] ?? me.user.role}</p>
        <Link to="/account" className="btn btn-ghost btn-block" onClick={() => setOpen(false)}>
          Account and password
        </Link>
        <button type="button" className="btn btn-secondary btn-block" onClick={() => void onLogout()} disabled={busy}>
          {busy ? 'Logging out…' : 'Log out'}
        </button>
      </div>
    </div>
  )
}
