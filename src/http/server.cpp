#include "http/server.hpp"

#include <boost/asio.hpp>
#include <boost/beast.hpp>
#include <boost/beast/http/file_body.hpp>
#include <filesystem>
#include <set>
#include <utility>  // Boost 1.74's asio/awaitable.hpp needs std::exchange declared first

#include "common/async_pool.hpp"
#include "common/error.hpp"
#include "common/log.hpp"
#include "common/random.hpp"
#include "common/strings.hpp"
#include "http/framing.hpp"
#include "http/pipeline.hpp"
#include "http/problem.hpp"
#include "http/router.hpp"

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace bhttp = beast::http;
using tcp = asio::ip::tcp;

namespace dh::http {
namespace {

bool valid_request_id(std::string_view id) {
    if (id.empty() || id.size() > 64) return false;
    for (char c : id)
        if (!std::isalnum(static_cast<unsigned char>(c)) && c != '-' && c != '_' && c != '.') return false;
    return true;
}

/// A parse error of the peer's bytes (as opposed to the connection ending or timing out).
bool is_malformed_request(const beast::error_code& ec) {
    if (!ec || ec.category() != bhttp::make_error_code(bhttp::error::bad_method).category()) return false;
    return ec != bhttp::error::end_of_stream && ec != bhttp::error::partial_message;
}

Error head_refusal(const beast::error_code& ec) {
    if (ec == bhttp::error::header_limit)
        return Error::bad_request("header_too_large", "Request headers are too large.");
    if (ec == bhttp::error::bad_content_length || ec == bhttp::error::bad_transfer_encoding)
        return Error::bad_request("invalid_framing", "The request's Content-Length or Transfer-Encoding is not valid.");
    return Error::bad_request("malformed_request", "The request is not valid HTTP/1.1.");
}

Error framing_refusal(const FramingDecision& d) {
    if (!d.ok) return Error::bad_request(d.code, d.detail);
    return Error::bad_request("invalid_framing", "The request's Content-Length or Transfer-Encoding is not valid.");
}

bool beast_agrees(const BodyFraming& framing, const bhttp::request_parser<bhttp::empty_body>& parser) {
    auto length = parser.content_length();
    return parser_agrees(framing, parser.chunked(), length ? std::optional<std::uint64_t>(*length) : std::nullopt);
}

struct SessionState {
    beast::tcp_stream* stream;
    bool busy = false;
};

}  // namespace

struct Server::Impl : std::enable_shared_from_this<Server::Impl> {
    asio::io_context& ioc;
    asio::thread_pool& handlers;
    const Router& router;
    const Pipeline& pipeline;
    Options options;
    tcp::acceptor acceptor;
    std::set<SessionState*> sessions;  // touched only on the I/O thread
    bool stopping = false;

    Impl(asio::io_context& ioc_, asio::thread_pool& handlers_, const Router& router_, const Pipeline& pipeline_,
         Options options_)
        : ioc(ioc_),
          handlers(handlers_),
          router(router_),
          pipeline(pipeline_),
          options(std::move(options_)),
          acceptor(ioc_) {}

    asio::awaitable<void> accept_loop() {
        auto self = shared_from_this();
        while (!stopping) {
            beast::error_code ec;
            tcp::socket socket = co_await acceptor.async_accept(asio::redirect_error(asio::use_awaitable, ec));
            if (ec) {
                if (stopping || ec == asio::error::operation_aborted) break;
                log::warn("accept failed", {{"error", ec.message()}});
                continue;
            }
            socket.set_option(tcp::no_delay(true), ec);
            asio::co_spawn(ioc, session(std::move(socket)), [](std::exception_ptr error) {
                if (!error) return;
                try {
                    std::rethrow_exception(error);
                } catch (const std::exception& e) {
                    log::error("connection failed", {{"error", e.what()}});
                }
            });
        }
    }

