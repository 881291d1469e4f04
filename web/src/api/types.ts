// Shapes of the DispatchHub REST API (/api/v1) as the web UI uses them.
// Optional fields are ones the UI copes without; keep in step with the OpenAPI document.

export type Role = 'super_admin' | 'tenant_admin' | 'tenant_member'

export interface Page<T> {
  items: T[]
  next_cursor: string | null
}

export interface User {
  id: string
  tenant_id?: string | null
  email: string
  name: string
  role: Role
  status?: 'active' | 'disabled' | string
  last_login_at?: string | null
  created_at?: string
  updated_at?: string
}

export interface PlanLimits {
  emails_per_period?: number | null
  recipients_per_dispatch?: number | null
  vendors?: number | null
  users?: number | null
  send_rate_per_second?: number | null
  attachment_bytes?: number | null
}

export interface Tenant {
  id: string
  name: string
  slug: string
  status: 'active' | 'suspended' | string
  status_reason?: string | null
  plan_id?: string | null
  plan_name?: string | null
  /** Per-tenant limits that override the plan's (null = the plan's value). */
  limit_overrides?: PlanLimits | null
  created_at?: string
  updated_at?: string
}

/** POST /admin/tenants answers the tenant and its first admin. */
export interface TenantCreated extends Tenant {
  admin?: User
}

export interface Plan {
  id: string
  name: string
  price_cents?: number
  currency?: string
  overage_cents_per_1000?: number | null
  limits?: PlanLimits
  retired?: boolean
}

/** GET /me: the caller, its role, and for tenant users the tenant and its plan. */
export interface Me {
  user: User
  role?: Role
  tenant: Tenant | null
  plan: Plan | null
}

export interface TokenResponse {
  access_token: string
  expires_in: number
  refresh_token?: string
  user?: User
}

export interface Usage {
  period_start: string
  period_end: string
  limit: number
  sent: number
  reserved: number
  remaining: number
}

export interface Contact {
  id?: string
  name: string
  email: string
  role: string
  primary: boolean
}

export interface Vendor {
  id: string
  name: string
  code?: string | null
  category?: string | null
  tags?: string[]
  status?: string
  notes?: string | null
  custom_fields?: Record<string, string>
  contacts?: Contact[]
  contact_count?: number
  lists?: { id: string; name: string }[]
  created_at?: string
  updated_at?: string
}

export interface VendorInput {
  name: string
  code: string
  category: string
  tags: string[]
  status: string
  notes: string
  custom_fields: Record<string, string>
  contacts: Contact[]
}

export interface ImportRowError {
  row: number
  field?: string | null
  reason: string
}

export interface ImportReport {
  rows: number
  vendors_created: number
  vendors_updated: number
  contacts_added: number
  errors: ImportRowError[]
}

export interface ImportJob extends Partial<ImportReport> {
  id: string
  status: 'queued' | 'running' | 'completed' | 'failed' | string
  rows_processed?: number
  bytes_processed?: number
  bytes_total?: number
  error?: string | null
  report?: ImportReport | null
}

export interface VendorList {
  id: string
  name: string
  description?: string | null
  member_count?: number
  created_at?: string
}

export type SuppressionReason = 'bounce' | 'complaint' | 'manual' | 'unsubscribe'

export interface Suppression {
  id?: string
  address: string
  reason: SuppressionReason | string
  created_at?: string
}

export type DeliveryState =
  | 'queued'
  | 'sending'
  | 'sent'
  | 'deferred'
  | 'failed'
  | 'bounced'
  | 'suppressed'
  | 'cancelled'

export type DispatchCounts = Partial<Record<DeliveryState, number>>

export interface Dispatch {
  id: string
  subject: string
  status: 'draft' | 'scheduled' | 'queued' | 'sending' | 'paused' | 'completed' | 'cancelled' | 'failed' | string
  recipients_total: number
  counts: DispatchCounts
  created_at?: string
  scheduled_at?: string | null
  completed_at?: string | null
  created_by?: string | { id: string; name?: string; email?: string } | null
}

export interface Delivery {
  id: string
  email?: string
  address?: string
  vendor_id?: string | null
  vendor_name?: string | null
  contact_name?: string | null
  status: DeliveryState | string
  attempts?: number
  last_error?: string | null
  updated_at?: string
  sent_at?: string | null
}

export interface Recipients {
  list_ids: string[]
  vendor_ids: string[]
  contact_role: string | null
}

export interface DispatchInput {
  subject: string
  body_markdown: string
  recipients: Recipients
}

export interface DispatchPreview {
  subject?: string
  html?: string
  text?: string
  recipients_total?: number
  recipient_count?: number
  warnings?: string[]
}

export interface InboxMessage {
  id: string
  from?: string
  from_address?: string
  from_name?: string | null
  subject?: string
  received_at?: string
  read?: boolean
  unread?: boolean
  kind?: 'reply' | 'bounce' | string
  vendor_id?: string | null
  vendor_name?: string | null
  dispatch_id?: string | null
  text?: string | null
  html?: string | null
  snippet?: string | null
}

export interface TicketMessage {
  id?: string
  author?: string | { name?: string; email?: string; role?: string }
  body: string
  created_at?: string
}

export interface Ticket {
  id: string
  subject: string
  status?: string
  body?: string
  tenant?: string | { id: string; name: string } | null
  created_at?: string
  updated_at?: string
  messages?: TicketMessage[]
}

export interface ApiKey {
  id: string
  name: string
  prefix?: string
  role?: string
  created_at?: string
  last_used_at?: string | null
  revoked_at?: string | null
}

export interface ApiKeyCreated extends ApiKey {
  key?: string
  token?: string
  secret?: string
}

export interface AuditEntry {
  id?: string
  at?: string
  created_at?: string
  actor?: string | { id?: string; email?: string; name?: string } | null
  tenant?: string | { id?: string; name?: string; slug?: string } | null
  tenant_id?: string | null
  action: string
  target?: string | null
  request_id?: string | null
  ip?: string | null
  client_address?: string | null
}
