// HTTP request framing: raw bytes as a client (or a desynchronised proxy) would send them. Beast
// parses the request head as the server does; the server's framing decision may accept only heads
// whose body Beast delimits exactly the same way, or a body could be read differently by us and by
// an intermediary (request smuggling). Accepted bodies are then read through Beast as well.
#include <boost/asio/buffer.hpp>
#include <boost/beast/http.hpp>
#include <cctype>
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <limits>
#include <string>
#include <string_view>

#include "http/framing.hpp"

namespace bhttp = boost::beast::http;

namespace {

std::string lower(std::string_view s) {
    std::string out(s);
    for (auto& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return out;
}

/// Feeds `input` from `used` on into `parser` until `done` says so, an error, or no progress.
template <class Parser, class Done>
bool feed(Parser& parser, std::string_view input, std::size_t& used, Done done) {
    boost::beast::error_code ec;
    for (int round = 0; round < 64 && !done(); ++round) {
        if (used >= input.size()) return false;
        std::size_t n = parser.put(boost::asio::buffer(input.data() + used, input.size() - used), ec);
        used += n;
        if (ec) return false;
        if (n == 0) return false;
    }
    return done();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    std::string_view input(reinterpret_cast<const char*>(data), size);
    bhttp::request_parser<bhttp::empty_body> head;
    head.header_limit(16 * 1024);
    head.body_limit(std::numeric_limits<std::uint64_t>::max());
    head.eager(false);
    std::size_t used = 0;
    if (!feed(head, input, used, [&] { return head.is_header_done(); })) return 0;

    std::vector<std::pair<std::string, std::string>> headers;
    for (auto& field : head.get()) {
        auto name = field.name_string();
        auto value = field.value();
        headers.emplace_back(lower(std::string_view(name.data(), name.size())),
                             std::string(value.data(), value.size()));
    }
    auto decision = dh::http::request_framing(headers);
    if (!decision.ok) {
        if (decision.code.empty() || decision.detail.empty()) std::abort();  // a refusal always says why
        return 0;
    }
    auto length = head.content_length();
    bool agrees = dh::http::parser_agrees(decision.framing, head.chunked(),
                                          length ? std::optional<std::uint64_t>(*length) : std::nullopt);
    // Not agreeing is fine (the server refuses it too); but the plain cases must agree, or the
    // server would refuse valid requests.
    using Kind = dh::http::BodyFraming::Kind;
    if (!agrees && decision.framing.kind == Kind::none) std::abort();
    if (!agrees) return 0;
    if (decision.framing.kind == Kind::none && !head.is_done()) std::abort();  // no body: complete now

    bhttp::request_parser<bhttp::string_body> body(std::move(head));
    body.body_limit(1 << 20);
    feed(body, input, used, [&] { return body.is_done(); });
    if (body.is_done() && decision.framing.kind == Kind::content_length &&
        body.get().body().size() != decision.framing.length)
        std::abort();  // the body read is exactly the declared length
    return 0;
}
