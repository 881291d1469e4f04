#!/usr/bin/python3
"""aiosmtpd (Debian's python3-aiosmtpd) as an independent SMTP peer for integration tests.

Every accepted message becomes one JSON line in --out: envelope, the raw bytes (base64) and what
Python's own `email` parser makes of them (defects, subject, text body).
  --port P            0 = any free port; prints "READY <port>" once listening
  --tls-cert/--tls-key  offer STARTTLS (and require it when --require-starttls)
  --implicit-tls      TLS from the first byte (smtps) instead of STARTTLS
  --auth USER:PASS    require AUTH (PLAIN/LOGIN) with these credentials
  --stall-after N     accept N messages, then never answer the final dot of the next ones
Run with /usr/bin/python3 (the Debian interpreter that has aiosmtpd).
"""
import argparse
import asyncio
import base64
import email
import email.policy
import json
import signal
import socket
import ssl
import threading

from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult, LoginPassword


class Recorder:
    def __init__(self, path, stall_after=None):
        self.path, self.lock, self.count, self.stall_after = path, threading.Lock(), 0, stall_after

    async def handle_DATA(self, server, session, envelope):
        with self.lock:
            stall = self.stall_after is not None and self.count >= self.stall_after
        if stall:
            await asyncio.sleep(3600)  # a relay that hangs after the dot: the client must wait
        raw = envelope.original_content
        msg = email.message_from_bytes(raw, policy=email.policy.default)
        defects = [type(d).__name__ for part in msg.walk() for d in part.defects]
        body = msg.get_body(preferencelist=("plain",))
        record = {
            "mail_from": envelope.mail_from,
            "rcpt_tos": envelope.rcpt_tos,
            "raw_b64": base64.b64encode(raw).decode(),
            "defects": defects,
            "subject": str(msg.get("Subject", "")),
            "text": body.get_content() if body is not None else None,
            "tls": session.ssl is not None,
            "authenticated": bool(session.authenticated),
        }
        with self.lock:
            self.count += 1
            with open(self.path, "a") as f:
                f.write(json.dumps(record) + "\n")
            n = self.count
        return "250 2.0.0 Ok: queued as A%d" % n


def make_authenticator(user, password):
    def authenticator(server, session, envelope, mechanism, auth_data):
        if isinstance(auth_data, LoginPassword):
            if auth_data.login.decode() == user and auth_data.password.decode() == password:
                return AuthResult(success=True)
        # handled=False: aiosmtpd answers 535 itself (handled=True would leave the client waiting).
        return AuthResult(success=False, handled=False)
    return authenticator


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--port", type=int, default=0)
    p.add_argument("--out", required=True)
    p.add_argument("--tls-cert")
    p.add_argument("--tls-key")
    p.add_argument("--require-starttls", action="store_true")
    p.add_argument("--implicit-tls", action="store_true")
    p.add_argument("--auth")
    p.add_argument("--stall-after", type=int)
    a = p.parse_args()
    port = a.port or free_port()
    kwargs = {"hostname": "127.0.0.1", "port": port, "data_size_limit": 50 * 1024 * 1024}
    if a.tls_cert:
        ctx = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
        ctx.load_cert_chain(a.tls_cert, a.tls_key)
        if a.implicit_tls:
            kwargs["ssl_context"] = ctx
        else:
            kwargs["tls_context"] = ctx
            kwargs["require_starttls"] = a.require_starttls
    if a.auth:
        user, password = a.auth.split(":", 1)
        kwargs["authenticator"] = make_authenticator(user, password)
        kwargs["auth_required"] = True
        # aiosmtpd 1.4 only counts STARTTLS as TLS here; with smtps the whole session is TLS anyway.
        kwargs["auth_require_tls"] = bool(a.tls_cert) and not a.implicit_tls
    controller = Controller(Recorder(a.out, a.stall_after), **kwargs)
    controller.start()
    print("READY %d" % port, flush=True)
    stop = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stop.set())
    signal.signal(signal.SIGINT, lambda *_: stop.set())
    stop.wait()
    controller.stop()


if __name__ == "__main__":
    main()
