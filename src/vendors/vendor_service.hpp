#pragma once
#include <optional>
#include <string>

#include "audit/audit.hpp"
#include "vendors/vendor.hpp"

namespace dh::db {
class Pool;
}

namespace dh::vendors {

/// Vendors and their contacts: validation, the plan's vendor limit, audit of deletions.
/// Every call acts in the tenant scope of `tenant_id` (row-level security).
class VendorService {
public:
    explicit VendorService(db::Pool& pool) : pool_(pool) {}

    Page<Vendor> list(const std::string& tenant_id, const VendorFilter& filter,
                      const std::optional<std::string>& cursor, int limit);
    /// With contacts and lists; Error(not_found) when absent (or another tenant's).
    Vendor get(const std::string& tenant_id, const std::string& id);
    /// Error(conflict, vendor_limit_reached) at the plan limit, (conflict, vendor_code_taken) on a used code.
    Vendor create(const std::string& tenant_id, Vendor vendor);
    /// Applies the members that are set; `contacts`, when set, replaces the contact set.
    Vendor update(const std::string& tenant_id, const std::string& id, const VendorInput& input);
    void remove(const std::string& tenant_id, const std::string& id, audit::Entry actor);

    Contact add_contact(const std::string& tenant_id, const std::string& vendor_id, Contact contact);
    Contact update_contact(const std::string& tenant_id, const std::string& vendor_id, const std::string& contact_id,
                           const ContactPatch& patch);
    void remove_contact(const std::string& tenant_id, const std::string& vendor_id, const std::string& contact_id,
                        audit::Entry actor);

private:
    db::Pool& pool_;
};

/// Error(not_found) unless `id` is a UUID (a malformed id names no object).
void require_uuid(const std::string& id, const std::string& what);

}  // namespace dh::vendors
