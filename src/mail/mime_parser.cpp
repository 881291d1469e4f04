#include "mail/mime_parser.hpp"

#include <gmime/gmime.h>

#include <memory>
#include <mutex>
#include <optional>

#include "common/strings.hpp"
#include "mail/safe_html.hpp"

namespace dh::mail {
namespace {

constexpr int kMaxPartDepth = 32;  // GMime has its own limit too; ours bounds our walk
constexpr std::size_t kMaxParts = 2000;
constexpr std::size_t kMaxWarnings = 50;
constexpr std::size_t kMaxReferences = 200;

struct Unref {
    void operator()(gpointer p) const {
        if (p) g_object_unref(p);
    }
};
template <class T>
using GObj = std::unique_ptr<T, Unref>;
struct GFree {
    void operator()(void* p) const { g_free(p); }
};
using GStr = std::unique_ptr<char, GFree>;

std::string str(const char* s) {
    return s ? std::string(s) : std::string();
}

struct Walk {
    ParsedMessage& out;
    std::size_t parts = 0;
    bool have_text = false;
    bool have_html = false;
    void error(const std::string& text) {
        if (out.parse_error.empty()) out.parse_error = text;
    }
};

const char* warning_name(GMimeParserWarning code) {
    switch (code) {
        case GMIME_WARN_DUPLICATED_HEADER:
            return "duplicated header";
        case GMIME_WARN_DUPLICATED_PARAMETER:
            return "duplicated parameter";
        case GMIME_WARN_UNENCODED_8BIT_HEADER:
            return "unencoded 8-bit header";
        case GMIME_WARN_INVALID_CONTENT_TYPE:
            return "invalid content type";
        case GMIME_WARN_INVALID_RFC2047_HEADER_VALUE:
            return "invalid RFC 2047 header value";
        case GMIME_WARN_MALFORMED_MULTIPART:
            return "malformed multipart";
        case GMIME_WARN_TRUNCATED_MESSAGE:
            return "truncated message";
        case GMIME_WARN_MALFORMED_MESSAGE:
            return "malformed message";
        case GMIME_CRIT_INVALID_HEADER_NAME:
            return "invalid header name";
        case GMIME_CRIT_CONFLICTING_HEADER:
            return "conflicting header";
        case GMIME_CRIT_CONFLICTING_PARAMETER:
            return "conflicting parameter";
        case GMIME_CRIT_MULTIPART_WITHOUT_BOUNDARY:
            return "multipart without boundary";
        case GMIME_WARN_INVALID_PARAMETER:
            return "invalid parameter";
        case GMIME_WARN_INVALID_ADDRESS_LIST:
            return "invalid address list";
        case GMIME_CRIT_NESTING_OVERFLOW:
            return "MIME nesting too deep";
        case GMIME_WARN_PART_WITHOUT_CONTENT:
            return "part without content";
        case GMIME_CRIT_PART_WITHOUT_HEADERS_OR_CONTENT:
            return "part without headers or content";
    }
    return "parser warning";
}

bool damages_structure(GMimeParserWarning code) {
    return code == GMIME_WARN_MALFORMED_MULTIPART || code == GMIME_WARN_TRUNCATED_MESSAGE ||
           code == GMIME_WARN_MALFORMED_MESSAGE || code == GMIME_CRIT_INVALID_HEADER_NAME ||
           code == GMIME_CRIT_MULTIPART_WITHOUT_BOUNDARY || code == GMIME_CRIT_NESTING_OVERFLOW ||
           code == GMIME_CRIT_PART_WITHOUT_HEADERS_OR_CONTENT;
}

void on_warning(gint64, GMimeParserWarning code, const gchar* item, gpointer user) {
    auto* walk = static_cast<Walk*>(user);
    std::string text = warning_name(code);
    if (item) text += ": " + repair_utf8(std::string_view(item).substr(0, 120));
    if (damages_structure(code)) walk->error(text);
    if (walk->out.warnings.size() < kMaxWarnings) walk->out.warnings.push_back(std::move(text));
}

std::string stream_bytes(GMimeStream* mem) {
    GByteArray* bytes = g_mime_stream_mem_get_byte_array(GMIME_STREAM_MEM(mem));
    return bytes ? std::string(reinterpret_cast<const char*>(bytes->data), bytes->len) : std::string();
}

/// The part's content with the transfer encoding undone.
std::string decoded_content(GMimePart* part) {
    GMimeDataWrapper* content = g_mime_part_get_content(part);
    if (!content) return {};
    GObj<GMimeStream> mem(g_mime_stream_mem_new());
    g_mime_data_wrapper_write_to_stream(content, mem.get());
    return stream_bytes(mem.get());
}

/// Converts with GMime's charset filter (iconv; skips what it cannot convert). nullopt when the
/// charset is unknown.
std::optional<std::string> convert_charset(const std::string& bytes, const std::string& charset) {
    GMimeFilter* filter = g_mime_filter_charset_new(charset.c_str(), "UTF-8");
    if (!filter) return std::nullopt;
    GObj<GMimeStream> mem(g_mime_stream_mem_new());
    GObj<GMimeStream> filtered(g_mime_stream_filter_new(mem.get()));
    g_mime_stream_filter_add(GMIME_STREAM_FILTER(filtered.get()), filter);
    g_object_unref(filter);
    g_mime_stream_write(filtered.get(), bytes.data(), bytes.size());
    g_mime_stream_flush(filtered.get());
    return stream_bytes(mem.get());
}

bool is_utf8_name(const std::string& charset) {
    return charset.empty() || charset == "utf-8" || charset == "utf8" || charset == "us-ascii" || charset == "ascii";
}

std::string text_of(Walk& walk, GMimePart* part) {
    std::string bytes = decoded_content(part);
    std::string charset =
        strings::to_lower(str(g_mime_object_get_content_type_parameter(GMIME_OBJECT(part), "charset")));
    std::optional<std::string> text;
    bool valid_utf8 = g_utf8_validate(bytes.data(), static_cast<gssize>(bytes.size()), nullptr);
    if (!is_utf8_name(charset)) {
        text = convert_charset(bytes, charset);
        if (!text)
            walk.out.warnings.push_back("unknown charset " + repair_utf8(charset.substr(0, 40)) +
                                        ", read as windows-1252");
    } else if (valid_utf8 || charset == "utf-8" || charset == "utf8") {
        text = bytes;  // declared UTF-8 with a few bad bytes: repaired below, not re-read as 8-bit
    }
    // Undeclared or mislabelled 8-bit text is most often windows-1252 (Outlook and friends).
    if (!text) text = convert_charset(bytes, "windows-1252");
    return repair_utf8(text ? *text : bytes);
}

std::string clean_filename(std::string name) {
    auto slash = name.find_last_of("/\\");
    if (slash != std::string::npos) name.erase(0, slash + 1);
    std::string out;
    for (char c : name)
        if (static_cast<unsigned char>(c) >= 0x20 && c != 0x7f) out += c;
    if (out == "." || out == "..") out.clear();
    return repair_utf8(out.substr(0, 255));
}

std::string mime_type_of(GMimeObject* obj) {
    GMimeContentType* ct = g_mime_object_get_content_type(obj);
    if (!ct) return "application/octet-stream";
    GStr type(g_mime_content_type_get_mime_type(ct));
    return strings::to_lower(str(type.get()));
}

void add_attachment(Walk& walk, Attachment a) {
    if (walk.out.attachments.size() >= kMaxParts) return;
    walk.out.attachments.push_back(std::move(a));
}

void leaf(Walk& walk, GMimePart* part) {
    GMimeObject* obj = GMIME_OBJECT(part);
    std::string type = mime_type_of(obj);
    GMimeContentDisposition* disposition = g_mime_object_get_content_disposition(obj);
    bool attachment = disposition && g_mime_content_disposition_is_attachment(disposition);
    std::string filename = clean_filename(str(g_mime_part_get_filename(part)));
    bool body = !attachment && filename.empty();
    if (body && type == "text/plain" && !walk.have_text) {
        walk.out.text_body = text_of(walk, part);
        walk.have_text = true;
        return;
    }
    if (body && type == "text/html" && !walk.have_html) {
        walk.out.html_body = text_of(walk, part);
        walk.have_html = true;
        return;
    }
    Attachment a;
    a.filename = filename;
    a.content_type = type;
    a.content_id = repair_utf8(str(g_mime_object_get_content_id(obj)));
    a.is_inline = disposition && !attachment;
    a.data = decoded_content(part);
    add_attachment(walk, std::move(a));
}

void message_part(Walk& walk, GMimeMessagePart* part) {
    GMimeObject* obj = GMIME_OBJECT(part);
    Attachment a;
    a.content_type = mime_type_of(obj);
    a.filename = clean_filename(str(g_mime_object_get_content_disposition_parameter(obj, "filename")));
    GMimeMessage* inner = g_mime_message_part_get_message(part);
    if (inner) {
        GObj<GMimeStream> mem(g_mime_stream_mem_new());
        g_mime_object_write_to_stream(GMIME_OBJECT(inner), nullptr, mem.get());
        a.data = stream_bytes(mem.get());
    }
    add_attachment(walk, std::move(a));
}

void walk_tree(Walk& walk, GMimeObject* obj, int depth) {
    if (!obj) return;
    if (depth > kMaxPartDepth || ++walk.parts > kMaxParts) {
        walk.error("MIME structure too deep or too many parts; the rest was not read");
        return;
    }
    if (GMIME_IS_MULTIPART(obj)) {
        auto* multipart = GMIME_MULTIPART(obj);
        int count = g_mime_multipart_get_count(multipart);
        for (int i = 0; i < count; ++i) walk_tree(walk, g_mime_multipart_get_part(multipart, i), depth + 1);
    } else if (GMIME_IS_MESSAGE_PART(obj)) {
        message_part(walk, GMIME_MESSAGE_PART(obj));
    } else if (GMIME_IS_PART(obj)) {
        leaf(walk, GMIME_PART(obj));
    }
}

std::vector<Mailbox> mailboxes(InternetAddressList* list, int depth = 0) {
    std::vector<Mailbox> out;
    int n = list ? internet_address_list_length(list) : 0;
    for (int i = 0; i < n && out.size() < 500; ++i) {
        InternetAddress* ia = internet_address_list_get_address(list, i);
        if (INTERNET_ADDRESS_IS_GROUP(ia) && depth == 0) {
            auto members = mailboxes(internet_address_group_get_members(INTERNET_ADDRESS_GROUP(ia)), 1);
            out.insert(out.end(), members.begin(), members.end());
        } else if (INTERNET_ADDRESS_IS_MAILBOX(ia)) {
            out.push_back({repair_utf8(str(internet_address_get_name(ia))),
                           repair_utf8(str(internet_address_mailbox_get_addr(INTERNET_ADDRESS_MAILBOX(ia))))});
        }
    }
    return out;
}

std::string iso_date(GMimeMessage* message) {
    GDateTime* date = g_mime_message_get_date(message);
    if (!date) return {};
    GDateTime* utc = g_date_time_to_utc(date);
    if (!utc) return {};
    GStr text(g_date_time_format(utc, "%Y-%m-%dT%H:%M:%SZ"));
    g_date_time_unref(utc);
    return str(text.get());
}

void read_threading(ParsedMessage& out, GMimeMessage* message, GMimeParserOptions* options) {
    GMimeObject* obj = GMIME_OBJECT(message);
    out.message_id = repair_utf8(str(g_mime_message_get_message_id(message)));
    const char* in_reply_to = g_mime_object_get_header(obj, "In-Reply-To");
    if (in_reply_to) {
        GStr id(g_mime_utils_decode_message_id(in_reply_to));
        out.in_reply_to = repair_utf8(str(id.get()));
    }
    const char* references = g_mime_object_get_header(obj, "References");
    if (!references) return;
    std::unique_ptr<GMimeReferences, decltype(&g_mime_references_free)> refs(
        g_mime_references_parse(options, references), &g_mime_references_free);
    if (!refs) return;
    int n = g_mime_references_length(refs.get());
    for (int i = 0; i < n && out.references.size() < kMaxReferences; ++i)
        out.references.push_back(repair_utf8(str(g_mime_references_get_message_id(refs.get(), i))));
}

void read_content_type(ParsedMessage& out, GMimeObject* top) {
    if (!top) return;
    out.content_type = mime_type_of(top);
    GMimeContentType* ct = g_mime_object_get_content_type(top);
    GMimeParamList* params = ct ? g_mime_content_type_get_parameters(ct) : nullptr;
    int n = params ? g_mime_param_list_length(params) : 0;
    for (int i = 0; i < n && i < 50; ++i) {
        GMimeParam* p = g_mime_param_list_get_parameter_at(params, i);
        out.content_type_params[strings::to_lower(str(g_mime_param_get_name(p)))] =
            repair_utf8(str(g_mime_param_get_value(p)));
    }
}

void read_message(Walk& walk, GMimeMessage* message, GMimeParserOptions* options) {
    ParsedMessage& out = walk.out;
    auto from = mailboxes(g_mime_message_get_from(message));
    if (!from.empty()) out.from = from.front();
    out.to = mailboxes(g_mime_message_get_addresses(message, GMIME_ADDRESS_TYPE_TO));
    out.cc = mailboxes(g_mime_message_get_addresses(message, GMIME_ADDRESS_TYPE_CC));
    out.reply_to = mailboxes(g_mime_message_get_reply_to(message));
    out.subject = repair_utf8(str(g_mime_message_get_subject(message)));
    out.date = iso_date(message);
    read_threading(out, message, options);
    GMimeObject* top = g_mime_message_get_mime_part(message);
    read_content_type(out, top);
    walk_tree(walk, top, 0);
    if (!out.html_body.empty()) out.html_text = safe_html_to_text(out.html_body);
}

std::string header_block(std::string_view raw) {
    std::size_t crlf = raw.find("\r\n\r\n");
    std::size_t lf = raw.find("\n\n");
    std::size_t end = std::min(crlf == std::string_view::npos ? raw.size() : crlf + 2,
                               lf == std::string_view::npos ? raw.size() : lf + 1);
    return std::string(raw.substr(0, end));
}

}  // namespace

ParsedMessage parse_message(std::string_view raw) {
    static std::once_flag init;
    std::call_once(init, [] { g_mime_init(); });
    ParsedMessage out;
    Walk walk{out};
    try {
        out.raw_headers = header_block(raw);
        std::unique_ptr<GMimeParserOptions, void (*)(GMimeParserOptions*)> owned(g_mime_parser_options_new(),
                                                                                 g_mime_parser_options_free);
        GMimeParserOptions* options = owned.get();
        const char* fallback[] = {"UTF-8", "windows-1252", nullptr};
        g_mime_parser_options_set_fallback_charsets(options, fallback);
        g_mime_parser_options_set_warning_callback(options, on_warning, &walk);
        GObj<GMimeStream> stream(g_mime_stream_mem_new_with_buffer(raw.data(), raw.size()));
        GObj<GMimeParser> parser(g_mime_parser_new_with_stream(stream.get()));
        g_mime_parser_set_format(parser.get(), GMIME_FORMAT_MESSAGE);
        GObj<GMimeMessage> message(g_mime_parser_construct_message(parser.get(), options));
        if (message)
            read_message(walk, message.get(), options);
        else
            walk.error("not a parseable RFC 5322 message");
    } catch (const std::exception& e) {  // allocation failures in our own code
        walk.error(std::string("parse failed: ") + e.what());
    }
    return out;
}

std::string header_value(std::string_view block, std::string_view name) {
    std::string value;
    bool in_match = false;
    std::size_t pos = 0;
    while (pos < block.size()) {
        std::size_t nl = block.find('\n', pos);
        std::string_view line = block.substr(pos, nl == std::string_view::npos ? std::string_view::npos : nl - pos);
        pos = nl == std::string_view::npos ? block.size() : nl + 1;
        if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
        if (line.empty()) break;  // end of the header block
        bool continuation = line.front() == ' ' || line.front() == '\t';
        if (continuation && in_match) {
            value += line;
            continue;
        }
        if (in_match) break;
        if (continuation || line.size() <= name.size() || line[name.size()] != ':') continue;
        if (g_ascii_strncasecmp(line.data(), std::string(name).c_str(), name.size()) != 0) continue;
        in_match = true;
        value = std::string(line.substr(name.size() + 1));
    }
    std::size_t first = value.find_first_not_of(" \t");
    std::size_t last = value.find_last_not_of(" \t");
    return first == std::string::npos ? std::string() : value.substr(first, last - first + 1);
}

std::string repair_utf8(std::string_view s) {
    std::string out;
    out.reserve(s.size());
    std::size_t i = 0;
    while (i < s.size()) {
        auto c = static_cast<unsigned char>(s[i]);
        if (c == 0) {
            ++i;
            continue;
        }
        std::size_t len = c < 0x80 ? 1 : (c >> 5) == 0x6 ? 2 : (c >> 4) == 0xE ? 3 : (c >> 3) == 0x1E ? 4 : 0;
        if (len > 0 && i + len <= s.size() && g_utf8_validate(s.data() + i, static_cast<gssize>(len), nullptr)) {
            out.append(s.substr(i, len));
            i += len;
        } else {
            out += "\xEF\xBF\xBD";
            ++i;
        }
    }
    return out;
}

}  // namespace dh::mail
