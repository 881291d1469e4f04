#pragma once
#include <string>
#include <string_view>

namespace dh::mail {

/// Renders untrusted HTML as plain text for display: tags dropped, script/style/head content and
/// comments removed, block elements become line breaks, entities decoded, whitespace collapsed.
/// The output contains no markup at all, so nothing in it can run or load remote content.
/// For untrusted inbound mail; html_to_text (markdown.hpp) serves composing outbound mail.
std::string safe_html_to_text(std::string_view html);

}  // namespace dh::mail
