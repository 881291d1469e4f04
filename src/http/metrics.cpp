#include "http/metrics.hpp"

#include <prometheus/counter.h>
#include <prometheus/gauge.h>
#include <prometheus/histogram.h>
#include <prometheus/registry.h>
#include <prometheus/text_serializer.h>

#include <mutex>
#include <string_view>
#include <unordered_map>
#include <vector>

namespace dh::http {

struct Metrics::Impl {
    std::shared_ptr<prometheus::Registry> registry = std::make_shared<prometheus::Registry>();
    prometheus::Family<prometheus::Counter>& requests = prometheus::BuildCounter()
                                                            .Name("http_requests_total")
                                                            .Help("HTTP requests by route, method and status")
                                                            .Register(*registry);
    prometheus::Family<prometheus::Histogram>& latency = prometheus::BuildHistogram()
                                                             .Name("http_request_duration_seconds")
                                                             .Help("HTTP request latency by route")
                                                             .Register(*registry);
    std::mutex mutex;
    std::vector<std::function<void(prometheus::Registry&)>> collectors;

    /// The two series a request adds to, found once per route, method and status: a family's Add
    /// builds a label map and hashes it on every call.
    struct Series {
        prometheus::Counter* requests;
        prometheus::Histogram* latency;
    };
    std::mutex series_mutex;
    std::unordered_map<std::string, Series> series;  ///< by "route method status"
};

Metrics::Metrics() : impl_(std::make_unique<Impl>()) {}
Metrics::~Metrics() = default;

namespace {

/// A method as a label: the client chooses it, so one it could not mean is "other" (a label value
/// per made-up method would grow the series without bound).
std::string_view method_label(std::string_view method) {
    for (std::string_view known : {"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"})
        if (method == known) return known;
    return "other";
}

}  // namespace

void Metrics::observe_request(const std::string& route, const std::string& method, int status, double seconds) {
    const std::string_view verb = method_label(method);
    std::string key = route;
    key += ' ';
    key += verb;
    key += ' ';
    key += std::to_string(status);
    Impl::Series found{};
    {
        std::lock_guard lock(impl_->series_mutex);
        if (auto it = impl_->series.find(key); it != impl_->series.end()) found = it->second;
    }
    if (!found.requests) {
        static const prometheus::Histogram::BucketBoundaries buckets = {0.001, 0.0025, 0.005, 0.01, 0.025, 0.05,
                                                                        0.1,   0.25,   0.5,   1,    2.5,   5};
        found.requests =
            &impl_->requests.Add({{"route", route}, {"method", std::string(verb)}, {"status", std::to_string(status)}});
        found.latency = &impl_->latency.Add({{"route", route}}, buckets);
        std::lock_guard lock(impl_->series_mutex);
        impl_->series.emplace(std::move(key), found);
    }
    found.requests->Increment();
    found.latency->Observe(seconds);
}

std::function<void()> Metrics::counter(const std::string& name, const std::string& help) {
    auto& counter = prometheus::BuildCounter().Name(name).Help(help).Register(*impl_->registry).Add({});
    return [&counter] { counter.Increment(); };
}

void Metrics::gauge(const std::string& name, const std::string& help, std::function<double()> read) {
    auto& gauge = prometheus::BuildGauge().Name(name).Help(help).Register(*impl_->registry).Add({});
    add_collector([&gauge, read = std::move(read)](prometheus::Registry&) { gauge.Set(read()); });
}

void Metrics::add_collector(std::function<void(prometheus::Registry&)> collector) {
    std::lock_guard lock(impl_->mutex);
    impl_->collectors.push_back(std::move(collector));
}

std::string Metrics::render() {
    {
        std::lock_guard lock(impl_->mutex);
        for (auto& c : impl_->collectors) c(*impl_->registry);
    }
    prometheus::TextSerializer serializer;
    return serializer.Serialize(impl_->registry->Collect());
}

prometheus::Registry& Metrics::registry() {
    return *impl_->registry;
}

}  // namespace dh::http
