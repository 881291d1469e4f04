#pragma once
#include <string>
#include <string_view>

namespace dh::mail {

/// CommonMark → an HTML fragment (libcmark). Raw HTML in the source is not passed through (it
/// becomes a comment) and links/images with javascript:, vbscript:, file: or non-image data: URLs
/// lose their URL. A single line break in the source is kept as <br /> (people writing a mail
/// expect "Kind regards,⏎Ana" on two lines). Invalid UTF-8 is replaced with U+FFFD.
std::string markdown_to_html(std::string_view markdown);

/// CommonMark → readable plain text: paragraphs separated by a blank line, list items as "- " or
/// "1. ", block quotes as "> ", links as "text (url)", emphasis marks and raw HTML dropped.
std::string markdown_to_text(std::string_view markdown);

/// HTML (a fragment or a whole document) → readable plain text: script, style and head dropped,
/// block elements and <br> become line breaks, list items "- ", links "text (url)", images their
/// alt text, character references decoded, whitespace collapsed as a browser would (except <pre>).
std::string html_to_text(std::string_view html);

/// A minimal HTML document around a body fragment (UTF-8 declared), for the text/html part.
std::string html_document(std::string_view body_fragment);

}  // namespace dh::mail
