// Address validation: never crashes, and an accepted address is one that can never break a header.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "vendors/address.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    std::string_view input(reinterpret_cast<const char*>(data), size);
    auto check = dh::vendors::check_address(input);
    if (!check.ok) {
        if (check.reason.empty()) std::abort();
        return 0;
    }
    const auto& a = check.address;
    if (a.empty() || a.size() > 254 || a.find('@') == std::string::npos) std::abort();
    for (unsigned char c : a)
        if (c < 0x20 || c == 0x7f) std::abort();  // no CR, LF, NUL or other control characters
    // Normalizing is idempotent: an accepted address checks again to itself.
    auto again = dh::vendors::check_address(a);
    if (!again.ok || again.address != a) std::abort();
    return 0;
}
