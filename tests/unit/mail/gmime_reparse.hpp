#pragma once
// A built message read back by GMime (the inbound parser), in a TU of its own: parsed_message.hpp
// and mime_builder.hpp each define a mail::Mailbox, so no file may include both.
#include <string>
#include <string_view>
#include <vector>

namespace dh::mail::testing {

struct Reparsed {
    std::string subject;
    std::string from_name;
    std::string from_address;
    std::vector<std::string> reply_to_addresses;
    std::vector<std::string> filenames;
    std::string parse_error;
};

Reparsed reparse_with_gmime(std::string_view raw);

}  // namespace dh::mail::testing
