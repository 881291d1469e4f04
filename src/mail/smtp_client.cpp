#include "mail/smtp_client.hpp"

#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/post.hpp>
#include <thread>

#include "app/config.hpp"
#include "common/log.hpp"
#include "mail/smtp_pool.hpp"

namespace dh::mail {

namespace asio = boost::asio;

namespace {

std::optional<asio::ssl::context> make_tls_context(const SmtpUrl& url) {
    std::optional<asio::ssl::context> ctx;
    if (url.tls == SmtpUrl::Tls::none) return ctx;
    ctx.emplace(asio::ssl::context::tls_client);
    ctx->set_options(asio::ssl::context::default_workarounds | asio::ssl::context::no_sslv2 |
                     asio::ssl::context::no_sslv3 | asio::ssl::context::no_tlsv1 | asio::ssl::context::no_tlsv1_1);
    if (!url.verify) {
        ctx->set_verify_mode(asio::ssl::verify_none);
        return ctx;
    }
    ctx->set_verify_mode(asio::ssl::verify_peer);
    boost::system::error_code ec;
    if (url.ca_file.empty()) {
        ctx->set_default_verify_paths(ec);
    } else {
        ctx->load_verify_file(url.ca_file, ec);
    }
    if (ec)
        throw ConfigError("SMTP_URL: cannot load the CA bundle " + (url.ca_file.empty() ? "(system)" : url.ca_file));
    return ctx;
}

}  // namespace

struct SmtpTransport::Impl {
    explicit Impl(SmtpOptions o)
        : options(std::move(o)),
          tls(make_tls_context(options.url)),
          pool(ioc, options, tls ? &*tls : nullptr, stats),
          work(asio::make_work_guard(ioc)) {}

    SmtpOptions options;
    asio::io_context ioc{1};
    std::optional<asio::ssl::context> tls;
    smtp::AtomicStats stats;
    smtp::ConnectionPool pool;
    asio::executor_work_guard<asio::io_context::executor_type> work;
    std::thread thread;
};

SmtpTransport::SmtpTransport(SmtpOptions options) : impl_(std::make_unique<Impl>(std::move(options))) {
    impl_->thread = std::thread([impl = impl_.get()] {
        try {
            impl->ioc.run();
        } catch (const std::exception& e) {
            log::error("smtp transport I/O thread stopped", {{"error", e.what()}});
        }
    });
}

SmtpTransport::~SmtpTransport() {
    asio::post(impl_->ioc, [impl = impl_.get()] { impl->pool.stop(); });
    impl_->work.reset();
    impl_->thread.join();
}

std::vector<DeliveryResult> SmtpTransport::send(const std::vector<OutgoingMessage>& batch,
                                                const ResultCallback& on_result) {
    if (batch.empty()) return {};
    smtp::Batch b;
    b.on_result = on_result;
    b.results.resize(batch.size());
    b.remaining = batch.size();
    auto done = b.done.get_future();
    asio::post(impl_->ioc, [this, &b, &batch] { impl_->pool.submit(b, batch); });
    done.wait();
    return std::move(b.results);
}

std::string SmtpTransport::health() const {
    return impl_->pool.health();
}

SmtpStats SmtpTransport::stats() const {
    const auto& s = impl_->stats;
    SmtpStats out;
    out.connections_opened = s.connections_opened;
    out.setup_failures = s.setup_failures;
    out.sent = s.sent;
    out.deferred = s.deferred;
    out.failed = s.failed;
    out.throttled = s.throttled;
    out.connection_limit = s.connection_limit;
    out.open_connections = s.open_connections;
    return out;
}

}  // namespace dh::mail
