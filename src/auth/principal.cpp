#include "auth/principal.hpp"

namespace dh::auth {

const char* to_string(Role role) {
    switch (role) {
        case Role::super_admin:
            return "super_admin";
        case Role::tenant_admin:
            return "tenant_admin";
        case Role::tenant_member:
            return "tenant_member";
    }
    return "tenant_member";
}

std::optional<Role> role_from_string(const std::string& s) {
    if (s == "super_admin") return Role::super_admin;
    if (s == "tenant_admin") return Role::tenant_admin;
    if (s == "tenant_member") return Role::tenant_member;
    return std::nullopt;
}

}  // namespace dh::auth
