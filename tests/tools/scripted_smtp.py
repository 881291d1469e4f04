#!/usr/bin/python3
"""A scripted SMTP peer for the transport's integration tests (asyncio, stdlib only).

Behaviour is chosen per message by the local part of the addresses, so one server and one batch
cover the whole outcome table:

  MAIL FROM local part   tempfail-mail -> 451 4.3.0      stall-mail -> never answers
  RCPT TO local part     tempfail-rcpt -> 450 4.2.1      unknown -> 550 5.1.1
                         throttle -> 454 4.7.0 (hint "try again in 1 seconds")
                         throttle-nohint -> 454 Throttling failure: Maximum sending rate exceeded.
                         close421 -> 421 4.3.2 then close
  after the data         tempfail-data -> 451 4.3.0 after the final dot
                         reject-data -> 554 5.7.1 after the final dot
                         drop-354 -> close right after 354
                         drop-mid -> close after the first data line
                         stall-dot -> read the whole message, never answer
                         slow-dot -> read the whole message, answer 250 after --slow-seconds
                         held-dot -> read the whole message, answer 250 once the file --release exists
  anything else          accepted: 250 2.0.0 Ok: queued as <n>

Options: --port (0 = any; prints "READY <port>"), --log DIR (events.jsonl + raw client bytes per
connection), --no-pipelining, --auth USER:PASS with --auth-mechs (default "PLAIN LOGIN") and
--auth-fail-first N (the first N AUTH attempts fail with 535), --greeting-code (e.g. 554),
--slow-seconds (slow-dot's delay, 8), --release FILE (held-dot's signal).
"""
import argparse
import asyncio
import base64
import json
import os
import sys

ARGS = None
STATE = {"connections": 0, "auth_attempts": 0, "queued": 0}


def log_event(event):
    if not ARGS.log:
        return
    with open(os.path.join(ARGS.log, "events.jsonl"), "a") as f:
        f.write(json.dumps(event) + "\n")


def address(arg):
    return arg.split("<", 1)[-1].split(">", 1)[0]


def local_part(arg):
    return address(arg).split("@", 1)[0].lower()


