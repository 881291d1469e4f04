#include "db/logins.hpp"

#include <libpq-fe.h>

#include "common/error.hpp"
#include "common/log.hpp"
#include "db/connection.hpp"

namespace dh::db {
namespace {

// One transaction (a DO block). A recorded login keeps its password: other processes of this
// database use it. A login missing from the cluster (the database was restored elsewhere) is
// created again with the recorded password; an unrecorded one gets a fresh random password, also
// when a role of that name is left over from a dropped database of the same name. Memberships are
// enforced on every run: each login is a member of its role and of nothing else DispatchHub makes.
constexpr const char* kEnsureLogins = R"SQL(
DO $$
DECLARE
  want record;
  other record;
  login_name text;
  secret text;
  recorded boolean;
  base text := CASE WHEN octet_length(current_database()) <= 40 THEN current_database()
                    ELSE 'dispatchhub_' || left(md5(current_database()), 16) END;
BEGIN
  FOR want IN SELECT * FROM (VALUES ('app', 'dispatchhub_app'), ('platform', 'dispatchhub_platform')) AS w(purpose, target) LOOP
    SELECT login, password INTO login_name, secret FROM database_logins WHERE purpose = want.purpose;
    recorded := FOUND;
    IF NOT recorded THEN
      login_name := base || '_' || want.purpose || '_login';
      secret := replace(gen_random_uuid()::text || gen_random_uuid()::text, '-', '');
    END IF;
    IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = login_name) THEN
      EXECUTE format('CREATE ROLE %I LOGIN NOINHERIT PASSWORD %L', login_name, secret);
    ELSIF NOT recorded THEN
      EXECUTE format('ALTER ROLE %I LOGIN NOINHERIT PASSWORD %L', login_name, secret);
    END IF;
    EXECUTE format('ALTER ROLE %I NOSUPERUSER NOCREATEDB NOCREATEROLE NOREPLICATION NOBYPASSRLS', login_name);
    IF NOT pg_has_role(login_name, want.target, 'MEMBER') THEN
      EXECUTE format('GRANT %I TO %I', want.target, login_name);
    END IF;
    FOR other IN SELECT g.rolname FROM pg_auth_members m JOIN pg_roles g ON g.oid = m.roleid
                 JOIN pg_roles u ON u.oid = m.member WHERE u.rolname = login_name AND g.rolname <> want.target LOOP
      EXECUTE format('REVOKE %I FROM %I', other.rolname, login_name);
    END LOOP;
    IF NOT recorded THEN
      INSERT INTO database_logins (purpose, login, password) VALUES (want.purpose, login_name, secret);
    END IF;
  END LOOP;
END $$;
)SQL";

}  // namespace

bool ensure_logins(Connection& owner) {
    auto may = owner.exec("SELECT rolsuper OR rolcreaterole AS may FROM pg_roles WHERE rolname = current_user");
    if (may.empty() || !may.boolean(0, "may")) {
        log::warn(
            "database logins: the DATABASE_URL login may not create roles; the API and the workers "
            "connect with it and narrow with SET ROLE (set DATABASE_APP_URL and DATABASE_PLATFORM_URL)");
        return false;
    }
    try {
        owner.exec_script(kEnsureLogins);
    } catch (const Error& e) {
        // e.g. PostgreSQL 16 lets a CREATEROLE login grant only roles it administers.
        log::warn(
            "database logins: could not create them; the API and the workers connect with the DATABASE_URL "
            "login and narrow with SET ROLE (set DATABASE_APP_URL and DATABASE_PLATFORM_URL)",
            {{"error", e.detail()}});
        return false;
    }
    return true;
}

std::optional<LoginConninfos> recorded_logins(const std::string& owner_conninfo) {
    Connection owner(owner_conninfo);
    if (!owner.exec("SELECT to_regclass('database_logins') IS NOT NULL AS present").boolean(0, "present"))
        return std::nullopt;
    auto r = owner.exec("SELECT purpose, login, password FROM database_logins");
    LoginConninfos out;
    for (int i = 0; i < r.rows(); ++i) {
        auto conninfo = with_credentials(owner_conninfo, r.text(i, "login"), r.text(i, "password"));
        (r.text(i, "purpose") == "app" ? out.app : out.platform) = std::move(conninfo);
    }
    if (out.app.empty() || out.platform.empty()) return std::nullopt;
    return out;
}

std::string quote_conninfo(const std::string& v) {
    std::string out = "'";
    for (char c : v) {
        if (c == '\'' || c == '\\') out.push_back('\\');
        out.push_back(c);
    }
    return out + "'";
}

std::string with_credentials(const std::string& conninfo, const std::string& user, const std::string& password) {
    char* error = nullptr;
    PQconninfoOption* options = PQconninfoParse(conninfo.c_str(), &error);
    if (!options) {
        if (error) PQfreemem(error);
        // The conninfo may carry a password: never echo it.
        throw Error(ErrorKind::internal, "internal", "Internal error.", "the database conninfo cannot be parsed");
    }
    std::string out = "user=" + quote_conninfo(user) + " password=" + quote_conninfo(password);
    for (auto* o = options; o->keyword; ++o) {
        std::string key = o->keyword;
        if (!o->val || key == "user" || key == "password" || key == "passfile") continue;
        out += " " + key + "=" + quote_conninfo(o->val);
    }
    PQconninfoFree(options);
    return out;
}

}  // namespace dh::db
