#pragma once
#include <chrono>
#include <string>
#include <string_view>
#include <vector>

/// Encoding primitives of RFC 2045 (quoted-printable, base64), RFC 2047 (encoded-words),
/// RFC 2231 (parameter values) and RFC 5322 (folding, dates). Pure functions; the message
/// builder validates input before calling them.
namespace dh::mail::mime {

/// The longest line (without CRLF) we write; RFC 5322 recommends 78, allows 998.
constexpr std::size_t kPreferredLine = 78;
constexpr std::size_t kMaxLine = 998;

/// Every line ending (CRLF, lone CR, lone LF) becomes CRLF.
std::string normalize_crlf(std::string_view text);

/// True when the (CRLF-normalised) text may travel as 7bit unchanged: printable ASCII and tabs,
/// lines of at most 76 octets without trailing white space, no line starting with "." or
/// "From ", and no "=_" (which is reserved to our boundaries).
bool fits_7bit(std::string_view crlf_text);

/// Quoted-printable of a CRLF-normalised text: hard line breaks stay CRLF, soft breaks keep lines
/// at most 76 octets, a "." or "F" starting a line is encoded (robust against transports that
/// forget dot-stuffing or mangle "From "). The result ends with CRLF when non-empty.
std::string quoted_printable(std::string_view crlf_text);

/// Standard base64 in lines of 76 characters, each ending with CRLF.
std::string base64_lines(std::string_view bytes);

/// RFC 2047 "B" encoded-words (charset UTF-8) for a valid UTF-8 text, each at most 64 characters
/// and never splitting a character. Decoders join adjacent words, dropping the space between.
std::vector<std::string> encoded_words(std::string_view utf8);

/// True when `s` is printable ASCII (0x20–0x7e) only.
bool is_printable_ascii(std::string_view s);

/// "Name: token token…" folded before a space so that lines stay within kPreferredLine where
/// the tokens allow it (a token is never split), ending with CRLF. Tokens are joined by one space.
std::string fold_header(std::string_view name, const std::vector<std::string>& tokens);

/// An unstructured header value (Subject): printable ASCII folded at its existing spaces, or
/// encoded-words when it has non-ASCII, "=?" or a word too long to fold.
std::vector<std::string> unstructured_tokens(std::string_view value);

/// A display name as phrase tokens: atoms as is, a quoted-string when it has specials, encoded-
/// words for non-ASCII, "=?" or long names.
std::vector<std::string> phrase_tokens(std::string_view name);

/// Parameter tokens such as `filename="a.pdf"` or, for non-ASCII or long values or values holding
/// "=?" (which readers would decode as an RFC 2047 encoded-word), RFC 2231
/// `filename*0*=utf-8''%E2%82%AC…;` continuations. Each returned token except the last ends with ";".
std::vector<std::string> parameter_tokens(std::string_view attribute, std::string_view utf8_value);

/// RFC 5322 date in UTC, e.g. "Tue, 01 Jul 2025 09:05:03 +0000" (English names, any locale).
std::string rfc5322_date(std::chrono::system_clock::time_point when);

/// Lowercase hex SHA-256 of `data` (OpenSSL).
std::string sha256_hex(std::string_view data);

}  // namespace dh::mail::mime
