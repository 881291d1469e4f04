#!/usr/bin/python3
"""A small authoritative DNS server for the sending-domain tests (python3-dnslib), UDP and TCP.

  dns_server.py --zone FILE [--port P]

FILE is JSON, re-read on every query so a test changes records while the server runs:
  {"mode": "answer" | "servfail", "records": [{"name": "x._domainkey.acme.example", "type": "TXT", "value": "..."}]}
(type TXT or CNAME; a CNAME answers queries of any type for its name, as a real server does)
Answers carry TTL 0 (nothing may be cached between a test's changes): the TXT records of the name,
NODATA for a name that exists (or has names below it) without that type, NXDOMAIN otherwise.
TXT values over 255 octets become several character-strings of one record, as zone files write
DKIM keys; a UDP answer over 512 octets is truncated so the client retries over TCP.
Prints "READY <port>" once both protocols listen on the same port."""
import argparse
import json
import socket
import time

from dnslib import CNAME, QTYPE, RCODE, RR, SOA, TXT, DNSRecord
from dnslib.server import DNSHandler, DNSLogger, DNSServer


def norm(name):
    return str(name).strip().rstrip(".").lower()


def load(path):
    try:
        with open(path) as f:
            zone = json.load(f)
    except (FileNotFoundError, ValueError):
        zone = {}
    return zone.get("mode", "answer"), zone.get("records", [])


class Resolver:
    def __init__(self, path):
        self.path = path

    def resolve(self, request, handler):
        mode, records = load(self.path)
        reply = request.reply()
        reply.header.aa = 1
        if mode == "servfail":
            reply.header.rcode = RCODE.SERVFAIL
            return reply
        qname, qtype = norm(request.q.qname), QTYPE.get(request.q.qtype)
        names = {norm(r["name"]) for r in records}
        for r in records:
            if norm(r["name"]) != qname:
                continue
            if r["type"].upper() == qtype == "TXT":
                raw = r["value"].encode()
                reply.add_answer(RR(qname, QTYPE.TXT, ttl=0, rdata=TXT([raw[i:i + 255] for i in range(0, len(raw), 255)])))
            elif r["type"].upper() == "CNAME" and qtype in ("CNAME", "TXT", "A", "MX"):
                reply.add_answer(RR(qname, QTYPE.CNAME, ttl=0, rdata=CNAME(r["value"])))
        if not reply.rr:
            if not any(n == qname or n.endswith("." + qname) for n in names):
                reply.header.rcode = RCODE.NXDOMAIN
            apex = ".".join(qname.split(".")[-2:])
            reply.add_auth(RR(apex, QTYPE.SOA, ttl=0, rdata=SOA("ns." + apex, "hostmaster." + apex,
                                                                 (int(time.time()), 60, 60, 60, 0))))
        return reply


class Handler(DNSHandler):
    def get_reply(self, data):
        request = DNSRecord.parse(data)
        packed = self.server.resolver.resolve(request, self).pack()
        if self.protocol == "udp" and len(packed) > 512:
            short = request.reply()
            short.header.tc = 1
            packed = short.pack()
        return packed


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--zone", required=True)
    parser.add_argument("--port", type=int, default=0)
    args = parser.parse_args()
    quiet = DNSLogger(log="-recv,-send,-request,-reply,-truncated,-data,-error", prefix=False)
    resolver = Resolver(args.zone)
    for _ in range(50):  # one port for both protocols
        udp = DNSServer(resolver, address="127.0.0.1", port=args.port, logger=quiet, handler=Handler)
        port = udp.server.socket.getsockname()[1]
        try:
            tcp = DNSServer(resolver, address="127.0.0.1", port=port, tcp=True, logger=quiet, handler=Handler)
            break
        except OSError:
            udp.server.server_close()
            if args.port:
                raise
    udp.start_thread()
    tcp.start_thread()
    print("READY %d" % port, flush=True)
    while True:
        time.sleep(3600)


if __name__ == "__main__":
    main()
