#pragma once
#include <string>

namespace dh::mail {

/// A display name and an address: a sender or recipient of mail that is built, or one read from
/// received mail.
struct Mailbox {
    std::string name;     ///< display name, UTF-8 (RFC 2047 decoded when read); may be empty
    std::string address;  ///< addr-spec
};

}  // namespace dh::mail
