#include "delivery/renderer.hpp"

#include <chrono>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "common/digest.hpp"
#include "common/error.hpp"
#include "db/tx.hpp"
#include "dispatch/message_template.hpp"
#include "domains/signing_keys.hpp"
#include "mail/message_id.hpp"
#include "mail/mime_builder.hpp"

namespace dh::delivery {
namespace {

std::string read_file(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    if (!in) {
        // A file that is there but cannot be read (a storage hiccup) may be readable on the next
        // attempt; a file that is gone never will be.
        std::error_code ec;
        if (std::filesystem::exists(path, ec) || ec)
            throw Error(ErrorKind::unavailable, "attachment_unreadable", "An attachment file cannot be read now.",
                        path);
        throw Error(ErrorKind::internal, "attachment_missing", "An attachment file is missing.", path);
    }
    std::stringstream ss;
    ss << in.rdbuf();
    return ss.str();
}

}  // namespace

std::shared_ptr<const mail::PreparedAttachment> Renderer::load_attachment(const queue_store::StoredFile& f) const {
    mail::AttachmentFile att{f.filename, f.content_type, read_file(data_dir_ + "/attachments/" + f.storage_key)};
    return mail::prepare_attachment(att);
}

struct Renderer::Prepared {
    dispatch::MessageTemplate tmpl;
    mail::Mailbox from;
    std::optional<std::string> reply_to;
    std::string tenant_name;
    std::optional<std::string> reference;
    std::optional<std::string> in_reply_to;  ///< a reply from the inbox: threads with the vendor's message
    std::vector<std::shared_ptr<const mail::PreparedAttachment>> attachments;
};

std::string derive_routing_key(const std::string& jwt_secret) {
    return digest::hmac_sha256(jwt_secret, "dispatchhub mail routing v1");
}

Renderer::Renderer(db::Pool& pool, std::string data_dir, std::string mail_domain, std::string routing_key,
                   domains::SigningKeys* signing)
    : pool_(pool),
      data_dir_(std::move(data_dir)),
      mail_domain_(std::move(mail_domain)),
      routing_key_(std::move(routing_key)),
      signing_(signing) {}

Renderer::~Renderer() = default;

std::shared_ptr<const Renderer::Prepared> Renderer::prepared(const std::string& dispatch_id) {
    {
        std::lock_guard lock(mutex_);
        if (auto it = cache_.find(dispatch_id); it != cache_.end()) return it->second;
    }
    auto d = db::with_tx(pool_, db::Scope::platform(),
                         [&](db::Tx& tx) { return queue_store::dispatch_for_render(tx, dispatch_id); });
    if (!d) throw Error::not_found("Dispatch");
    auto p = std::make_shared<Prepared>();
    p->tmpl = d->body_html ? dispatch::prepare_html_message(d->subject, *d->body_html)
                           : dispatch::prepare_markdown_message(d->subject, d->body_markdown.value_or(""));
    p->from = {d->from_name, d->from_email};
    p->reply_to = d->reply_to;
    p->tenant_name = d->tenant_name;
    p->reference = d->reference;
    p->in_reply_to = d->in_reply_to;
    for (auto& f : d->attachments) p->attachments.push_back(load_attachment(f));
    std::lock_guard lock(mutex_);
    if (cache_.size() > 256) cache_.clear();  // dispatches are few; a simple bound keeps memory flat
    cache_[dispatch_id] = p;
    return p;
}

RenderedDelivery Renderer::render(const queue_store::Claimed& d) {
    auto p = prepared(d.dispatch_id);
    // The same merge fields as the preview and the vendor's history: one function builds them.
    auto ctx = dispatch::recipient_context(d.vendor_name, d.vendor_code, d.contact_name, d.email, d.vendor_custom_json);
    ctx.tenant_name = p->tenant_name;
    ctx.dispatch_reference = p->reference;
    auto rendered = dispatch::render_message(p->tmpl, ctx);

    mail::Message m;
    m.from = p->from;
    m.to = {{d.contact_name, d.email}};
    // Replies always come back to DispatchHub (threaded to this delivery); a dispatch's own reply-to
    // address is added beside it, so that it gets a copy and the Inbox still sees the thread.
    m.reply_to = mail::Mailbox{p->from.name, mail::reply_address(d.id, mail_domain_, routing_key_)};
    if (p->reply_to) m.also_reply_to = {mail::Mailbox{"", *p->reply_to}};
    m.subject = rendered.subject;
    m.message_id = mail::make_message_id(d.id, mail_domain_);
    m.date = std::chrono::system_clock::now();
    m.extra_headers = {{"X-DispatchHub-Delivery", d.id}};
    if (p->in_reply_to) {
        m.in_reply_to = p->in_reply_to;
        m.references = {*p->in_reply_to};
    }
    m.text = rendered.text;
    m.html = rendered.html;
    m.attachments = p->attachments;
    // A vendor's own files came with the claim; read from disk per message, never cached, so memory
    // stays flat however many vendors.
    for (auto& f : d.files) m.attachments.push_back(load_attachment(f));
    auto data = mail::build_message(m);
    // Signed last, over the bytes that go on the wire: mail from a verified domain carries its DKIM
    // signature, and its bounces come back through bounce.<domain> when that record is published
    // (the envelope sender then aligns with the From domain for SPF and DMARC).
    std::string bounce_domain = mail_domain_;
    if (signing_) {
        auto sender = signing_->for_sender(d.tenant_id, p->from.address);
        for (auto& key : sender.keys) data = domains::dkim_sign(data, *key, std::time(nullptr));
        if (sender.return_path_domain) bounce_domain = *sender.return_path_domain;
    }
    // A subject without merge fields reads the same for everyone: the template gives it back on read.
    std::optional<std::string> remembered;
    if (!p->tmpl.subject.fields().empty()) remembered = rendered.subject;
    return {{d.id, mail::bounce_address(d.id, bounce_domain, routing_key_), d.email, std::move(data)},
            std::move(remembered)};
}

}  // namespace dh::delivery
