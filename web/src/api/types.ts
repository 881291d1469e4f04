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
  users_count?: number
  vendors_count?: number
  /** The running billing period (admin tenant list and detail). */
  usage?: { period_sent: number; period_reserved: number }
  last_activity_at?: string | null
  /** GET /admin/tenants/{id} only: the last 24 billing periods, newest first. */
  usage_history?: UsagePeriod[]
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
  /** Retired plans take no new tenants; the tenants on one keep it. */
  retired?: boolean
  /** The plan new tenants get unless another is chosen. */
  is_default?: boolean
  /** Super admin reads: tenants on the plan. */
  tenants_count?: number
}

/** POST /admin/billing/close-period: what `dispatchhub admin close-period` does, with its summary line. */
export interface CloseResult {
  period: string
  period_start: string
  period_end: string
  created: number
  existing: number
  summary: string
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

export interface UsagePeriod {
  period_start: string
  period_end: string
  sent: number
  reserved: number
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
  /** The first rows with errors; may be capped (see error_count for the total). */
  errors: ImportRowError[]
  /** Total rows refused (servers before this field: absent, then errors.length is the total). */
  error_count?: number
  /** Set when the import stopped early because most rows were refused: why (rate, commonest problem). */
  stop_reason?: string | null
  /** In the answer of an import run in the request: completed, or stopped (most rows refused). */
  status?: 'completed' | 'stopped' | string
}

export interface ImportJob extends Partial<ImportReport> {
  id: string
  status: 'queued' | 'running' | 'completed' | 'stopped' | 'failed' | 'undone' | string
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
  /** "domain" for a domain-wide entry ("@vendor.example"), "address" for one mailbox. */
  kind?: 'address' | 'domain' | string
  created_at?: string
}

export type DeliveryState =
  | 'queued'
  | 'sending'
  | 'sent'
  | 'deferred'
  | 'failed'
  | 'bounced'
  | 'complained'
  | 'suppressed'
  | 'cancelled'

export type DispatchCounts = Partial<Record<DeliveryState, number>>

export type DispatchStatus =
  | 'scheduled'
  | 'pending_approval'
  | 'queued'
  | 'sending'
  | 'paused'
  | 'completed'
  | 'cancelled'

/** A file matched to one vendor of a dispatch (by its code, given or taken from the file name). */
export interface RecipientAttachment {
  attachment_id: string
  vendor_id?: string
  vendor_code?: string | null
  filename?: string
}

export interface Dispatch {
  id: string
  subject: string
  status: DispatchStatus | string
  recipients_total: number
  counts: DispatchCounts
  /** 0..1, share of recipients in a final state. */
  progress?: number
  created_at?: string
  updated_at?: string
  send_at?: string | null
  completed_at?: string | null
  /** Set while the relay refuses or cannot be reached: the worker keeps retrying. */
  relay_problem?: string | null
  is_test?: boolean
  reference?: string | null
  reply_to?: string | null
  from?: { email: string; name?: string | null }
  attachment_ids?: string[]
  recipient_attachments?: RecipientAttachment[]
  created_by?: string | { id: string; name?: string; email?: string } | null
  /** GET /dispatches/{id} only: the shared files every message carries. */
  attachments?: SharedAttachment[]
  /** GET /dispatches/{id} only: the message with each merge field shown as ‹field›. */
  message?: { subject: string; text: string; html: string }
}

export interface SharedAttachment {
  id: string
  filename: string
  content_type: string
  size_bytes: number
}

/** One recipient a dispatch request resolves to (POST /dispatches/preview/recipients). */
export interface ResolvedRecipient {
  vendor_id: string
  vendor_name: string
  vendor_code: string | null
  contact_id: string
  contact_name: string
  role: string | null
  email: string
  suppressed: boolean
}

export interface RecipientPage {
  items: ResolvedRecipient[]
  next_cursor: string | null
  total: number
}

export interface Delivery {
  id: string
  email: string
  vendor_id?: string | null
  vendor_name?: string | null
  contact_name?: string | null
  status: DeliveryState | string
  attempts?: number
  /** Plain-language reason of a deferral, failure, bounce or suppression. */
  reason?: string | null
  last_error?: string | null
  smtp_code?: number | null
  relay_reply?: string | null
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
  reply_to?: string
  sender_identity_id?: string
  /** ISO 8601; absent: send now. */
  send_at?: string
  attachment_ids?: string[]
  recipient_attachments?: { attachment_id: string; vendor_code?: string }[]
}

export interface SenderIdentity {
  id: string
  email: string
  name: string | null
  is_default: boolean
}

/** POST /attachments answers the stored file. */
export interface Attachment {
  id: string
  filename: string
  content_type?: string
  size_bytes?: number
}

export interface DispatchPreview {
  /** The sample recipient the preview was rendered for. */
  to?: string
  subject: string
  html: string
  text: string
  recipients_total: number
  /** Recipients left out and why (servers before this field: absent). */
  excluded?: { suppressed?: number; no_matching_contact?: number; inactive?: number }
  /** Merge values some recipients lack: how many recipients per field. */
  missing_values?: { field: string; count: number }[]
}

export type InboxKind = 'reply' | 'bounce' | 'complaint'

export interface InboxMessage {
  id: string
  kind: InboxKind | string
  routed_by?: string
  vendor_id: string | null
  vendor_name: string | null
  contact_id?: string | null
  dispatch_id: string | null
  delivery_id?: string | null
  from: { address: string; name?: string }
  to?: string
  subject: string
  message_id?: string | null
  in_reply_to?: string | null
  bounce_status?: string | null
  diagnostic?: string | null
  size_bytes?: number
  read: boolean
  archived?: boolean
  received_at: string
}

export interface InboxAttachment {
  id: string
  filename: string
  content_type: string
  content_id?: string | null
  inline?: boolean
  size_bytes?: number
}

/** GET /inbox/{id}: the message with its text; an HTML part only as plain text (no markup). */
export interface InboxMessageDetail extends InboxMessage {
  text?: string
  html_text?: string
  has_html?: boolean
  parse_error?: string | null
  envelope_from?: string
  attachments?: InboxAttachment[]
}

/** GET /vendors/{id}/messages: what was sent to and received from a vendor, newest first. */
export interface ThreadEntry {
  direction: 'sent' | 'received'
  id: string
  at: string
  subject: string
  address: string
  status: string
  dispatch_id: string | null
}

export type TicketStatus = 'open' | 'pending' | 'resolved' | 'closed'
export type TicketPriority = 'low' | 'normal' | 'high' | 'urgent'
export type TicketCategory = 'general' | 'billing' | 'technical' | 'deliverability' | 'account'

export interface TicketMessage {
  id: string
  ticket_id?: string
  /** Who wrote it: the tenant's users or the platform team. */
  author_side: 'tenant' | 'platform'
  author?: { id?: string; name?: string; email?: string } | string | null
  body: string
  created_at: string
}

export interface Ticket {
  id: string
  tenant_id?: string
  tenant?: { id?: string; name?: string; slug?: string } | null
  subject: string
  category?: TicketCategory | string
  priority?: TicketPriority | string
  status: TicketStatus | string
  opened_by?: string
  assignee_id?: string | null
  assignee?: string | null
  message_count?: number
  created_at?: string
  updated_at?: string
  body?: string
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
  id: string
  created_at: string
  tenant_id?: string | null
  tenant?: { id?: string; name?: string; slug?: string } | null
  actor_type?: 'user' | 'api_key' | 'system' | string
  actor_id?: string | null
  actor?: string | null
  action: string
  target_type?: string | null
  target_id?: string | null
  target?: string | null
  details?: Record<string, unknown>
  request_id?: string | null
  ip?: string | null
}

export interface InvoiceLine {
  kind: 'plan' | 'overage' | string
  description: string
  quantity: number
  unit_cents: number
  amount_cents: number
}

export interface Invoice {
  id: string
  number?: string | null
  tenant_id: string
  tenant?: { id?: string; name?: string; slug?: string } | null
  period_start: string
  period_end: string
  status: 'draft' | 'issued' | 'paid' | 'void' | string
  currency: string
  plan_name?: string
  emails_sent?: number
  lines?: InvoiceLine[]
  total_cents: number
  paid_cents?: number
  balance_cents?: number
  payments?: Payment[]
  issued_at?: string | null
  paid_at?: string | null
  voided_at?: string | null
  void_reason?: string | null
  created_at?: string
}

export interface Payment {
  id: string
  amount_cents: number
  paid_on: string
  reference?: string | null
  created_at?: string
}

export interface InvoicePreview {
  tenant_id: string
  period?: string
  period_start: string
  period_end: string
  currency: string
  emails_sent: number
  lines: InvoiceLine[]
  total_cents: number
}

/** A delivery worker that reported within the last minute, with the relay problem it sees. */
export interface WorkerStatus {
  worker_id: string
  hostname: string
  pid: number
  started_at: string
  seen_at: string
  /** null: the relay accepts its mail. */
  relay_problem: string | null
}

export interface PlatformOverview {
  tenants: { active: number; suspended: number }
  emails_sent_period: number
  queue: { depth: number; oldest_queued_seconds: number | null; deferred: number; failed_24h: number }
  tickets_open: number
  invoices_unpaid: number
  /** Workers seen in the last minute. */
  workers?: WorkerStatus[]
}

export interface ApprovalSettings {
  approval_threshold: number | null
}

/** What a webhook endpoint can subscribe to (api/openapi/70-webhooks.json). */
export type WebhookEvent = 'delivery.sent' | 'delivery.failed' | 'delivery.bounced' | 'dispatch.completed' | 'inbox.received'

/** A webhook endpoint of the workspace (tenant admins only). */
export interface Webhook {
  id: string
  url: string
  events: WebhookEvent[]
  description?: string
  /** Who registered it (a user or an API key). */
  created_by?: string
  created_at?: string
  last_success_at?: string | null
  last_failure_at?: string | null
  /** Why the latest failed attempt failed. */
  last_error?: string | null
}

/**
 * POST /webhooks and POST /webhooks/{id}/rotate-secret answer the endpoint with its (new) signing
 * secret, this once.
 */
export interface WebhookCreated extends Webhook {
  secret?: string
}

export interface WebhookInput {
  url: string
  events: WebhookEvent[]
  description?: string
}

/** pending: waiting for its first or next attempt; failed: given up after retrying. */
export type WebhookDeliveryStatus = 'pending' | 'sending' | 'delivered' | 'failed'

/** One event sent (or to be sent) to one endpoint: GET /webhooks/{id}/deliveries. */
export interface WebhookDelivery {
  id: string
  /** The same for every endpoint the event goes to (the DispatchHub-Event-Id header). */
  event_id: string
  event_type: WebhookEvent | string
  status: WebhookDeliveryStatus | string
  attempts: number
  /** The HTTP status of the latest answer (null: no answer, e.g. a timeout). */
  response_status?: number | null
  last_error?: string | null
  next_attempt_at?: string | null
  delivered_at?: string | null
  created_at?: string
  updated_at?: string
}

/**
 * What a DNS record of a sending domain is for: ownership and dkim must verify, spf and dmarc are
 * advice, return_path (a CNAME, listed when the platform has a MAIL_DOMAIN) is optional.
 */
export type DomainRecordPurpose = 'ownership' | 'dkim' | 'return_path' | 'spf' | 'dmarc'

/** missing / mismatch / verified for ownership, dkim and return_path; advisory for spf and dmarc. */
export type DomainRecordStatus = 'missing' | 'mismatch' | 'verified' | 'advisory'

/** One record to publish (api/openapi/75-domains.json), with what the latest lookup found. */
export interface DomainRecord {
  purpose: DomainRecordPurpose | string
  type: string
  /** Fully qualified, lower case, without the trailing dot. */
  name: string
  /** What to publish (for spf and dmarc: a suggestion). */
  value: string
  status: DomainRecordStatus | string
  /** The TXT values the latest lookup returned (spf, dmarc: only the v=spf1 / v=DMARC1 ones). */
  found: string[]
}

export type DomainStatus = 'pending' | 'verified' | 'failing'

/** A sending domain of the workspace: GET /domains, GET /domains/{id}; with tenant_id in GET /admin/domains. */
export interface SendingDomain {
  id: string
  tenant_id?: string
  /** A-label form, lower case. */
  domain: string
  status: DomainStatus | string
  records: DomainRecord[]
  dkim: {
    selector: string
    /** During a key rotation: the new key's selector. */
    next_selector?: string | null
    algorithms?: string[]
    /** The Ed25519 key's selector while the second, Ed25519 signature is enabled (PATCH /domains/{id}). */
    ed25519_selector?: string | null
    /** relay: the platform runs with DKIM_SIGNING=off and leaves signing to its relay. */
    signed_by?: 'dispatchhub' | 'relay' | string
  }
  /** Why the latest lookup could not be made; the domain then keeps its status. */
  check_error?: string | null
  created_at: string
  verified_at?: string | null
  checked_at?: string | null
}
