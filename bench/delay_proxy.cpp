// A TCP proxy that delays every chunk the server sends by a fixed time (a remote relay's round trip).
// Client-to-server bytes pass at once. Order is kept; delays do not add up (each chunk leaves
// `delay` after it arrived).
//   delay_proxy LISTEN_PORT TARGET_HOST TARGET_PORT DELAY_MS
#include <boost/asio.hpp>
#include <cstdio>
#include <deque>
#include <memory>
#include <string>
#include <utility>  // Boost 1.74's asio/awaitable.hpp needs std::exchange declared first

namespace asio = boost::asio;
using tcp = asio::ip::tcp;
using boost::system::error_code;

namespace {

struct Chunk {
    std::chrono::steady_clock::time_point due;
    std::string bytes;
};

struct Session : std::enable_shared_from_this<Session> {
    Session(tcp::socket c, asio::io_context& ioc) : client(std::move(c)), server(ioc), timer(ioc) {}
    tcp::socket client, server;
    asio::steady_timer timer;
    std::deque<Chunk> delayed;
    bool writing = false;
    std::array<char, 65536> up{}, down{};

    void close() {
        error_code ec;
        client.close(ec);
        server.close(ec);
        timer.cancel();
    }
};

std::chrono::milliseconds g_delay{5};

void pump_up(std::shared_ptr<Session> s) {
    s->client.async_read_some(asio::buffer(s->up), [s](error_code ec, std::size_t n) {
        if (ec) return s->close();
        asio::async_write(s->server, asio::buffer(s->up.data(), n), [s](error_code ec2, std::size_t) {
            if (ec2) return s->close();
            pump_up(s);
        });
    });
}

void flush_down(std::shared_ptr<Session> s) {
    if (s->writing || s->delayed.empty()) return;
    s->writing = true;
    s->timer.expires_at(s->delayed.front().due);
    s->timer.async_wait([s](error_code) {
        asio::async_write(s->client, asio::buffer(s->delayed.front().bytes), [s](error_code ec, std::size_t) {
            if (ec) return s->close();
            s->delayed.pop_front();
            s->writing = false;
            flush_down(s);
        });
    });
}

void pump_down(std::shared_ptr<Session> s) {
    s->server.async_read_some(asio::buffer(s->down), [s](error_code ec, std::size_t n) {
        if (ec) {
            // Deliver what is still delayed, then close.
            auto t = std::make_shared<asio::steady_timer>(s->timer.get_executor());
            t->expires_after(g_delay + std::chrono::milliseconds(50));
            t->async_wait([s, t](error_code) { s->close(); });
            return;
        }
        s->delayed.push_back({std::chrono::steady_clock::now() + g_delay, std::string(s->down.data(), n)});
        flush_down(s);
        pump_down(s);
    });
}

void accept(tcp::acceptor& acceptor, asio::io_context& ioc, const tcp::resolver::results_type& target) {
    acceptor.async_accept([&acceptor, &ioc, target](error_code ec, tcp::socket socket) {
        if (!ec) {
            auto s = std::make_shared<Session>(std::move(socket), ioc);
            asio::async_connect(s->server, target, [s](error_code ec2, const tcp::endpoint&) {
                if (ec2) return s->close();
                error_code ignored;
                s->client.set_option(tcp::no_delay(true), ignored);
                s->server.set_option(tcp::no_delay(true), ignored);
                pump_up(s);
                pump_down(s);
            });
        }
        accept(acceptor, ioc, target);
    });
}

}  // namespace

int main(int argc, char** argv) {
    if (argc != 5) {
        std::fprintf(stderr, "usage: delay_proxy LISTEN_PORT TARGET_HOST TARGET_PORT DELAY_MS\n");
        return 2;
    }
    asio::io_context ioc{1};
    g_delay = std::chrono::milliseconds(std::stoi(argv[4]));
    tcp::resolver resolver(ioc);
    auto target = resolver.resolve(argv[2], argv[3]);
    tcp::acceptor acceptor(
        ioc, tcp::endpoint(asio::ip::make_address("127.0.0.1"), static_cast<unsigned short>(std::stoi(argv[1]))));
    accept(acceptor, ioc, target);
    std::printf("listening on %s\n", argv[1]);
    std::fflush(stdout);
    ioc.run();
}
