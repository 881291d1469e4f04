#pragma once
#include <optional>
#include <string>

#include "audit/audit.hpp"
#include "vendors/vendor.hpp"

namespace dh::db {
class Pool;
}

namespace dh::vendors {

/// The per-tenant suppression list: addresses never mailed (bounces, complaints, opt-outs, manual).
/// Every change is audited.
class SuppressionService {
public:
    explicit SuppressionService(db::Pool& pool) : pool_(pool) {}

    Page<Suppression> list(const std::string& tenant_id, const std::optional<std::string>& q,
                           const std::optional<std::string>& reason, const std::optional<std::string>& cursor,
                           int limit);
    /// Error(conflict, already_suppressed) when the address is on the list.
    Suppression add(const std::string& tenant_id, Suppression s, audit::Entry actor);
    /// `id_or_address`: the entry's id, or its address. Error(not_found) when absent.
    void remove(const std::string& tenant_id, const std::string& id_or_address, audit::Entry actor);

private:
    db::Pool& pool_;
};

bool valid_suppression_reason(const std::string& reason);

}  // namespace dh::vendors
