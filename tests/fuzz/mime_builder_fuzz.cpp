// Outbound MIME building: caller values either build a well-formed message or are refused with
// dh::Error; a built message has CRLF line ends, no line over 998 octets, and parses back to the
// same addresses and Message-ID (no caller value can smuggle a header in).
#include <fuzzer/FuzzedDataProvider.h>

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>

#include "common/error.hpp"
#include "mail/mime_builder.hpp"

namespace mail = dh::mail;

bool parses_back(const std::string& built, const std::string& from, const std::string& to, const std::string& id);

namespace {

void check_lines(const std::string& m) {
    std::size_t line = 0;
    for (std::size_t i = 0; i < m.size(); ++i) {
        if (m[i] == '\n' && (i == 0 || m[i - 1] != '\r')) std::abort();
        if (m[i] == '\r' && (i + 1 == m.size() || m[i + 1] != '\n')) std::abort();
        if (m[i] == '\r') {
            if (line > 998) std::abort();
            line = 0;
        } else if (m[i] != '\n') {
            ++line;
        }
    }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    FuzzedDataProvider in(data, size);
    mail::Message m;
    m.from = {in.ConsumeRandomLengthString(80),
              in.ConsumeBool() ? "sender@example.com" : in.ConsumeRandomLengthString(80)};
    m.to.push_back(
        {in.ConsumeRandomLengthString(80), in.ConsumeBool() ? "vendor@example.org" : in.ConsumeRandomLengthString(80)});
    if (in.ConsumeBool()) m.reply_to = mail::Mailbox{in.ConsumeRandomLengthString(40), "reply@example.com"};
    m.subject = in.ConsumeRandomLengthString(400);
    m.message_id = in.ConsumeBool() ? "<abc.123@dispatch.example>" : in.ConsumeRandomLengthString(80);
    m.date = std::chrono::system_clock::time_point(std::chrono::seconds(in.ConsumeIntegral<std::uint32_t>()));
    if (in.ConsumeBool()) m.in_reply_to = in.ConsumeRandomLengthString(80);
    if (in.ConsumeBool()) m.references.push_back(in.ConsumeRandomLengthString(80));
    if (in.ConsumeBool())
        m.extra_headers.emplace_back(in.ConsumeRandomLengthString(30), in.ConsumeRandomLengthString(80));
    if (in.ConsumeBool()) m.html = in.ConsumeRandomLengthString(2000);
    bool with_attachment = in.ConsumeBool();
    std::string filename = in.ConsumeRandomLengthString(60);
    std::string content_type = in.ConsumeBool() ? "application/pdf" : in.ConsumeRandomLengthString(40);
    m.text = in.ConsumeRemainingBytesAsString();

    std::string built;
    try {
        if (with_attachment)
            m.attachments.push_back(mail::prepare_attachment({filename, content_type, m.text.substr(0, 500)}));
        built = mail::build_message(m);
    } catch (const dh::Error&) {
        return 0;
    }
    check_lines(built);
    std::string id = m.message_id;
    if (id.size() >= 2 && id.front() == '<' && id.back() == '>') id = id.substr(1, id.size() - 2);
    if (!parses_back(built, m.from.address, m.to[0].address, id)) std::abort();
    return 0;
}
