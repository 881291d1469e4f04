#pragma once
#include <string>
#include <vector>

#include "dispatch/dispatch.hpp"
#include "dispatch/dispatch_reader_store.hpp"
#include "dispatch/message_template.hpp"

namespace dh::db {
class Pool;
}

namespace dh::dispatch {

/// A dispatch as its page shows it: the stored dispatch, its shared files, and its message with each
/// merge field shown as ‹field›.
struct DispatchView {
    Dispatch dispatch;
    std::vector<dispatch_reader_store::SharedAttachment> attachments;
    RenderedMessage message;
};

/// One delivery's subject as the sender rendered it.
struct SentSubject {
    std::string delivery_id, subject;
};

/// Read-only questions about dispatches and recipients (tenant-scoped under RLS).
class DispatchReader {
public:
    static constexpr int kMaxSubjects = 200;
    explicit DispatchReader(db::Pool& pool) : pool_(pool) {}

    /// 404 for an unknown id or another tenant's dispatch.
    DispatchView view(const std::string& tenant_id, const std::string& id);
    /// A page of the recipients `r` resolves to. `filter.missing_field` must be a merge field that
    /// comes from the recipient (422 otherwise).
    dispatch_reader_store::RecipientPage recipients(const std::string& tenant_id, const Recipients& r,
                                                    const dispatch_reader_store::RecipientFilter& filter);
    /// The subjects of the given deliveries to vendor `vendor_id` (at most kMaxSubjects ids): the one
    /// each message carried, kept when it was sent; else (a subject without merge fields, a delivery
    /// not sent yet or recorded before subjects were kept) rendered on read with the sender's
    /// renderer and the recipient's current values.
    std::vector<SentSubject> sent_subjects(const std::string& tenant_id, const std::string& vendor_id,
                                           const std::vector<std::string>& delivery_ids);

private:
    db::Pool& pool_;
};

}  // namespace dh::dispatch
