#pragma once
#include <optional>
#include <string>

namespace dh::auth {

enum class Role { super_admin, tenant_admin, tenant_member };

const char* to_string(Role role);
std::optional<Role> role_from_string(const std::string& s);

/// Who is calling: a signed-in user or a tenant API key. Plain data, no I/O.
struct Principal {
    enum class Kind { user, api_key };
    Kind kind = Kind::user;
    std::string id;                        ///< user id, or API key id
    std::optional<std::string> tenant_id;  ///< none for super admins
    Role role = Role::tenant_member;
    std::string label;  ///< email or key name, for the audit log

    bool is_super_admin() const { return role == Role::super_admin; }
    bool is_tenant_admin() const { return role == Role::tenant_admin; }
};

}  // namespace dh::auth
