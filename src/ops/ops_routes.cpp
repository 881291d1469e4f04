#include "ops/ops_routes.hpp"

#include <prometheus/gauge.h>
#include <prometheus/registry.h>

#include "common/error.hpp"
#include "db/migrate.hpp"
#include "db/pool.hpp"
#include "http/metrics.hpp"
#include "http/router.hpp"
#include "ops/openapi.hpp"

namespace dh::ops {

void register_routes(http::Router& router, db::Pool& pool, http::Metrics& metrics, std::vector<ReadinessCheck> checks) {
    router.add({"GET", "/healthz", http::Access::public_, [](http::Request&) {
                    return http::Response::json({{"status", "ok"}, {"version", DH_VERSION}});
                }});

    const int expected_version = db::embedded_migrations().empty() ? 0 : db::embedded_migrations().back().version;
    router.add({"GET", "/readyz", http::Access::public_, [&pool, expected_version, checks](http::Request& req) {
                    nlohmann::json body = {{"version", DH_VERSION}};
                    std::vector<std::string> problems;
                    try {
                        auto conn = pool.acquire();
                        int applied = db::applied_version(*conn);
                        body["schema_version"] = applied;
                        if (applied < expected_version)
                            problems.push_back("migrations pending (" + std::to_string(applied) + " of " +
                                               std::to_string(expected_version) + ")");
                    } catch (const Error&) {
                        problems.push_back("database unreachable");
                    }
                    for (auto& check : checks)
                        if (auto p = check(); !p.empty()) problems.push_back(p);
                    body["status"] = problems.empty() ? "ready" : "not_ready";
                    body["problems"] = problems;
                    (void)req;
                    return http::Response::json(body, problems.empty() ? 200 : 503);
                }});

    auto& pool_gauge = prometheus::BuildGauge()
                           .Name("db_pool_connections")
                           .Help("Database pool connections by state")
                           .Register(metrics.registry());
    metrics.add_collector([&pool, &pool_gauge](prometheus::Registry&) {
        auto s = pool.stats();
        pool_gauge.Add({{"state", "in_use"}}).Set(s.in_use);
        pool_gauge.Add({{"state", "idle"}}).Set(s.idle);
        pool_gauge.Add({{"state", "max"}}).Set(s.size);
    });
    router.add({"GET", "/metrics", http::Access::public_, [&metrics](http::Request&) {
                    http::Response r;
                    r.content_type = "text/plain; version=0.0.4; charset=utf-8";
                    r.body = metrics.render();
                    return r;
                }});

    auto doc = std::make_shared<std::string>(openapi_document().dump());
    router.add({"GET", "/api/v1/openapi.json", http::Access::public_, [doc](http::Request&) {
                    http::Response r;
                    r.body = *doc;
                    return r;
                }});
}

}  // namespace dh::ops
