#pragma once
#include <string>
#include <string_view>

namespace dh::vendors {

/// The outcome of checking one email address. Plain data: callers decide whether a bad address
/// is a 422 (API), a per-row import error or a skipped recipient.
struct AddressCheck {
    bool ok = false;
    std::string address;  ///< normalized when ok: local part as given, domain lower-cased A-label
    std::string reason;   ///< why not, for people (when !ok)
};

/// Validates and normalizes an addr-spec (no display name, no angle brackets) for sending:
/// RFC 5321 limits (local part <= 64 octets, domain <= 255, whole <= 254), a dot-atom local part
/// (ASCII only; quoted local parts are refused because the message builder cannot write them), a DNS host name with at
/// least two labels (IDN domains become A-labels through libidn2), and never CR, LF, NUL, other control characters or
/// unquoted spaces, so that an address can never smuggle a header line into a message. Surrounding blanks are trimmed.
AddressCheck check_address(std::string_view input);

/// check_address or Error::invalid_field(field, reason) (422 naming the field).
std::string normalize_address(std::string_view input, const std::string& field);

/// The suppression-list form of `input`: a checked address lower-cased whole (local parts too, as
/// mailbox providers treat them), or "@domain" (lower-cased A-label) for every address at a domain.
/// Other wildcards ("*", "?", "%") are refused: a list entry must mean exactly what it matches.
AddressCheck check_suppression_address(std::string_view input);

/// "domain" for a whole-domain entry ("@domain"), otherwise "address".
std::string suppression_kind(std::string_view entry);

}  // namespace dh::vendors
