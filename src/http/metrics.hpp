#pragma once
#include <functional>
#include <memory>
#include <string>

namespace prometheus {
class Registry;
}

namespace dh::http {

/// Prometheus metrics of the process, rendered in text format by GET /metrics.
class Metrics {
public:
    Metrics();
    ~Metrics();
    void observe_request(const std::string& route, const std::string& method, int status, double seconds);
    /// A counter without labels; the returned function adds one. Lets a service count its work
    /// without knowing about Prometheus.
    std::function<void()> counter(const std::string& name, const std::string& help);
    /// A gauge without labels whose value `read` gives at every scrape (e.g. outcomes waiting).
    void gauge(const std::string& name, const std::string& help, std::function<double()> read);
    /// Called on every scrape to refresh gauges (e.g. DB pool use).
    void add_collector(std::function<void(prometheus::Registry&)> collector);
    std::string render();
    prometheus::Registry& registry();

private:
    struct Impl;
    std::unique_ptr<Impl> impl_;
};

}  // namespace dh::http
