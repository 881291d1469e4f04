// JSON request decoding: any body is either decoded or refused with dh::Error (a 4xx problem);
// any other exception would be a 500 for a client mistake. The bounded parser underneath must
// never hand out a tree deeper than its limit (checked here without recursion), so that hashing
// or dumping a body (the idempotency key's hash does) can never exhaust the stack.
#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>
#include <vector>

#include "common/bounded_json.hpp"
#include "common/error.hpp"
#include "dispatch/dispatch_json.hpp"
#include "http/json_fields.hpp"
#include "http/message.hpp"
#include "vendors/vendor_json.hpp"
#include "vendors/vendor_rules.hpp"

namespace {

template <class F>
void decode(F&& f) {
    try {
        f();
    } catch (const dh::Error& e) {
        const int status = dh::http_status(e.kind());
        if (status < 400 || status >= 500) std::abort();
    }
}

/// The nesting depth of `root`, by an explicit stack (the fuzzer must not recurse either).
std::size_t depth_of(const nlohmann::json& root) {
    std::vector<std::pair<const nlohmann::json*, std::size_t>> todo{{&root, 0}};
    std::size_t deepest = 0;
    while (!todo.empty()) {
        auto [node, depth] = todo.back();
        todo.pop_back();
        if (!node->is_structured()) continue;
        deepest = std::max(deepest, depth + 1);
        for (auto& child : *node) todo.emplace_back(&child, depth + 1);
    }
    return deepest;
}

/// The bounded parser under a depth and string limit picked by the input's first byte.
void bounded(const std::uint8_t* data, std::size_t size) {
    if (size == 0) return;
    dh::json::Limits limits;
    limits.max_depth = 1 + data[0] % 70;
    limits.max_string_bytes = (data[0] & 0x80) ? 16 : limits.max_string_bytes;
    std::string_view text(reinterpret_cast<const char*>(data) + 1, size - 1);
    auto r = dh::json::parse_bounded(text, limits);
    if (r.value.has_value() != (r.failure == dh::json::ParseFailure::none)) std::abort();
    if (!r.value) {
        if (r.reason.empty()) std::abort();
        return;
    }
    if (depth_of(*r.value) > limits.max_depth) std::abort();
    // Bounded, so serialising is safe; and it reads back to the same document.
    auto again = dh::json::parse_bounded(r.value->dump(), limits);
    if (!again.value || *again.value != *r.value) std::abort();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    bounded(data, size);
    dh::http::Request req;
    req.body.assign(reinterpret_cast<const char*>(data), size);
    nlohmann::json body;
    try {
        body = req.json();
    } catch (const dh::Error& e) {
        const int status = dh::http_status(e.kind());
        if (status != 400 && status != 413 && status != 422) std::abort();
        return 0;
    }
    if (depth_of(body) > dh::json::Limits{}.max_depth) std::abort();
    (void)body.dump();  // what the idempotency hash does
    namespace vj = dh::vendors::json;
    decode([&] { dh::dispatch::request_from_json(body); });
    decode([&] { dh::dispatch::request_from_json(body, "to"); });
    decode([&] { dh::dispatch::request_from_json(body, "vendor_id"); });
    decode([&] {
        auto v = vj::vendor_from(body);
        dh::vendors::rules::validate_vendor(v);
    });
    decode([&] { vj::vendor_input_from(body); });
    decode([&] {
        auto c = vj::contact_from(body, "");
        dh::vendors::rules::validate_contact(c, "");
    });
    decode([&] { vj::contact_patch_from(body); });
    decode([&] { vj::list_input_from(body); });
    decode([&] { vj::suppression_from(body); });
    decode([&] {
        dh::http::JsonFields f(body);
        f.only({"name", "email", "limit", "active"});
        f.opt_text("name");
        f.opt_bool("active");
        f.opt_int("limit", 1, 200);
        if (f.has("email")) f.text("email", 254);
    });
    return 0;
}
