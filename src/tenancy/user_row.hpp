#pragma once
#include "tenancy/tenant.hpp"

namespace dh::db {
class Result;
}

namespace dh::tenancy {

/// A user from a row with the columns id, tenant_id, email, name, role, status, password_hash,
/// last_login_at, created_at and updated_at: the one mapping of the stores that read users
/// (tenancy's user store, authentication's login lookups).
User user_from_row(const db::Result& r, int row);

}  // namespace dh::tenancy
