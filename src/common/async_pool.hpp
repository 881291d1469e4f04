#pragma once
// Two pieces of the servers' Asio plumbing that the HTTP server (src/http/server.cpp) and the
// inbound SMTP server (src/mail/smtp_server*.cpp) share: blocking work handed to the handler
// pool from a coroutine, and the drain loop of a graceful shutdown.
#include <boost/asio/async_result.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/thread_pool.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <chrono>
#include <exception>
#include <functional>
#include <memory>
#include <type_traits>
#include <utility>  // Boost 1.74's asio/awaitable.hpp needs std::exchange declared first

namespace dh::common {

/// Runs `fn` on `pool` (a blocking call: the database, the file system) and resumes the awaiting
/// coroutine on its own executor with the result, or with the exception `fn` threw. Not a
/// coroutine itself: GCC 12 mis-handles coroutine frames with by-value class parameters, and `fn`
/// is one. R must be default-constructible.
template <class F>
boost::asio::awaitable<std::invoke_result_t<F>> run_blocking(boost::asio::thread_pool& pool, F fn) {
    namespace asio = boost::asio;
    using R = std::invoke_result_t<F>;
    return asio::async_initiate<decltype(asio::use_awaitable), void(std::exception_ptr, R)>(
        [&pool, fn = std::move(fn)](auto handler) mutable {
            auto ex = asio::get_associated_executor(handler);
            asio::post(pool, [handler = std::move(handler), ex, fn = std::move(fn)]() mutable {
                std::exception_ptr error;
                R result{};
                try {
                    result = fn();
                } catch (...) {
                    error = std::current_exception();
                }
                asio::post(ex, [handler = std::move(handler), error, result = std::move(result)]() mutable {
                    std::move(handler)(error, std::move(result));
                });
            });
        },
        asio::use_awaitable);
}

/// What a server's graceful shutdown does while its sessions finish.
struct Drain {
    std::function<void()> nudge;             ///< each round: end the sessions that are only waiting
    std::function<std::size_t()> remaining;  ///< sessions still open
    std::function<void()> close_remaining;   ///< the deadline passed: close the rest (once)
    std::function<void()> done;              ///< called once, when nothing is left or at the deadline
};

/// Every 25 ms on `ioc`: nudge, then stop when no session is left or `deadline` has passed (closing
/// the rest). `drain` is kept alive by the loop until it has called `done`.
inline void drain_until(boost::asio::io_context& ioc, std::chrono::steady_clock::time_point deadline, Drain drain) {
    auto timer = std::make_shared<boost::asio::steady_timer>(ioc);
    auto round = std::make_shared<std::function<void()>>();
    *round = [timer, deadline, drain = std::move(drain), round]() {
        drain.nudge();
        if (drain.remaining() == 0 || std::chrono::steady_clock::now() > deadline) {
            if (drain.remaining() > 0) drain.close_remaining();
            drain.done();
            *round = nullptr;  // break the self-reference
            return;
        }
        timer->expires_after(std::chrono::milliseconds(25));
        timer->async_wait([round](const boost::system::error_code&) {
            if (*round) (*round)();
        });
    };
    (*round)();
}

}  // namespace dh::common
