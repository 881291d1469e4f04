// JSON request decoding: any body is either decoded or refused with dh::Error (a 4xx problem);
// any other exception would be a 500 for a client mistake.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>

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

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    dh::http::Request req;
    req.body.assign(reinterpret_cast<const char*>(data), size);
    nlohmann::json body;
    try {
        body = req.json();
    } catch (const dh::Error&) {
        return 0;
    }
    namespace vj = dh::vendors::json;
    decode([&] { dh::dispatch::request_from_json(body); });
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
