#include "audit/audit.hpp"

#include "audit/audit_store.hpp"
#include "http/message.hpp"

namespace dh::audit {

Entry by(const auth::Principal& actor, std::string request_id, std::string client_ip, std::string action,
         std::string target_type, std::string target_id) {
    Entry e;
    e.tenant_id = actor.tenant_id;
    e.actor_type = actor.kind == auth::Principal::Kind::api_key ? "api_key" : "user";
    e.actor_id = actor.id;
    e.actor_label = actor.label;
    e.action = std::move(action);
    e.target_type = std::move(target_type);
    e.target_id = std::move(target_id);
    e.request_id = std::move(request_id);
    e.client_ip = std::move(client_ip);
    return e;
}

Entry from_request(const http::Request& request, std::string action, std::string target_type, std::string target_id,
                   nlohmann::json details) {
    Entry e;
    if (request.principal) {
        e = by(*request.principal, request.request_id, request.client_ip, std::move(action), std::move(target_type),
               std::move(target_id));
    } else {
        e.action = std::move(action);
        e.target_type = std::move(target_type);
        e.target_id = std::move(target_id);
        e.request_id = request.request_id;
        e.client_ip = request.client_ip;
    }
    e.details = std::move(details);
    return e;
}

void record(db::Tx& tx, const Entry& e) {
    audit_store::insert(tx, e);
}

}  // namespace dh::audit
