#pragma once
#include <optional>
#include <string>
#include <string_view>

namespace dh::mail {

/// "<delivery-id@domain>": the same for every attempt of a delivery, so a retry after a crash is
/// recognisable as the same message. Throws dh::Error (unprocessable) for an id or domain that
/// cannot appear in a Message-ID.
std::string make_message_id(std::string_view delivery_id, std::string_view domain);

/// What a routing address is for.
enum class RoutingKind { bounce, reply };

/// A routing token: the delivery id (a UUID) and an HMAC-SHA256 over the kind and id, truncated
/// to 80 bits, in lower-case base32 (42 characters). Case-insensitive on the way back because
/// some mail systems change the case of local parts. Throws dh::Error (unprocessable) for an id
/// that is not a UUID and std::invalid_argument for an empty key.
std::string routing_token(RoutingKind kind, std::string_view delivery_id, std::string_view key);

/// The per-delivery envelope sender (VERP): "bounces+<token>@<domain>".
std::string bounce_address(std::string_view delivery_id, std::string_view domain, std::string_view key);
/// The per-delivery reply address: "reply+<token>@<domain>".
std::string reply_address(std::string_view delivery_id, std::string_view domain, std::string_view key);

struct RoutedAddress {
    RoutingKind kind;
    std::string delivery_id;  ///< canonical lower-case UUID
};

/// The kind and delivery id of a bounces+/reply+ address made with `key` (any domain, any case,
/// optional angle brackets); nullopt for any other address or a token whose MAC does not match
/// (compared in constant time). A reply token is not accepted as a bounce token and vice versa.
std::optional<RoutedAddress> parse_routing(std::string_view address, std::string_view key);

/// The delivery id of a routing address (either kind), or nullopt.
std::optional<std::string> parse_routing_address(std::string_view address, std::string_view key);

}  // namespace dh::mail