    Request make_request(const bhttp::request_parser<bhttp::empty_body>& parser, const std::string& client_ip) {
        auto& h = parser.get();
        Request req;
        req.method = std::string(h.method_string());
        std::string target(h.target());
        auto q = target.find('?');
        req.path = target.substr(0, q);
        if (q != std::string::npos) {
            req.query_string = target.substr(q + 1);
            req.query = parse_query(req.query_string);
        }
        for (auto& field : h)
            req.headers.emplace_back(strings::to_lower(field.name_string()), std::string(field.value()));
        auto incoming = req.header("x-request-id");
        req.request_id = valid_request_id(incoming) ? std::string(incoming) : random::hex(12);
        std::vector<std::string_view> forwarded_for;
        for (auto& [name, value] : req.headers)
            if (name == "x-forwarded-for") forwarded_for.push_back(value);
        req.client_ip = options.trusted_proxies.client_address(client_ip, forwarded_for);
        return req;
    }

    template <class Body>
    asio::awaitable<bool> write(beast::tcp_stream& stream, bhttp::response<Body>& res, const Response& r,
                                const Request& req, bool keep_alive) {
        res.result(static_cast<unsigned>(r.status));
        if (!r.content_type.empty()) res.set(bhttp::field::content_type, r.content_type);
        res.set("X-Request-Id", req.request_id);
        res.set("X-Content-Type-Options", "nosniff");
        bool has_cache_control = false;
        for (auto& [k, v] : r.headers) {
            res.insert(k, v);
            if (strings::to_lower(k) == "cache-control") has_cache_control = true;
        }
        if (!has_cache_control) res.set(bhttp::field::cache_control, "no-store");
        res.keep_alive(keep_alive);
        res.prepare_payload();
        beast::error_code ec;
        stream.expires_after(options.read_timeout);
        co_await bhttp::async_write(stream, res, asio::redirect_error(asio::use_awaitable, ec));
        co_return !ec;
    }

    // GCC 12 mis-handles coroutine frames with by-value class parameters and with co_await inside
    // conditional expressions or nested scopes holding locals: keep these coroutines flat.
    asio::awaitable<bool> send_file(beast::tcp_stream& stream, Response& r, const Request& req, bool keep_alive) {
        bhttp::response<bhttp::file_body> res{bhttp::status::ok, 11};
        beast::error_code ec;
        res.body().open(r.file_path.c_str(), beast::file_mode::scan, ec);
        if (r.remove_file_after) {
            std::error_code rm;
            std::filesystem::remove(r.file_path, rm);  // the open descriptor keeps the data readable
        }
        if (ec) co_return false;
        bool ok = co_await write(stream, res, r, req, keep_alive);
        co_return ok;
    }

    asio::awaitable<bool> send_text(beast::tcp_stream& stream, Response& r, const Request& req, bool keep_alive) {
        bhttp::response<bhttp::string_body> res{bhttp::status::ok, 11};
        if (req.method != "HEAD") res.body() = std::move(r.body);
        bool ok = co_await write(stream, res, r, req, keep_alive);
        co_return ok;
    }

    asio::awaitable<bool> send(beast::tcp_stream& stream, Response& r, const Request& req, bool keep_alive) {
        if (!r.file_path.empty() && !std::filesystem::is_regular_file(r.file_path)) {
            r = problem(Error::not_found("File"), req.request_id);
        }
        bool ok = false;
        if (!r.file_path.empty())
            ok = co_await send_file(stream, r, req, keep_alive);
        else
            ok = co_await send_text(stream, r, req, keep_alive);
        co_return ok;
    }

    asio::awaitable<beast::error_code> read_text_body(beast::tcp_stream& stream, beast::flat_buffer& buffer,
                                                      bhttp::request_parser<bhttp::empty_body>& header_parser,
                                                      std::size_t limit, Request& req) {
        bhttp::request_parser<bhttp::string_body> parser(std::move(header_parser));
        parser.body_limit(limit);
        beast::error_code ec;
        co_await bhttp::async_read(stream, buffer, parser, asio::redirect_error(asio::use_awaitable, ec));
        if (!ec) req.body = std::move(parser.get().body());
        co_return ec;
    }

