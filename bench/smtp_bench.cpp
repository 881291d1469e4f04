// Sends N personalised ~2 KB messages through SmtpTransport and reports throughput and CPU.
//   smtp_bench --url smtp://127.0.0.1:2525?tls=none --messages 50000 --connections 20 [--batch 1000]
//              [--size 2048] [--no-pipelining]
#include <sys/resource.h>

#include <chrono>
#include <cstdio>
#include <cstring>
#include <string>

#include "mail/smtp_client.hpp"

namespace {

double cpu_seconds() {
    rusage u{};
    getrusage(RUSAGE_SELF, &u);
    return static_cast<double>(u.ru_utime.tv_sec + u.ru_stime.tv_sec) +
           static_cast<double>(u.ru_utime.tv_usec + u.ru_stime.tv_usec) / 1e6;
}

dh::mail::OutgoingMessage make_message(std::size_t i, std::size_t size) {
    dh::mail::OutgoingMessage m;
    m.id = "d-" + std::to_string(i);
    m.mail_from = "bounce+" + std::to_string(i) + "@dispatch.example.com";
    m.rcpt_to = "vendor" + std::to_string(i) + "@vendors.example.net";
    std::string& d = m.data;
    d = "From: Acme Purchasing <purchasing@acme.example.com>\r\nTo: Vendor " + std::to_string(i) + " <" + m.rcpt_to +
        ">\r\nSubject: Purchase order PO-" + std::to_string(100000 + i) + "\r\nMessage-ID: <" + m.id +
        "@dispatch.example.com>\r\nMIME-Version: 1.0\r\n"
        "Content-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding: 7bit\r\n\r\n"
        "Dear Vendor " +
        std::to_string(i) + ",\r\n\r\n";
    while (d.size() < size)
        d += "Please confirm the delivery dates for the items listed in order " + std::to_string(100000 + i) + ".\r\n";
    d += ".a line that starts with a dot\r\nRegards,\r\nAcme\r\n";
    return m;
}

}  // namespace

int main(int argc, char** argv) {
    std::string url = "smtp://127.0.0.1:2525?tls=none";
    std::size_t messages = 50000, batch_size = 1000, size = 2048;
    int connections = 20;
    bool pipelining = true;
    for (int i = 1; i < argc; ++i) {
        std::string a = argv[i];
        auto value = [&] { return i + 1 < argc ? std::string(argv[++i]) : std::string(); };
        if (a == "--url")
            url = value();
        else if (a == "--messages")
            messages = std::stoul(value());
        else if (a == "--connections")
            connections = std::stoi(value());
        else if (a == "--batch")
            batch_size = std::stoul(value());
        else if (a == "--size")
            size = std::stoul(value());
        else if (a == "--no-pipelining")
            pipelining = false;
        else {
            std::fprintf(stderr, "unknown argument %s\n", a.c_str());
            return 2;
        }
    }
    dh::mail::SmtpOptions options;
    options.url = dh::mail::SmtpUrl::parse(url);
    options.connections = connections;
    options.use_pipelining = pipelining;
    options.helo_name = "bench.dispatch.example.com";

    // Rendering is the worker's job, not the transport's: build the messages before the clock starts.
    std::vector<std::vector<dh::mail::OutgoingMessage>> batches;
    for (std::size_t i = 0; i < messages; i += batch_size) {
        batches.emplace_back();
        for (std::size_t j = i; j < std::min(messages, i + batch_size); ++j)
            batches.back().push_back(make_message(j, size));
    }
    std::size_t sent = 0, other = 0;
    double cpu0 = cpu_seconds();
    auto t0 = std::chrono::steady_clock::now();
    {
        dh::mail::SmtpTransport transport(options);
        for (const auto& b : batches) {
            for (const auto& r : transport.send(b)) {
                if (r.outcome == dh::mail::Outcome::sent) {
                    ++sent;
                } else if (other++ < 5) {
                    std::fprintf(stderr, "%s: %s (%s)\n", dh::mail::to_string(r.outcome), r.reason.c_str(),
                                 r.reply.c_str());
                }
            }
        }
        auto s = transport.stats();
        std::fprintf(stderr, "connections opened: %llu\n", static_cast<unsigned long long>(s.connections_opened));
    }
    double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    double cpu = cpu_seconds() - cpu0;
    std::printf(
        "{\"messages\": %zu, \"sent\": %zu, \"not_sent\": %zu, \"seconds\": %.3f, \"msg_per_s\": %.0f, "
        "\"cpu_s\": %.3f, \"cpu_us_per_msg\": %.1f, \"connections\": %d, \"pipelining\": %s}\n",
        messages, sent, other, seconds, static_cast<double>(sent) / seconds, cpu,
        cpu * 1e6 / static_cast<double>(messages), connections, pipelining ? "true" : "false");
    return other == 0 ? 0 : 1;
}
