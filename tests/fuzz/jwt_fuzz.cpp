// JWT decoding: any string is refused without a crash unless it carries a valid HS256 signature;
// and a token we issue always verifies to the same claims.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>

#include "auth/jwt.hpp"

namespace {
constexpr std::int64_t kNow = 1'800'000'000;
const dh::auth::JwtCodec codec("fuzz-secret-fuzz-secret-fuzz-secret-0123");
}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    std::string input(reinterpret_cast<const char*>(data), size);
    // Attacker-controlled tokens never verify: they do not know the secret.
    if (codec.verify(input, kNow)) std::abort();

    // The same bytes as claim values round-trip through issue + verify.
    dh::auth::AccessClaims claims;
    claims.subject = input.substr(0, size / 2);
    claims.role = input.substr(size / 2);
    if (size % 2) claims.tenant_id = input;
    claims.token_id = "jti";
    if (claims.subject.empty() || size > 1000) return 0;  // verify() requires a subject and bounds the length
    std::string token;
    try {
        token = codec.issue(claims, kNow);
    } catch (const std::exception&) {
        return 0;  // invalid UTF-8 in a claim: refusing to issue is fine
    }
    if (token.size() > 4096) return 0;  // verify() refuses longer tokens by design
    auto back = codec.verify(token, kNow);
    if (!back || back->subject != claims.subject || back->role != claims.role || back->tenant_id != claims.tenant_id)
        std::abort();
    if (codec.verify(token, kNow + dh::auth::JwtCodec::kAccessTtlSeconds + dh::auth::JwtCodec::kLeewaySeconds + 1))
        std::abort();  // expired
    return 0;
}
