-- Tenant admins rotate an endpoint's signing secret and ask for a finished event delivery to be
-- sent again (src/webhooks/webhook_service.cpp). The API role may overwrite the sealed secret but
-- still never reads it, and may put a delivered or failed delivery back in the queue; claiming,
-- sending and recording stay with the workers (platform role).
GRANT UPDATE (secret_sealed) ON webhook_endpoints TO dispatchhub_app;
GRANT UPDATE (status, attempts, next_attempt_at, first_attempt_at, updated_at) ON webhook_deliveries TO dispatchhub_app;
