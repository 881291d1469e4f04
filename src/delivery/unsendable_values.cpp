#include "delivery/unsendable_values.hpp"

#include <functional>

#include "common/error.hpp"
#include "common/log.hpp"
#include "db/tx.hpp"
#include "mail/header_values.hpp"

namespace dh::delivery {
namespace {

// Each statement narrows with a cheap superset of the builder's refusals ($1: kControl for text,
// kPlainAddress for addresses, whose short matches the builder always accepts); every candidate is
// then checked with the builder's own function, so the SQL never decides on its own.
constexpr const char* kControl = "[\x01-\x1f\x7f]";
constexpr const char* kPlainAddress =
    "^[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+(\\.[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+)*"
    "@[A-Za-z0-9]([A-Za-z0-9-]*[A-Za-z0-9])?(\\.[A-Za-z0-9]([A-Za-z0-9-]*[A-Za-z0-9])?)*$";
constexpr const char* kActive = "status IN ('scheduled', 'pending_approval', 'queued', 'sending', 'paused')";

enum class Rule { text, address, file_name };

struct RowClass {
    const char* what;
    std::string sql;  ///< selects id, value
    Rule rule;
};

std::vector<RowClass> row_classes() {
    const std::string active = kActive;
    return {
        {"tenants.name", "SELECT id, name AS value FROM tenants WHERE name ~ $1", Rule::text},
        {"sender_identities.name", "SELECT id, name AS value FROM sender_identities WHERE name ~ $1", Rule::text},
        {"sender_identities.email",
         "SELECT id, email AS value FROM sender_identities WHERE (email !~ $1 OR octet_length(email) > 64)",
         Rule::address},
        {"dispatches.subject", "SELECT id, subject AS value FROM dispatches WHERE " + active + " AND subject ~ $1",
         Rule::text},
        {"dispatches.from_name",
         "SELECT id, from_name AS value FROM dispatches WHERE " + active + " AND from_name ~ $1", Rule::text},
        {"dispatches.from_email",
         "SELECT id, from_email AS value FROM dispatches WHERE " + active +
             " AND (from_email !~ $1 OR octet_length(from_email) > 64)",
         Rule::address},
        {"dispatches.reply_to",
         "SELECT id, reply_to AS value FROM dispatches WHERE " + active +
             " AND (reply_to !~ $1 OR octet_length(reply_to) > 64)",
         Rule::address},
        {"attachments.filename",
         "SELECT id, filename AS value FROM attachments WHERE filename ~ $1 OR octet_length(filename) > 255 "
         "OR btrim(filename) = ''",
         Rule::file_name},
        {"vendor_contacts.name", "SELECT id, name AS value FROM vendor_contacts WHERE name ~ $1", Rule::text},
        {"vendor_contacts.email",
         "SELECT id, email AS value FROM vendor_contacts WHERE (email !~ $1 OR octet_length(email) > 64)",
         Rule::address},
    };
}

bool builds(Rule rule, const std::string& value) {
    try {
        switch (rule) {
            case Rule::text:
                mail::check_header_text("value", value);
                break;
            case Rule::address:
                mail::check_header_address("value", value);
                break;
            case Rule::file_name:
                mail::check_file_name("value", value);
                break;
        }
    } catch (const Error&) {
        return false;
    }
    return true;
}

}  // namespace

std::vector<UnsendableRows> find_unsendable_values(db::Pool& pool) {
    return db::with_tx(pool, db::Scope::platform(), [](db::Tx& tx) {
        std::vector<UnsendableRows> out;
        for (const auto& c : row_classes()) {
            auto r = tx.exec(c.sql, {std::string(c.rule == Rule::address ? kPlainAddress : kControl)});
            UnsendableRows rows{c.what, {}};
            for (int i = 0; i < r.rows(); ++i)
                if (!builds(c.rule, r.text(i, "value"))) rows.ids.push_back(r.text(i, "id"));
            if (!rows.ids.empty()) out.push_back(std::move(rows));
        }
        return out;
    });
}

void warn_about_unsendable_values(db::Pool& pool) {
    try {
        for (const auto& rows : find_unsendable_values(pool)) {
            log::warn("stored values that no message can carry; see `dispatchhub admin unsendable-values`",
                      {{"rows", rows.what}, {"count", rows.ids.size()}, {"ids", rows.ids}});
        }
    } catch (const std::exception& e) {
        // A diagnostic only: the service starts even when the report cannot be made.
        log::warn("could not check stored header values", {{"error", e.what()}});
    }
}

}  // namespace dh::delivery
