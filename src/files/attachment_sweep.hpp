#pragma once
#include "files/attachment_files.hpp"

namespace dh::db {
class Pool;
}

namespace dh::files {

struct SweepReport {
    long published = 0;       ///< staged files whose row was committed: renamed to their key
    long removed_staged = 0;  ///< staged files without a row: their transaction never committed
    long set_aside = 0;       ///< published files no row points at, moved to DATA_DIR/orphaned-attachments
};

/// Resolves what an interrupted upload or inbound message left in the attachment directory (see
/// AttachmentFiles). Run by `serve` at start-up, before it accepts uploads or mail: every staged
/// file then belongs to a transaction that has ended. A file no row points at is moved aside, not
/// deleted (an operator may still want it); directories that are not a tenant of this database
/// are left alone.
SweepReport sweep_attachments(db::Pool& pool, const AttachmentFiles& files);

}  // namespace dh::files
