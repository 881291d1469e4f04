#include "mail/transport.hpp"

namespace dh::mail {

const char* to_string(Outcome outcome) {
    switch (outcome) {
        case Outcome::sent:
            return "sent";
        case Outcome::deferred:
            return "deferred";
        case Outcome::failed:
            return "failed";
    }
    return "deferred";
}

}  // namespace dh::mail
