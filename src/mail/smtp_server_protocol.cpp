#include "mail/smtp_server_protocol.hpp"

#include <algorithm>
#include <cctype>

namespace dh::mail::smtpd {
namespace {

std::string upper(std::string_view s) {
    std::string out(s);
    for (auto& c : out) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
    return out;
}

bool iequals_prefix(std::string_view s, std::string_view prefix) {
    if (s.size() < prefix.size()) return false;
    for (std::size_t i = 0; i < prefix.size(); ++i)
        if (std::toupper(static_cast<unsigned char>(s[i])) != std::toupper(static_cast<unsigned char>(prefix[i])))
            return false;
    return true;
}

PathArg fail(int code, std::string text) {
    PathArg r;
    r.code = code;
    r.error = std::move(text);
    return r;
}

bool parse_params(std::string_view rest, PathArg& out) {
    std::size_t i = 0;
    while (i < rest.size()) {
        while (i < rest.size() && rest[i] == ' ') ++i;
        if (i >= rest.size()) break;
        std::size_t end = rest.find(' ', i);
        if (end == std::string_view::npos) end = rest.size();
        std::string_view token = rest.substr(i, end - i);
        auto eq = token.find('=');
        std::string key = upper(token.substr(0, eq));
        if (key.empty()) return false;
        out.params[key] = eq == std::string_view::npos ? std::string() : std::string(token.substr(eq + 1));
        i = end;
    }
    return true;
}

}  // namespace

Command parse_command(std::string_view line) {
    Command cmd;
    auto space = line.find(' ');
    cmd.verb = upper(line.substr(0, space));
    if (space != std::string_view::npos) {
        std::string_view arg = line.substr(space + 1);
        while (!arg.empty() && (arg.back() == ' ' || arg.back() == '\t')) arg.remove_suffix(1);
        cmd.arg = std::string(arg);
    }
    return cmd;
}

PathArg parse_path_arg(std::string_view arg, std::string_view keyword) {
    if (!iequals_prefix(arg, keyword)) return fail(501, "5.5.4 Syntax: expected " + std::string(keyword) + "<address>");
    arg.remove_prefix(keyword.size());
    while (!arg.empty() && arg.front() == ' ') arg.remove_prefix(1);  // common, if not strictly RFC
    std::string_view path;
    std::string_view rest;
    if (!arg.empty() && arg.front() == '<') {
        auto close = arg.find('>');
        if (close == std::string_view::npos) return fail(501, "5.1.7 Bad address syntax: missing '>'");
        path = arg.substr(1, close - 1);
        rest = arg.substr(close + 1);
        if (!rest.empty() && rest.front() != ' ') return fail(501, "5.5.4 Syntax error after address");
    } else {
        auto space = arg.find(' ');
        path = arg.substr(0, space);
        if (space != std::string_view::npos) rest = arg.substr(space);
    }
    if (!path.empty() && path.front() == '@') {  // obsolete source route: keep the mailbox only
        auto colon = path.find(':');
        if (colon == std::string_view::npos) return fail(501, "5.1.7 Bad address syntax");
        path.remove_prefix(colon + 1);
    }
    if (path.size() > 254) return fail(501, "5.1.7 Address too long");
    for (char c : path) {
        auto u = static_cast<unsigned char>(c);
        if (u >= 0x80) return fail(553, "5.6.7 Non-ASCII addresses are not supported (no SMTPUTF8)");
        if (u <= 0x20 || u == 0x7f || c == '<' || c == '>') return fail(501, "5.1.7 Bad address syntax");
    }
    PathArg out;
    out.address = std::string(path);
    if (!parse_params(rest, out)) return fail(501, "5.5.4 Bad parameter syntax");
    out.ok = true;
    return out;
}

std::size_t DataReader::feed(std::string_view in) {
    std::size_t pos = 0;
    while (!done_ && pos < in.size()) {
        auto nl = in.find('\n', pos);
        if (nl == std::string_view::npos) {
            partial_.append(in.substr(pos));
            pos = in.size();
            if (partial_.size() > max_size_ + 2) drop_long_partial();
            break;
        }
        if (partial_.empty()) {
            process_line(in.substr(pos, nl + 1 - pos));
        } else {
            partial_.append(in.substr(pos, nl + 1 - pos));
            process_line(partial_);
            partial_.clear();
        }
        pos = nl + 1;
    }
    return pos;
}

// A line longer than the whole size limit can never be stored: keep only its last byte (a CR
// there may still pair with the coming LF), remembering that we are mid-line.
void DataReader::drop_long_partial() {
    too_big_ = true;
    message_.clear();
    message_.shrink_to_fit();
    if (partial_.find('\r') < partial_.size() - 1) bad_ = true;
    partial_.erase(0, partial_.size() - 1);
    continued_ = true;
}

void DataReader::process_line(std::string_view line) {
    line.remove_suffix(1);  // the LF
    bool crlf = !line.empty() && line.back() == '\r';
    if (crlf) line.remove_suffix(1);
    if (!crlf && !normalize_) bad_ = true;
    if (line.find('\r') != std::string_view::npos) bad_ = true;
    bool at_start = !continued_;
    bool framed = crlf && prev_crlf_;
    continued_ = false;
    prev_crlf_ = crlf;
    if (at_start && line == "." && (framed || !normalize_)) {
        // Clean data ends only at <CRLF>.<CRLF>. Without normalization a dot line with a bare LF
        // (the smuggling trick) also ends it, but bad_ is set by then and the attempt is refused.
        done_ = true;
        return;
    }
    if (at_start && !line.empty() && line.front() == '.') line.remove_prefix(1);
    if (too_big_) return;
    if (message_.size() + line.size() + 2 > max_size_) {
        too_big_ = true;
        message_.clear();
        message_.shrink_to_fit();
        return;
    }
    message_.append(line);
    message_.append("\r\n");
}

}  // namespace dh::mail::smtpd
