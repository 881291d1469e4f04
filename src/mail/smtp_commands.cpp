// The SMTP verbs of the inbound server: EHLO/HELO, MAIL, RCPT, DATA, STARTTLS and the small ones.
#include "common/log.hpp"
#include "mail/smtp_server_impl.hpp"

namespace dh::mail {

bool SmtpServer::Impl::simple_command(Conn& c, const smtpd::Command& cmd) {
    const std::string& v = cmd.verb;
    if (v == "EHLO" || v == "HELO")
        ehlo(c, cmd);
    else if (v == "MAIL")
        mail(c, cmd);
    else if (v == "RSET") {
        reset_transaction(c);
        reply(c, 250, "2.0.0 Ok");
    } else if (v == "NOOP")
        reply(c, 250, "2.0.0 Ok");
    else if (v == "VRFY")
        reply(c, 252, "2.5.2 Cannot VRFY user, but will accept message for routed addresses");
    else if (v == "QUIT") {
        reply(c, 221, "2.0.0 Bye");
        return false;
    } else if (v == "GET" || v == "POST" || v == "HEAD" || v == "PUT" || v == "CONNECT") {
        log::info("smtp: HTTP request on the SMTP port, hanging up", {{"session", c.env.session_id}});
        c.linger = true;
        return false;  // a browser or proxy abuse attempt: no reply at all
    } else if (v == "EXPN" || v == "HELP" || v == "AUTH" || v == "BDAT" || v == "ETRN" || v == "TURN")
        reply(c, 502, "5.5.1 Error: command not implemented");
    else
        reply(c, 500, "5.5.2 Error: command not recognized");
    return true;
}

void SmtpServer::Impl::ehlo(Conn& c, const smtpd::Command& cmd) {
    if (cmd.arg.empty()) return reply(c, 501, "5.5.4 Syntax: " + cmd.verb + " hostname");
    c.env.helo = clean_text(cmd.arg);
    c.greeted = true;
    reset_transaction(c);
    if (cmd.verb == "HELO") return reply(c, 250, options.hostname);
    std::vector<std::string> lines = {options.hostname, "PIPELINING",
                                      "SIZE " + std::to_string(options.max_message_size), "8BITMIME"};
    if (tls_context && !c.tls) lines.push_back("STARTTLS");
    lines.push_back("ENHANCEDSTATUSCODES");
    for (std::size_t i = 0; i < lines.size(); ++i)
        c.out += "250" + std::string(i + 1 < lines.size() ? "-" : " ") + lines[i] + "\r\n";
}

void SmtpServer::Impl::mail(Conn& c, const smtpd::Command& cmd) {
    if (!c.greeted) return reply(c, 503, "5.5.1 Error: send HELO/EHLO first");
    if (c.has_mail) return reply(c, 503, "5.5.1 Error: nested MAIL command");
    smtpd::PathArg path = smtpd::parse_path_arg(cmd.arg, "FROM:");
    if (!path.ok) return reply(c, path.code, path.error);
    bool eight_bit = false;
    for (auto& [key, value] : path.params) {
        if (key == "SIZE") {
            if (value.empty() || value.size() > 18 || value.find_first_not_of("0123456789") != std::string::npos)
                return reply(c, 501, "5.5.4 Bad SIZE parameter");
            if (std::stoull(value) > options.max_message_size)
                return reply(c, 552, "5.3.4 Message size exceeds fixed limit");
        } else if (key == "BODY") {
            std::string body = value;
            for (auto& ch : body) ch = static_cast<char>(std::toupper(static_cast<unsigned char>(ch)));
            if (body != "7BIT" && body != "8BITMIME") return reply(c, 555, "5.5.4 Unsupported BODY type");
            eight_bit = body == "8BITMIME";
        } else {
            return reply(c, 555, "5.5.4 Unsupported MAIL parameter " + clean_text(key));
        }
    }
    c.has_mail = true;
    c.env.mail_from = path.address;
    c.env.body_8bitmime = eight_bit;
    reply(c, 250, "2.1.0 Ok");
}

asio::awaitable<bool> SmtpServer::Impl::rcpt(Conn& c, const smtpd::Command& cmd) {
    smtpd::PathArg path = smtpd::parse_path_arg(cmd.arg, "TO:");
    if (!c.has_mail)
        reply(c, 503, "5.5.1 Error: need MAIL command");
    else if (!path.ok)
        reply(c, path.code, path.error);
    else if (path.address.empty())
        reply(c, 501, "5.1.3 Bad recipient address syntax");
    else if (!path.params.empty())
        reply(c, 555, "5.5.4 Unsupported RCPT parameter");
    else if (c.env.rcpt_to.size() >= options.max_recipients)
        reply(c, 452, "4.5.3 Error: too many recipients");
    if (!c.has_mail || !path.ok || path.address.empty() || !path.params.empty() ||
        c.env.rcpt_to.size() >= options.max_recipients)
        co_return true;
    InboundHandler& h = handler;
    RcptVerdict verdict = co_await run_blocking(pool, [&h, &path]() -> RcptVerdict {
        try {
            return h.check_recipient(path.address);
        } catch (const std::exception& e) {
            log::error("smtp: recipient check failed", {{"error", e.what()}});
            return RcptVerdict::refuse(451, "4.3.0 Error: temporary failure, try again later");
        }
    });
    if (verdict.accepted) {
        c.env.rcpt_to.push_back(path.address);
        reply(c, 250, "2.1.5 Ok");
    } else {
        bool valid = verdict.code >= 400 && verdict.code < 600;
        reply(c, valid ? verdict.code : 550, clean_text(verdict.text));
    }
    co_return true;
}

asio::awaitable<bool> SmtpServer::Impl::read_data(Conn& c, smtpd::DataReader& reader) {
    Clock::time_point deadline = in(options.data_timeout);
    bool ok = true;
    while (ok) {
        c.in.erase(0, reader.feed(c.in));
        if (reader.done()) co_return true;
        ok = co_await read_more(c, deadline);
    }
    co_return false;
}

asio::awaitable<bool> SmtpServer::Impl::data(Conn& c, const smtpd::Command& cmd) {
    if (!c.has_mail)
        reply(c, 503, "5.5.1 Error: need MAIL command");
    else if (c.env.rcpt_to.empty())
        reply(c, 554, "5.5.1 Error: no valid recipients");
    else if (!cmd.arg.empty())
        reply(c, 501, "5.5.4 Syntax: DATA");
    if (!c.has_mail || c.env.rcpt_to.empty() || !cmd.arg.empty()) co_return true;
    reply(c, 354, "End data with <CR><LF>.<CR><LF>");
    smtpd::DataReader reader(options.max_message_size, options.normalize_bare_lf);
    bool complete = co_await read_data(c, reader);
    if (!complete && c.timed_out) reply(c, 421, "4.4.2 " + options.hostname + " Error: timeout exceeded");
    if (!complete) co_return false;
    if (reader.bad_line_ending()) {
        // The client and we may disagree on where this message ended: never read another command.
        log::warn("smtp: bare CR/LF in DATA refused", {{"session", c.env.session_id}, {"client", c.env.client_ip}});
        reply(c, 554, "5.6.0 Message refused: bare CR or LF line ending (RFC 5321 section 2.3.8)");
        c.linger = true;
        co_return false;
    }
    StoreVerdict verdict = StoreVerdict::fail(552, "5.3.4 Message size exceeds fixed maximum message size");
    InboundHandler& h = handler;
    const InboundEnvelope& env = c.env;
    if (!reader.too_big())
        verdict = co_await run_blocking(pool, [&h, &env, &reader]() -> StoreVerdict {
            try {
                return h.store(env, reader.message());
            } catch (const std::exception& e) {
                log::error("smtp: storing a message failed", {{"session", env.session_id}, {"error", e.what()}});
                return StoreVerdict::fail(451, "4.3.0 Error: message not stored, try again later");
            }
        });
    answer_data(c, reader, verdict);
    co_return true;
}

void SmtpServer::Impl::answer_data(Conn& c, smtpd::DataReader& reader, const StoreVerdict& verdict) {
    if (verdict.stored) {
        log::info("smtp: message stored", {{"session", c.env.session_id},
                                           {"id", verdict.id},
                                           {"recipients", c.env.rcpt_to.size()},
                                           {"bytes", reader.message().size()}});
        reply(c, 250, "2.0.0 Ok: queued as " + clean_text(verdict.id));
    } else {
        bool valid = verdict.code >= 400 && verdict.code < 600;
        reply(c, valid ? verdict.code : 451, clean_text(verdict.text));
    }
    reset_transaction(c);
}

asio::awaitable<bool> SmtpServer::Impl::starttls(Conn& c, const smtpd::Command& cmd) {
    if (!tls_context)
        reply(c, 502, "5.5.1 Error: command not implemented");
    else if (c.tls)
        reply(c, 503, "5.5.1 Error: TLS already active");
    else if (!cmd.arg.empty())
        reply(c, 501, "5.5.4 Syntax: STARTTLS");
    if (!tls_context || c.tls || !cmd.arg.empty()) co_return true;
    reply(c, 220, "2.0.0 Ready to start TLS");
    bool ok = co_await flush(c, in(options.command_timeout));
    if (!ok) co_return false;
    c.in.clear();  // whatever was pipelined before the handshake came in clear text (CVE-2011-0411)
    c.tls = std::make_unique<ssl::stream<tcp::socket&>>(c.socket, *tls_context);
    error_code ec;
    arm(c, in(options.command_timeout));
    co_await c.tls->async_handshake(ssl::stream_base::server, asio::redirect_error(asio::use_awaitable, ec));
    disarm(c);
    if (ec) {
        log::info("smtp: TLS handshake failed", {{"session", c.env.session_id}, {"error", ec.message()}});
        c.broken = true;
        co_return false;
    }
    c.env.tls = true;
    c.greeted = false;  // RFC 3207: forget everything learnt before TLS
    c.env.helo.clear();
    reset_transaction(c);
    co_return true;
}

}  // namespace dh::mail
