#pragma once
#include <nlohmann/json.hpp>

#include "dispatch/dispatch.hpp"
#include "dispatch/dispatch_reader.hpp"
#include "http/json_writer.hpp"

namespace dh::dispatch {

/// A dispatch as every answer but GET /api/v1/dispatches/{id} shows it, written into the body.
void write_dispatch(http::JsonWriter& out, const Dispatch& d);
nlohmann::json to_json(const Delivery& d);
nlohmann::json to_json(const Usage& u);
/// A dispatch with its shared files and its message shown readably (GET /api/v1/dispatches/{id}).
void write_view(http::JsonWriter& out, const DispatchView& v);
nlohmann::json to_json(const dispatch_reader_store::ResolvedRecipient& r);
/// The body's "recipients" object ({list_ids, vendor_ids, contact_role}); 422 naming the field.
Recipients recipients_from_json(const nlohmann::json& body);
/// Reads and validates the body of POST /api/v1/dispatches (and preview/test). `route_field` is the
/// one extra member the route itself reads ("vendor_id" for preview, "to" for a test send); any
/// other unknown member is refused with 422 naming it.
DispatchRequest request_from_json(const nlohmann::json& body, const char* route_field = nullptr);

}  // namespace dh::dispatch