class Session:
    def __init__(self, reader, writer, number):
        self.reader, self.writer, self.number = reader, writer, number
        self.raw = open(os.path.join(ARGS.log, "conn-%d.raw" % number), "wb") if ARGS.log else None
        self.mail_from, self.rcpts = None, []

    async def line(self):
        data = await self.reader.readline()
        if self.raw:
            self.raw.write(data)
            self.raw.flush()
        return data

    async def reply(self, text):
        self.writer.write(text.encode() + b"\r\n")
        await self.writer.drain()

    async def stall(self):
        # Never answer; end when the client gives up.
        while await self.reader.read(65536):
            pass

    def ehlo_lines(self):
        lines = ["scripted.test", "8BITMIME", "SIZE 10000000", "ENHANCEDSTATUSCODES"]
        if not ARGS.no_pipelining:
            lines.append("PIPELINING")
        if ARGS.auth:
            lines.append("AUTH " + ARGS.auth_mechs)
        return lines

    async def auth(self, args):
        user, password = ARGS.auth.split(":", 1)
        mech = args.split(" ")[0].upper()
        if mech == "PLAIN":
            parts = base64.b64decode(args.split(" ", 1)[1]).split(b"\0")
            got = (parts[1].decode(), parts[2].decode())
        elif mech == "LOGIN":
            await self.reply("334 VXNlcm5hbWU6")
            u = base64.b64decode((await self.line()).strip()).decode()
            await self.reply("334 UGFzc3dvcmQ6")
            got = (u, base64.b64decode((await self.line()).strip()).decode())
        else:
            return await self.reply("504 5.5.4 mechanism not supported")
        STATE["auth_attempts"] += 1
        ok = got == (user, password) and STATE["auth_attempts"] > ARGS.auth_fail_first
        log_event({"event": "auth", "conn": self.number, "mechanism": mech, "ok": ok})
        await self.reply("235 2.7.0 Authentication successful" if ok else "535 5.7.8 Authentication credentials invalid")

    async def data(self):
        rcpt = local_part(self.rcpts[0]) if self.rcpts else ""
        if not self.rcpts:
            return await self.reply("554 5.5.1 no valid recipients")
        await self.reply("354 End data with <CR><LF>.<CR><LF>")
        if rcpt == "drop-354":
            return "close"
        lines = []
        while True:
            raw = await self.line()
            if not raw:
                return "close"
            if rcpt == "drop-mid":
                return "close"
            if raw == b".\r\n":
                break
            lines.append(raw[1:] if raw.startswith(b".") else raw)
        content = b"".join(lines)
        log_event({"event": "message", "conn": self.number, "mail_from": self.mail_from, "rcpts": self.rcpts,
                   "rcpt": rcpt, "content": content.decode("latin-1")})
        if rcpt == "stall-dot":
            await self.stall()
            return "close"
        if rcpt == "slow-dot":
            await asyncio.sleep(ARGS.slow_seconds)
        if rcpt == "held-dot":
            while not (ARGS.release and os.path.exists(ARGS.release)):
                await asyncio.sleep(0.05)
        if rcpt == "tempfail-data":
            return await self.reply("451 4.3.0 Error: queue file write error")
        if rcpt == "reject-data":
            return await self.reply("554 5.7.1 Message rejected as spam")
        STATE["queued"] += 1
        await self.reply("250 2.0.0 Ok: queued as Q%d" % STATE["queued"])

    async def command(self, verb, args):
        if verb in ("EHLO", "HELO"):
            lines = self.ehlo_lines() if verb == "EHLO" else ["scripted.test"]
            for text in lines[:-1]:
                self.writer.write(("250-" + text + "\r\n").encode())
            return await self.reply("250 " + lines[-1])
        if verb == "AUTH" and ARGS.auth:
            return await self.auth(args)
        if verb == "MAIL":
            self.mail_from, self.rcpts = args, []
            who = local_part(args)
            if who == "tempfail-mail":
                self.mail_from = None
                return await self.reply("451 4.3.0 Temporary sender failure")
            if who == "stall-mail":
                await self.stall()
                return "close"
            return await self.reply("250 2.1.0 Ok")
        if verb == "RCPT":
            if self.mail_from is None:
                return await self.reply("503 5.5.1 Error: need MAIL command")
            if self.rcpts:
                return await self.reply("452 4.5.3 Error: too many recipients (this peer takes one)")
            who = local_part(args)
            answers = {
                "tempfail-rcpt": "450 4.2.1 Mailbox busy",
                "unknown": "550 5.1.1 <%s>: Recipient address rejected: User unknown" % address(args),
                "throttle": "454 4.7.0 Rate limit exceeded, try again in 1 seconds",
                "throttle-nohint": "454 Throttling failure: Maximum sending rate exceeded.",
            }
            if who == "close421":
                await self.reply("421 4.3.2 Service shutting down, closing connection")
                return "close"
            if who in answers:
                return await self.reply(answers[who])
            self.rcpts.append(args)
            return await self.reply("250 2.1.5 Ok")
        if verb == "DATA":
            if self.mail_from is None:
                return await self.reply("503 5.5.1 Error: need RCPT command")
            result = await self.data()
            self.mail_from, self.rcpts = None, []
            return result
        if verb == "RSET":
            self.mail_from, self.rcpts = None, []
            log_event({"event": "rset", "conn": self.number})
            return await self.reply("250 2.0.0 Ok")
        if verb == "NOOP":
            return await self.reply("250 2.0.0 Ok")
        if verb == "QUIT":
            await self.reply("221 2.0.0 Bye")
            return "close"
        return await self.reply("502 5.5.2 Error: command not recognized")

    async def run(self):
        try:
            await self.reply("%d scripted.test ESMTP" % ARGS.greeting_code)
            if ARGS.greeting_code != 220:
                return
            while True:
                raw = await self.line()
                if not raw:
                    return
                text = raw.decode("latin-1").rstrip("\r\n")
                verb, _, args = text.partition(" ")
                if await self.command(verb.upper(), args) == "close":
                    return
        except (ConnectionError, asyncio.IncompleteReadError):
            return
        finally:
            log_event({"event": "disconnect", "conn": self.number})
            if self.raw:
                self.raw.close()
            self.writer.close()


async def handle(reader, writer):
    STATE["connections"] += 1
    log_event({"event": "connect", "conn": STATE["connections"]})
    await Session(reader, writer, STATE["connections"]).run()


async def main():
    server = await asyncio.start_server(handle, "127.0.0.1", ARGS.port, limit=1 << 20)
    print("READY %d" % server.sockets[0].getsockname()[1], flush=True)
    async with server:
        await server.serve_forever()


if __name__ == "__main__":
    p = argparse.ArgumentParser()
    p.add_argument("--port", type=int, default=0)
    p.add_argument("--log")
    p.add_argument("--no-pipelining", action="store_true")
    p.add_argument("--auth")
    p.add_argument("--auth-mechs", default="PLAIN LOGIN")
    p.add_argument("--auth-fail-first", type=int, default=0)
    p.add_argument("--greeting-code", type=int, default=220)
    p.add_argument("--slow-seconds", type=float, default=8.0)
    p.add_argument("--release", default="")
    ARGS = p.parse_args()
    try:
        asyncio.run(main())
    except KeyboardInterrupt:
        sys.exit(0)
