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
    app::Platform platform{config, pool, metrics};
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

}  // namespace
}  // namespace dh
