import { BrowserRouter, Navigate, Route, Routes } from 'react-router-dom'
import { AuthProvider } from './auth/AuthContext'
import { HomeRedirect, RequireAuth, RequireRole } from './auth/guards'
import { Shell } from './layout/Shell'
import { Dashboard } from './pages/Dashboard'
import { DispatchDetailPage } from './pages/dispatch/DispatchDetailPage'
import { DispatchesPage } from './pages/dispatch/DispatchesPage'
import { InboxMessagePage, InboxPage } from './pages/InboxPage'
import { ListsPage } from './pages/ListsPage'
import { LoginPage } from './pages/LoginPage'
import { NotFound } from './pages/NotFound'
import { SettingsPage } from './pages/SettingsPage'
import { SuppressionsPage } from './pages/SuppressionsPage'
import { TicketDetailPage, TicketsPage } from './pages/TicketsPage'
import { VendorDetailPage } from './pages/vendors/VendorDetailPage'
import { VendorEditPage, VendorNewPage } from './pages/vendors/VendorFormPage'
import { VendorsPage } from './pages/vendors/VendorsPage'
import { WebhookDetailPage } from './pages/webhooks/WebhookDetailPage'
import { WebhooksPage } from './pages/webhooks/WebhooksPage'
import type { Role } from './api/schema.gen'
import { lazy, Suspense, type ReactNode } from 'react'
import { Loading } from './components/ui'

// The super-admin portal is its own chunk: tenant users never download it.
const OverviewPage = lazy(() => import('./pages/admin/AdminPages').then((m) => ({ default: m.OverviewPage })))
const PlansPage = lazy(() => import('./pages/admin/PlansPage').then((m) => ({ default: m.PlansPage })))
const InvoicesPage = lazy(() => import('./pages/admin/AdminPages').then((m) => ({ default: m.InvoicesPage })))
const InvoiceDetailPage = lazy(() => import('./pages/admin/InvoiceDetailPage').then((m) => ({ default: m.InvoiceDetailPage })))
const AdminDomainsPage = lazy(() => import('./pages/admin/AdminDomainsPage').then((m) => ({ default: m.AdminDomainsPage })))
const AuditPage = lazy(() => import('./pages/admin/AdminPages').then((m) => ({ default: m.AuditPage })))
const TenantsPage = lazy(() => import('./pages/admin/TenantsPage').then((m) => ({ default: m.TenantsPage })))
const TenantDetailPage = lazy(() => import('./pages/admin/TenantsPage').then((m) => ({ default: m.TenantDetailPage })))

// Pages visited less often are chunks of their own, so the sign-in page loads less script.
const ComposePage = lazy(() => import('./pages/dispatch/ComposePage').then((m) => ({ default: m.ComposePage })))
const VendorImportPage = lazy(() => import('./pages/vendors/VendorImportPage').then((m) => ({ default: m.VendorImportPage })))
const ListDetailPage = lazy(() => import('./pages/ListDetailPage').then((m) => ({ default: m.ListDetailPage })))
const DomainsPage = lazy(() => import('./pages/domains/DomainsPage').then((m) => ({ default: m.DomainsPage })))
const DomainDetailPage = lazy(() => import('./pages/domains/DomainDetailPage').then((m) => ({ default: m.DomainDetailPage })))
const AccountPage = lazy(() => import('./pages/AccountPages').then((m) => ({ default: m.AccountPage })))
const ForgotPasswordPage = lazy(() => import('./pages/AccountPages').then((m) => ({ default: m.ForgotPasswordPage })))
const ResetPasswordPage = lazy(() => import('./pages/AccountPages').then((m) => ({ default: m.ResetPasswordPage })))

const later = (el: ReactNode) => <Suspense fallback={<Loading />}>{el}</Suspense>
const TENANT: Role[] = ['tenant_admin', 'tenant_member']
const tenant = (el: ReactNode) => <RequireRole roles={TENANT}>{later(el)}</RequireRole>
const tenantAdmin = (el: ReactNode) => <RequireRole roles={['tenant_admin']}>{el}</RequireRole>
const superAdmin = (el: ReactNode) => (
  <RequireRole roles={['super_admin']}>
    <Suspense fallback={<Loading />}>{el}</Suspense>
  </RequireRole>
)

export function AppRoutes() {
  return (
    <Routes>
      <Route path="/login" element={<LoginPage />} />
      <Route path="/forgot-password" element={later(<ForgotPasswordPage />)} />
      <Route path="/reset-password" element={later(<ResetPasswordPage />)} />
      <Route
        element={
          <RequireAuth>
            <Shell />
          </RequireAuth>
        }
      >
        <Route index element={<HomeRedirect />} />
        <Route path="account" element={later(<AccountPage />)} />
        <Route path="dashboard" element={tenant(<Dashboard />)} />
        <Route path="vendors" element={tenant(<VendorsPage />)} />
        <Route path="vendors/new" element={tenant(<VendorNewPage />)} />
        <Route path="vendors/import" element={tenant(<VendorImportPage />)} />
        <Route path="vendors/:id" element={tenant(<VendorDetailPage />)} />
        <Route path="vendors/:id/edit" element={tenant(<VendorEditPage />)} />
        <Route path="lists" element={tenant(<ListsPage />)} />
        <Route path="lists/:id" element={tenant(<ListDetailPage />)} />
        <Route path="suppressions" element={tenant(<SuppressionsPage />)} />
        <Route path="dispatches" element={tenant(<DispatchesPage />)} />
        <Route path="dispatches/new" element={tenant(<ComposePage />)} />
        <Route path="dispatches/:id" element={tenant(<DispatchDetailPage />)} />
        <Route path="inbox" element={tenant(<InboxPage />)} />
        <Route path="inbox/:id" element={tenant(<InboxMessagePage />)} />
        <Route path="tickets" element={tenant(<TicketsPage />)} />
        <Route path="tickets/:id" element={tenant(<TicketDetailPage />)} />
        <Route path="settings" element={tenantAdmin(<SettingsPage />)} />
        <Route path="settings/webhooks" element={tenantAdmin(<WebhooksPage />)} />
        <Route path="settings/webhooks/:id" element={tenantAdmin(<WebhookDetailPage />)} />
        {/* Members read the domains (Compose links here to say why a sender is not offered). */}
        <Route path="settings/domains" element={tenant(<DomainsPage />)} />
        <Route path="settings/domains/:id" element={tenant(<DomainDetailPage />)} />
        <Route path="admin" element={superAdmin(<OverviewPage />)} />
        <Route path="admin/tenants" element={superAdmin(<TenantsPage />)} />
        <Route path="admin/tenants/:id" element={superAdmin(<TenantDetailPage />)} />
        <Route path="admin/domains" element={superAdmin(<AdminDomainsPage />)} />
        <Route path="admin/plans" element={superAdmin(<PlansPage />)} />
        <Route path="admin/invoices" element={superAdmin(<InvoicesPage />)} />
        <Route path="admin/invoices/:id" element={superAdmin(<InvoiceDetailPage />)} />
        <Route path="admin/tickets" element={superAdmin(<TicketsPage admin />)} />
        <Route path="admin/tickets/:id" element={superAdmin(<TicketDetailPage admin />)} />
        <Route path="admin/audit" element={superAdmin(<AuditPage />)} />
        <Route path="admin/overview" element={<Navigate to="/admin" replace />} />
        <Route path="*" element={<NotFound />} />
      </Route>
    </Routes>
  )
}

export function App() {
  return (
    <BrowserRouter>
      <AuthProvider>
        <AppRoutes />
      </AuthProvider>
    </BrowserRouter>
  )
}
