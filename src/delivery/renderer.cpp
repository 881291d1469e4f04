#include "delivery/renderer.hpp"

#include <chrono>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>

#include "common/digest.hpp"
#include "common/error.hpp"
#include "db/tx.hpp"
#include "dispatch/message_template.hpp"
#include "dispatch/recipient_attachment_store.hpp"
#include "domains/signing_keys.hpp"
#include "mail/message_id.hpp"
#include "mail/mime_builder.hpp"

namespace dh::delivery {
namespace {

constexpr const char* kDispatchForRender = R"SQL(
SELECT d.subject, d.body_markdown, d.body_html, d.from_email, d.from_name, d.reply_to, d.reference, d.in_reply_to,
       t.name AS tenant_name,
       coalesce((SELECT json_agg(json_build_object('filename', a.filename, 'content_type', a.content_type,
                                                   'storage_key', a.storage_key) ORDER BY a.created_at)
                 FROM attachments a WHERE a.id = ANY(d.attachment_ids) AND a.tenant_id = d.tenant_id), '[]')::text AS attachments,
       EXISTS (SELECT 1 FROM dispatch_recipient_attachments ra WHERE ra.dispatch_id = d.id) AS per_recipient
FROM dispatches d JOIN tenants t ON t.id = d.tenant_id WHERE d.id = $1::uuid)SQL";

std::string read_file(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    if (!in) throw Error(ErrorKind::internal, "attachment_missing", "An attachment file is missing.", path);
    std::stringstream ss;
    ss << in.rdbuf();
    return ss.str();
}

}  // namespace

std::shared_ptr<const mail::PreparedAttachment> Renderer::load_attachment(const std::string& filename,
                                                                          const std::string& content_type,
                                                                          const std::string& storage_key) const {
    mail::AttachmentFile att{filename, content_type, read_file(data_dir_ + "/attachments/" + storage_key)};
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
    bool per_recipient = false;  ///< some vendors get files of their own
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
    auto p = std::make_shared<Prepared>();
    db::with_tx(pool_, db::Scope::platform(), [&](db::Tx& tx) {
        auto r = tx.exec(kDispatchForRender, {dispatch_id});
        if (r.empty()) throw Error::not_found("Dispatch");
        auto html = r.opt(0, "body_html");
        p->tmpl =
            html ? dispatch::prepare_html_message(r.text(0, "subject"), *html)
                 : dispatch::prepare_markdown_message(r.text(0, "subject"), r.opt(0, "body_markdown").value_or(""));
        p->from = {r.text(0, "from_name"), r.text(0, "from_email")};
        p->reply_to = r.opt(0, "reply_to");
        p->tenant_name = r.text(0, "tenant_name");
        p->reference = r.opt(0, "reference");
        p->in_reply_to = r.opt(0, "in_reply_to");
        for (auto& a : nlohmann::json::parse(r.text(0, "attachments")))
            p->attachments.push_back(load_attachment(a["filename"], a["content_type"], a["storage_key"]));
        p->per_recipient = r.boolean(0, "per_recipient");
    });
    std::lock_guard lock(mutex_);
    if (cache_.size() > 256) cache_.clear();  // dispatches are few; a simple bound keeps memory flat
    cache_[dispatch_id] = p;
    return p;
}

mail::OutgoingMessage Renderer::render(const queue_store::Claimed& d) {
    auto p = prepared(d.dispatch_id);
    dispatch::MergeContext ctx;
    ctx.vendor_name = d.vendor_name;
    ctx.vendor_code = d.vendor_code;
    ctx.contact_name = d.contact_name;
    ctx.contact_email = d.email;
    ctx.tenant_name = p->tenant_name;
    ctx.dispatch_reference = p->reference;
    const auto parsed = nlohmann::json::parse(d.vendor_custom_json);  // keep alive: items() refers to it
    for (auto& [k, v] : parsed.items())
        if (v.is_string()) ctx.vendor_custom[k] = v.get<std::string>();
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
    if (p->per_recipient && d.vendor_id) {
        // A vendor's own files: read per message, never cached, so memory stays flat however many vendors.
        auto files = db::with_tx(pool_, db::Scope::platform(), [&](db::Tx& tx) {
            return dispatch::recipient_attachment_store::files_for(tx, d.dispatch_id, *d.vendor_id);
        });
        for (auto& f : files) m.attachments.push_back(load_attachment(f.filename, f.content_type, f.storage_key));
    }
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
    return {d.id, mail::bounce_address(d.id, bounce_domain, routing_key_), d.email, std::move(data)};
}

}  // namespace dh::delivery