    asio::awaitable<beast::error_code> read_file_body(beast::tcp_stream& stream, beast::flat_buffer& buffer,
                                                      bhttp::request_parser<bhttp::empty_body>& header_parser,
                                                      std::size_t limit, Request& req) {
        bhttp::request_parser<bhttp::file_body> parser(std::move(header_parser));
        parser.body_limit(limit);
        req.body_file = options.spool_dir + "/upload-" + random::hex(12);
        beast::error_code ec;
        parser.get().body().open(req.body_file.c_str(), beast::file_mode::write, ec);
        if (ec) co_return ec;
        co_await bhttp::async_read(stream, buffer, parser, asio::redirect_error(asio::use_awaitable, ec));
        co_return ec;
    }

    /// After refusing a request whose body we will not read, drain what the client is still sending
    /// for a moment so that closing does not reset the connection before it reads our answer.
    asio::awaitable<void> linger(beast::tcp_stream& stream) {
        beast::error_code ec;
        stream.socket().shutdown(tcp::socket::shutdown_send, ec);
        stream.expires_after(std::chrono::seconds(2));
        std::vector<char> scratch(64 * 1024);
        std::size_t drained = 0;
        while (!ec && drained < (64u << 20)) {
            std::size_t n =
                co_await stream.async_read_some(asio::buffer(scratch), asio::redirect_error(asio::use_awaitable, ec));
            drained += n;
        }
    }

    Response too_large(std::size_t limit, const Request& req) {
        return problem(Error(ErrorKind::payload_too_large, "body_too_large",
                             "The request body exceeds " + std::to_string(limit) + " bytes."),
                       req.request_id);
    }

    asio::awaitable<void> session(tcp::socket socket) {
        auto self = shared_from_this();
        beast::error_code ec;
        std::string client_ip = socket.remote_endpoint(ec).address().to_string();
        beast::tcp_stream stream(std::move(socket));
        SessionState state{&stream};
        sessions.insert(&state);
        beast::flat_buffer buffer;
        bool must_linger = false;
        while (!stopping) {
            state.busy = false;
            stream.expires_after(options.idle_timeout);
            bhttp::request_parser<bhttp::empty_body> header_parser;
            header_parser.header_limit(16 * 1024);
            // Limits are per route, checked below. (Not boost::none: Beast 1.74 compares
            // len > optional() as true and refuses every body.)
            header_parser.body_limit(std::numeric_limits<std::uint64_t>::max());
            co_await bhttp::async_read_header(stream, buffer, header_parser,
                                              asio::redirect_error(asio::use_awaitable, ec));
            if (is_malformed_request(ec)) {
                // A head we cannot parse (or whose framing Beast refuses): answer, then close, so
                // that nothing the peer sent after it is ever read as another request.
                Request bad;
                bad.request_id = random::hex(12);
                Response refusal = problem(head_refusal(ec), bad.request_id);
                co_await send(stream, refusal, bad, false);
                must_linger = true;
                break;
            }
            if (ec) break;
            state.busy = true;
            Request req = make_request(header_parser, client_ip);
            auto framing = request_framing(req.headers);
            if (!framing.ok || !beast_agrees(framing.framing, header_parser)) {
                log::info("request framing refused", {{"request_id", req.request_id}, {"code", framing.code}});
                Response refusal = problem(framing_refusal(framing), req.request_id);
                co_await send(stream, refusal, req, false);
                must_linger = true;
                break;
            }
            Match match = router.match(req.method, req.path);
            bool keep_alive = header_parser.keep_alive();
            std::size_t limit = match.route && match.route->max_body ? match.route->max_body : options.max_body;
            auto length = header_parser.content_length();
            bool has_body = (length && *length > 0) || header_parser.chunked();
            bool refused = false;
            Response response;
            if (length && *length > limit) {
                response = too_large(limit, req);
                refused = true;
            } else if (has_body) {
                if (strings::to_lower(req.header("expect")) == "100-continue") {
                    bhttp::response<bhttp::empty_body> cont{bhttp::status::continue_, 11};
                    co_await bhttp::async_write(stream, cont, asio::redirect_error(asio::use_awaitable, ec));
                    if (ec) break;
                }
                stream.expires_after(options.body_timeout);
                bool spool = match.route && match.route->spool_body;
                if (spool)
                    ec = co_await read_file_body(stream, buffer, header_parser, limit, req);
                else
                    ec = co_await read_text_body(stream, buffer, header_parser, limit, req);
                if (ec == bhttp::error::body_limit) {
                    response = too_large(limit, req);
                    refused = true;
                } else if (is_malformed_request(ec)) {
                    remove_spooled(req);
                    Response refusal =
                        problem(Error::bad_request("malformed_body", "The request body is not validly framed."),
                                req.request_id);
                    co_await send(stream, refusal, req, false);
                    must_linger = true;
                    break;
                } else if (ec) {
                    // Timeout (the stream is closed by then) or the peer went away: nothing to answer.
                    log::info("request body not read", {{"request_id", req.request_id}, {"error", ec.message()}});
                    remove_spooled(req);
                    break;
                }
            }
            if (refused) {
                keep_alive = false;  // the unread rest of the body would be parsed as the next request
                must_linger = true;
            } else {
                response = co_await common::run_blocking(handlers,
                                                         [this, &req, &match] { return pipeline.handle(req, match); });
            }
            remove_spooled(req);
            if (stopping) keep_alive = false;
            bool ok = co_await send(stream, response, req, keep_alive);
            if (!ok || !keep_alive) break;
        }
        if (must_linger) co_await linger(stream);
        stream.socket().shutdown(tcp::socket::shutdown_send, ec);
        stream.socket().close(ec);
        sessions.erase(&state);
    }

