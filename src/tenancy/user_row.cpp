#include "tenancy/user_row.hpp"

#include "db/tx.hpp"

namespace dh::tenancy {

User user_from_row(const db::Result& r, int i) {
    User u;
    u.id = r.text(i, "id");
    u.tenant_id = r.opt(i, "tenant_id");
    u.email = r.text(i, "email");
    u.name = r.text(i, "name");
    u.role = r.text(i, "role");
    u.status = r.text(i, "status");
    u.password_hash = r.text(i, "password_hash");
    u.last_login_at = r.opt(i, "last_login_at");
    u.created_at = r.text(i, "created_at");
    u.updated_at = r.text(i, "updated_at");
    return u;
}

}  // namespace dh::tenancy
