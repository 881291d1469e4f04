// Cost of composing one delivery: merge rendering + MIME building, with a shared pre-encoded
// attachment (what the worker does per recipient). Run: build/bench/mime_build_bench
#include <benchmark/benchmark.h>

#include "common/random.hpp"
#include "dispatch/message_template.hpp"
#include "mail/message_id.hpp"
#include "mail/mime_builder.hpp"

namespace {

using namespace dh;

const dispatch::MessageTemplate& tmpl() {
    static const auto t = dispatch::prepare_markdown_message(
        "PO {{vendor.custom.po}} for {{vendor.name}}",
        "Dear {{contact.name}},\n\nplease confirm **PO {{vendor.custom.po}}** for {{vendor.name}}.\n\n"
        "- delivery: next week\n- pallets: 30\n\n[Open the order](https://x.example/{{vendor.code}})\n\n"
        "Kind regards,\n{{tenant.name}}\n\n" +
            std::string(1500, 'x'));
    return t;
}

void build_one(benchmark::State& state, std::size_t attachment_bytes) {
    dispatch::MergeContext ctx;
    ctx.vendor_name = "Müller & Söhne GmbH";
    ctx.vendor_code = "V-1";
    ctx.contact_name = "Zoë";
    ctx.tenant_name = "Globex";
    ctx.vendor_custom = {{"po", "4711"}};
    std::vector<std::shared_ptr<const mail::PreparedAttachment>> files;
    if (attachment_bytes > 0) {
        files.push_back(mail::prepare_attachment({"order.pdf", "application/pdf", std::string(attachment_bytes, 'p')}));
    }
    const std::string key = "bench-key-bench-key-bench-key-12";
    std::string id = random::uuid();
    std::size_t bytes = 0;
    for (auto _ : state) {
        auto r = dispatch::render_message(tmpl(), ctx);
        mail::Message m;
        m.from = {"Globex Procurement", "globex@dispatchhub.localhost"};
        m.to = {{"Zoë Müller", "zoe@acme.example"}};
        m.reply_to = mail::Mailbox{"Globex", mail::reply_address(id, "dispatchhub.localhost", key)};
        m.subject = std::move(r.subject);
        m.message_id = mail::make_message_id(id, "dispatchhub.localhost");
        m.text = std::move(r.text);
        m.html = std::move(r.html);
        m.attachments = files;
        auto raw = mail::build_message(m);
        bytes += raw.size();
        benchmark::DoNotOptimize(raw);
    }
    state.SetBytesProcessed(static_cast<std::int64_t>(bytes));
}

void BM_BuildWithoutAttachment(benchmark::State& state) {
    build_one(state, 0);
}
void BM_BuildWithSharedAttachment(benchmark::State& state) {
    build_one(state, 1 << 20);
}

}  // namespace

BENCHMARK(BM_BuildWithoutAttachment);
BENCHMARK(BM_BuildWithSharedAttachment);