    static void remove_spooled(Request& req) {
        if (req.body_file.empty()) return;
        std::error_code rm;
        std::filesystem::remove(req.body_file, rm);
        req.body_file.clear();
    }

    void begin_shutdown(std::function<void()> done) {
        stopping = true;
        beast::error_code ec;
        acceptor.close(ec);
        auto self = shared_from_this();
        common::drain_until(
            ioc, std::chrono::steady_clock::now() + options.drain_timeout,
            {.nudge =
                 [self] {
                     beast::error_code ignored;
                     for (auto* s : self->sessions)
                         if (!s->busy) s->stream->socket().cancel(ignored);
                 },
             .remaining = [self] { return self->sessions.size(); },
             .close_remaining =
                 [self] {
                     log::warn("shutdown: closing connections still busy", {{"count", self->sessions.size()}});
                     beast::error_code ignored;
                     for (auto* s : self->sessions) s->stream->socket().close(ignored);
                 },
             .done = std::move(done)});
    }
};

Server::Server(asio::io_context& ioc, asio::thread_pool& handler_pool, const Router& router, const Pipeline& pipeline,
               Options options)
    : impl_(std::make_shared<Impl>(ioc, handler_pool, router, pipeline, std::move(options))) {}

Server::~Server() = default;

std::uint16_t Server::listen() {
    auto address = asio::ip::make_address(impl_->options.host);
    tcp::endpoint endpoint(address, impl_->options.port);
    impl_->acceptor.open(endpoint.protocol());
    impl_->acceptor.set_option(asio::socket_base::reuse_address(true));
    impl_->acceptor.bind(endpoint);
    impl_->acceptor.listen(asio::socket_base::max_listen_connections);
    return impl_->acceptor.local_endpoint().port();
}

void Server::start() {
    asio::co_spawn(impl_->ioc, impl_->accept_loop(), asio::detached);
}

void Server::shutdown(std::function<void()> done) {
    auto impl = impl_;
    asio::post(impl->ioc, [impl, done = std::move(done)]() mutable { impl->begin_shutdown(std::move(done)); });
}

}  // namespace dh::http
