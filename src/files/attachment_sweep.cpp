#include "files/attachment_sweep.hpp"

#include "common/strings.hpp"
#include "db/tx.hpp"
#include "files/attachment_key_store.hpp"

namespace dh::files {

SweepReport sweep_attachments(db::Pool& pool, const AttachmentFiles& files) {
    SweepReport report;
    for (const auto& tenant : files.tenant_dirs()) {
        if (!strings::is_uuid(tenant)) continue;
        auto listing = files.list(tenant);
        if (listing.published.empty() && listing.staged.empty()) continue;
        auto keys = db::with_tx(pool, db::Scope::platform(),
                                [&](db::Tx& tx) { return attachment_key_store::keys_of_tenant(tx, tenant); });
        // A database without this tenant (the wrong DATABASE_URL) says nothing about its files.
        if (!keys) continue;
        for (const auto& key : listing.staged) {
            if (keys->contains(key)) {
                files.publish(key);
                ++report.published;
            } else {
                files.discard(key);
                ++report.removed_staged;
            }
        }
        for (const auto& key : listing.published)
            if (!keys->contains(key) && files.set_aside(key)) ++report.set_aside;
    }
    return report;
}

}  // namespace dh::files
