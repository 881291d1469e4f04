-- A hard bounce or complaint can arrive before the worker has recorded the send outcome of its
-- delivery (the batch is still on the wire, or a crashed worker's lease was taken over): it is kept
-- here ({"status": "bounced" | "complained", "reason", "diagnostic"}, with bounced_at) and applied
-- when `sent` is recorded, so the delivery, the dispatch's counts and the webhook events end the
-- same whichever lands first (src/delivery/queue_store.cpp, src/inbox/inbox_store.cpp).
ALTER TABLE deliveries ADD COLUMN pending_bounce jsonb;
