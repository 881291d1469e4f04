#pragma once
#include <optional>
#include <string>
#include <vector>

#include "auth/auth_service.hpp"
#include "dispatch/dispatch.hpp"
#include "dispatch/dispatch_store.hpp"

namespace dh::db {
class Pool;
}

namespace dh::dispatch {

struct CreateResult {
    Dispatch dispatch;
    bool replayed = false;  ///< an earlier request with the same Idempotency-Key made it
};

struct Preview {
    std::string to, subject, text, html;
    long long recipients_total = 0;
    dispatch_store::RecipientSummary recipients;  ///< exclusions and missing merge values
};

/// Composing and controlling dispatches. Creation commits the dispatch, every delivery and the
/// quota reservation in one transaction (transactional outbox); the worker does the sending.
class DispatchService {
public:
    DispatchService(db::Pool& pool, std::string mail_domain) : pool_(pool), mail_domain_(std::move(mail_domain)) {}

    CreateResult create(const auth::Principal& caller, const DispatchRequest& request,
                        const std::optional<std::string>& idempotency_key, const std::string& request_hash,
                        const auth::Origin& origin);
    Preview preview(const std::string& tenant_id, const DispatchRequest& request,
                    const std::optional<std::string>& vendor_id);
    /// Sends the message as rendered for the first recipient to `to` (counts toward the quota).
    Dispatch test_send(const auth::Principal& caller, const DispatchRequest& request, const std::string& to,
                       const auth::Origin& origin);
    /// Answers a received message: a one-recipient dispatch to `to`, rendered for the request's
    /// vendor, threaded with request.in_reply_to, counted in the quota like any other dispatch.
    Dispatch send_reply(const auth::Principal& caller, const DispatchRequest& request, const std::string& to,
                        const auth::Origin& origin);

    Dispatch get(const std::string& tenant_id, const std::string& id);
    std::vector<Dispatch> list(const std::string& tenant_id, int limit, const std::optional<std::string>& after_created,
                               const std::optional<std::string>& after_id, std::optional<DispatchState> status);
    std::vector<Delivery> deliveries(const std::string& tenant_id, const std::string& id, int limit,
                                     const std::optional<std::string>& after_email,
                                     const std::optional<std::string>& after_id, std::optional<DeliveryState> status);

    Dispatch pause(const auth::Principal& caller, const std::string& id, const auth::Origin& origin);
    Dispatch resume(const auth::Principal& caller, const std::string& id, const auth::Origin& origin);
    Dispatch cancel(const auth::Principal& caller, const std::string& id, const auth::Origin& origin);
    Dispatch retry_failed(const auth::Principal& caller, const std::string& id, const auth::Origin& origin);
    /// Releases a pending_approval dispatch; the approver must be a tenant admin other than its creator.
    Dispatch approve(const auth::Principal& caller, const std::string& id, const auth::Origin& origin);
    std::optional<long long> approval_threshold(const std::string& tenant_id);
    void set_approval_threshold(const auth::Principal& caller, const std::optional<long long>& threshold,
                                const auth::Origin& origin);

    Usage usage(const std::string& tenant_id);
    std::vector<dispatch_store::SenderIdentity> sender_identities(const std::string& tenant_id);
    dispatch_store::SenderIdentity add_sender_identity(const auth::Principal& caller, const std::string& email,
                                                       const std::string& name, bool is_default,
                                                       const auth::Origin& origin);
    void remove_sender_identity(const auth::Principal& caller, const std::string& id, const auth::Origin& origin);

private:
    Dispatch single(const auth::Principal& caller, const DispatchRequest& request, const std::string& to, bool is_test,
                    const auth::Origin& origin);
    Dispatch control(const auth::Principal& caller, const std::string& id, DispatchAction action,
                     const auth::Origin& origin);
    db::Pool& pool_;
    const std::string mail_domain_;
};

}  // namespace dh::dispatch
