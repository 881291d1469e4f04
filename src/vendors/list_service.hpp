#pragma once
#include <optional>
#include <string>
#include <vector>

#include "audit/audit.hpp"
#include "vendors/vendor.hpp"

namespace dh::db {
class Pool;
}

namespace dh::vendors {

struct ListInput {
    std::optional<std::string> name;
    std::optional<std::optional<std::string>> description;
};

/// Vendor lists: named sets of vendors (optionally only their contacts with one role) that
/// dispatches address. Tenant scope on every call.
class ListService {
public:
    explicit ListService(db::Pool& pool) : pool_(pool) {}

    Page<VendorList> list(const std::string& tenant_id, const std::optional<std::string>& cursor, int limit);
    VendorList get(const std::string& tenant_id, const std::string& id);
    VendorList create(const std::string& tenant_id, const ListInput& input);
    VendorList update(const std::string& tenant_id, const std::string& id, const ListInput& input);
    void remove(const std::string& tenant_id, const std::string& id, audit::Entry actor);
    /// Error 422 naming `vendor_ids[i]` when one is not a vendor of the tenant; nothing is added then.
    VendorList add_members(const std::string& tenant_id, const std::string& list_id,
                           const std::vector<std::string>& vendor_ids, const std::optional<std::string>& contact_role);
    void remove_member(const std::string& tenant_id, const std::string& list_id, const std::string& vendor_id);

private:
    db::Pool& pool_;
};

}  // namespace dh::vendors
