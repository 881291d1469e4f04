#pragma once
#include <chrono>
#include <functional>

namespace dh::test {

/// Polls `condition` until it holds or `timeout` passes; true when it held. Tests wait on what
/// they need to see, never for a fixed time: a fast machine does not wait, a loaded one waits longer.
bool wait_until(const std::function<bool()>& condition, std::chrono::milliseconds timeout,
                std::chrono::milliseconds poll = std::chrono::milliseconds(50));

class TestServer;

/// Waits until the server's embedded worker has completed `cycles` more housekeeping cycles (each
/// records a heartbeat; see delivery/worker.cpp) than when called: whatever the worker was going to
/// do with the state before the call (send, retry, notify) it has had `cycles` chances to do.
/// True when it did within `timeout`.
bool wait_for_worker_cycles(const TestServer& server, int cycles,
                            std::chrono::milliseconds timeout = std::chrono::seconds(30));

}  // namespace dh::test
