#pragma once
// The states of a dispatch and of a delivery, and their one spelling: the API's, the web client's
// and the database's (the CHECK constraints of migration 0004 list the same words).
#include <array>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>

namespace dh::dispatch {

enum class DispatchState { scheduled, pending_approval, queued, sending, paused, completed, cancelled };

/// The first three are live (still to be sent); the rest are terminal.
enum class DeliveryState { queued, sending, deferred, sent, failed, bounced, complained, suppressed, cancelled };

inline constexpr std::array<DispatchState, 7> kDispatchStates = {
    DispatchState::scheduled, DispatchState::pending_approval, DispatchState::queued,   DispatchState::sending,
    DispatchState::paused,    DispatchState::completed,        DispatchState::cancelled};
inline constexpr std::array<DeliveryState, 9> kDeliveryStates = {
    DeliveryState::queued,     DeliveryState::sending,    DeliveryState::deferred,
    DeliveryState::sent,       DeliveryState::failed,     DeliveryState::bounced,
    DeliveryState::complained, DeliveryState::suppressed, DeliveryState::cancelled};

constexpr std::string_view to_string(DispatchState s) {
    constexpr std::array<std::string_view, kDispatchStates.size()> names = {
        "scheduled", "pending_approval", "queued", "sending", "paused", "completed", "cancelled"};
    return names[static_cast<std::size_t>(s)];
}

constexpr std::string_view to_string(DeliveryState s) {
    constexpr std::array<std::string_view, kDeliveryStates.size()> names = {
        "queued", "sending", "deferred", "sent", "failed", "bounced", "complained", "suppressed", "cancelled"};
    return names[static_cast<std::size_t>(s)];
}

namespace detail {
template <class State, std::size_t N>
constexpr std::optional<State> find_state(const std::array<State, N>& all, std::string_view word) {
    for (auto s : all)
        if (to_string(s) == word) return s;
    return std::nullopt;
}
}  // namespace detail

/// The state a word names; nullopt for any other word (e.g. a query parameter to refuse).
constexpr std::optional<DispatchState> dispatch_state_from(std::string_view word) {
    return detail::find_state(kDispatchStates, word);
}
constexpr std::optional<DeliveryState> delivery_state_from(std::string_view word) {
    return detail::find_state(kDeliveryStates, word);
}

/// The state of a stored row. The database's constraint admits no other word: another one means a
/// schema this build does not know.
template <class State>
State stored_state(std::optional<State> state, std::string_view word) {
    if (state) return *state;
    throw std::logic_error("unknown state in the database: " + std::string(word));
}
inline DispatchState stored_dispatch_state(std::string_view word) {
    return stored_state(dispatch_state_from(word), word);
}
inline DeliveryState stored_delivery_state(std::string_view word) {
    return stored_state(delivery_state_from(word), word);
}

constexpr bool is_live(DeliveryState s) {
    return s == DeliveryState::queued || s == DeliveryState::sending || s == DeliveryState::deferred;
}

/// What a member can do to a dispatch once created (POST /api/v1/dispatches/{id}/<action>).
enum class DispatchAction { pause, resume, cancel, retry_failed };

constexpr std::string_view to_string(DispatchAction a) {
    constexpr std::array<std::string_view, 4> names = {"pause", "resume", "cancel", "retry-failed"};
    return names[static_cast<std::size_t>(a)];
}

/// What the action did, as messages and the audit log say it ("dispatch.cancelled").
constexpr std::string_view past_tense(DispatchAction a) {
    constexpr std::array<std::string_view, 4> names = {"paused", "resumed", "cancelled", "retried"};
    return names[static_cast<std::size_t>(a)];
}

}  // namespace dh::dispatch
