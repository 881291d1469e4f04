-- Per-recipient attachments: files matched to a dispatch's vendors (e.g. each vendor's own purchase
-- order). The vendor is kept by id without a foreign key, like deliveries.vendor_id: deleting a vendor
-- must not change what a dispatch already promised to send.
ALTER TABLE attachments ADD CONSTRAINT attachments_tenant_id_id_key UNIQUE (tenant_id, id);

CREATE TABLE dispatch_recipient_attachments (
  tenant_id uuid NOT NULL,
  dispatch_id uuid NOT NULL,
  vendor_id uuid NOT NULL,
  attachment_id uuid NOT NULL,
  PRIMARY KEY (dispatch_id, vendor_id, attachment_id),
  FOREIGN KEY (tenant_id, dispatch_id) REFERENCES dispatches (tenant_id, id) ON DELETE CASCADE,
  FOREIGN KEY (tenant_id, attachment_id) REFERENCES attachments (tenant_id, id)
);
SELECT dh_enable_tenant_rls('dispatch_recipient_attachments');
