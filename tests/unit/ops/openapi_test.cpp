#include "ops/openapi.hpp"

#include <gtest/gtest.h>

#include <set>

#include "app/config.hpp"
#include "app/platform.hpp"
#include "http/pipeline.hpp"
#include "http/router.hpp"

namespace dh {
namespace {

std::string lower(std::string s) {
    for (auto& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return s;
}

/// The document must list exactly the routes the server registers: no undocumented route, no
/// documented route that does not exist.
TEST(OpenApi, DocumentMatchesRegisteredRoutes) {
    Config config;
    db::Pool pool({"host=/nonexistent", 1});  // routes are registered without connecting
    http::Metrics metrics;
    http::Router router;
    http::Pipeline pipeline(router, metrics, nullptr);
    config.worker_embedded = false;
    app::Platform platform{config, pool, metrics, ""};
    auto features = app::register_features(router, pipeline, platform);

    std::set<std::string> registered;
    for (auto& r : router.routes()) registered.insert(lower(r.method) + " " + r.pattern);
    std::set<std::string> documented;
    auto doc = ops::openapi_document();
    for (auto& [path, item] : doc["paths"].items())
        for (auto& [method, op] : item.items()) documented.insert(method + " " + path);

    for (auto& r : registered) EXPECT_TRUE(documented.count(r)) << "route not in the OpenAPI document: " << r;
    for (auto& d : documented) EXPECT_TRUE(registered.count(d)) << "documented route not registered: " << d;
    EXPECT_EQ(doc["openapi"], "3.1.0");
}

TEST(OpenApi, EveryOperationHasResponses) {
    auto doc = ops::openapi_document();
    for (auto& [path, item] : doc["paths"].items())
        for (auto& [method, op] : item.items()) EXPECT_TRUE(op.contains("responses")) << method << " " << path;
}

/// The answers every route can give since issue 18: a JSON body over the limit (413), too deep or
/// with an unknown key (422), bad framing (400), and 401 with WWW-Authenticate where a token is needed.
TEST(OpenApi, HostileInputAnswersAreDocumentedWhereRoutesGiveThem) {
    auto doc = ops::openapi_document();
    ASSERT_TRUE(doc["components"]["responses"]["Unauthorized"]["headers"].contains("WWW-Authenticate"));
    for (auto& [path, item] : doc["paths"].items()) {
        if (path.rfind("/api/v1/", 0) != 0 || path == "/api/v1/openapi.json") continue;
        for (auto& [method, op] : item.items()) {
            auto& responses = op["responses"];
            auto where = method + " " + path;
            EXPECT_TRUE(responses.contains("400")) << where;
            bool secured = !(op.contains("security") && op["security"].empty());
            if (secured) EXPECT_TRUE(responses.contains("401")) << where;
            if (!op.contains("requestBody")) continue;
            EXPECT_TRUE(responses.contains("413")) << where;
            if (op["requestBody"]["content"].contains("application/json"))
                EXPECT_TRUE(responses.contains("422")) << where;
        }
    }
}

}  // namespace
}  // namespace dh
