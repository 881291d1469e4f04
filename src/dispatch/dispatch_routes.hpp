#pragma once

namespace dh::http {
class Router;
}

namespace dh::dispatch {

class DispatchService;
class AttachmentService;
class DispatchReader;

/// /api/v1/dispatches…, /api/v1/usage, /api/v1/sender-identities…, /api/v1/attachments….
void register_dispatch_routes(http::Router& router, DispatchService& dispatches, AttachmentService& attachments,
                              DispatchReader& reader);

}  // namespace dh::dispatch
