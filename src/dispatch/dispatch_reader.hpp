#pragma once
#include <cstddef>
#include <mutex>
#include <optional>
#include <string>
#include <unordered_map>
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

    /// How much message text (sources and renderings) the reader keeps; then it starts again.
    static constexpr std::size_t kKeptMessageBytes = 16 << 20;

private:
    /// A dispatch's readable message with the texts it was rendered from. A dispatch's texts do not
    /// change after creation; the sources are compared on use all the same.
    struct KeptMessage {
        std::string subject;
        std::optional<std::string> markdown, html;
        RenderedMessage message;
        std::size_t bytes = 0;  ///< of all the texts above
    };
    RenderedMessage readable_message(const Dispatch& d);

    db::Pool& pool_;
    std::mutex kept_mutex_;
    std::unordered_map<std::string, KeptMessage> kept_;  ///< by dispatch id
    std::size_t kept_bytes_ = 0;
};

}  // namespace dh::dispatch
