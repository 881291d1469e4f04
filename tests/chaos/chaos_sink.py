#!/usr/bin/python3
"""The SMTP peer of the chaos suite (asyncio, stdlib only): accepts mail, appends the
X-DispatchHub-Delivery id of every message it answered 250 to --record (one line each, so a resend
shows up as a repeated id), and injects faults into the messages of recipients whose address
contains --fault-match, with probability --fault-rate each:

  drop-data   close the connection in the middle of the DATA stream
  421         answer RCPT with 421 and close
  454         answer RCPT with 454 4.7.0 (throttled)
  451         read the whole message, answer 451 4.3.0
  stall       after the final dot, drip a 451 reply one byte every --drip-seconds, for at most
              --stall-seconds, then close

--latency-ms N makes every accepted message wait N ms between its final dot and the 250 (a relay
that takes its time, so a crash finds messages on the wire).

--stats FILE gets a JSON summary (connections, open connections, peak, per-fault counts) every
second. Prints "READY <port>" once listening. Run with /usr/bin/python3.
"""
import argparse
import asyncio
import json
import os
import random
import signal

ARGS = None
STATS = {"connections": 0, "open": 0, "peak_open": 0, "accepted": 0, "faults": {}}
FAULTS = ("drop-data", "421", "454", "451", "stall")


def fault_for(rcpt):
    if ARGS.fault_match and ARGS.fault_match in rcpt and random.random() < ARGS.fault_rate:
        return random.choice(ARGS.faults)
    return None


def count_fault(kind):
    STATS["faults"][kind] = STATS["faults"].get(kind, 0) + 1


class Session:
    def __init__(self, reader, writer, record):
        self.reader, self.writer, self.record = reader, writer, record
        self.mail, self.rcpt, self.fault = False, None, None

    def send(self, text):
        self.writer.write(text.encode() + b"\r\n")

    async def drip(self, text):
        loop = asyncio.get_running_loop()
        end = loop.time() + ARGS.stall_seconds
        for byte in text.encode() + b"\r\n":
            if loop.time() + ARGS.drip_seconds > end:
                return
            await asyncio.sleep(ARGS.drip_seconds)
            self.writer.write(bytes([byte]))
            await self.writer.drain()

    async def data(self):
        self.send("354 go ahead")
        await self.writer.drain()
        delivery = None
        first = True
        while True:
            line = await self.reader.readline()
            if not line:
                return "close"
            if self.fault == "drop-data" and not first:
                count_fault("drop-data")
                return "close"
            first = False
            if line == b".\r\n":
                break
            if delivery is None and line[:23].lower() == b"x-dispatchhub-delivery:":
                delivery = line[23:].strip().decode("ascii", "replace")
        if self.fault == "451":
            count_fault("451")
            self.send("451 4.3.0 Error: queue file write error")
            return None
        if self.fault == "stall":
            count_fault("stall")
            await self.drip("451 4.4.2 stalled")
            return "close"
        if ARGS.latency_ms > 0:
            await asyncio.sleep(ARGS.latency_ms / 1000)
        STATS["accepted"] += 1
        self.record.write((delivery or "-") + "\n")
        self.record.flush()
        self.send("250 2.0.0 Ok: queued")
        return None

    async def command(self, line):
        verb, _, arg = line.partition(" ")
        verb = verb.upper()
        if verb in ("EHLO", "HELO"):
            self.send("250-chaos.test\r\n250-PIPELINING\r\n250-8BITMIME\r\n250 SIZE 50000000")
        elif verb == "MAIL":
            self.mail, self.rcpt, self.fault = True, None, None
            self.send("250 2.1.0 Ok")
        elif verb == "RCPT":
            rcpt = arg.split("<", 1)[-1].split(">", 1)[0].lower()
            self.fault = fault_for(rcpt)
            if self.fault == "421":
                count_fault("421")
                self.send("421 4.3.2 Service shutting down, closing connection")
                return "close"
            if self.fault == "454":
                count_fault("454")
                self.send("454 4.7.0 Rate limit exceeded, try again in 1 seconds")
                self.fault = None
                return None
            self.rcpt = rcpt
            self.send("250 2.1.5 Ok")
        elif verb == "DATA":
            if not self.mail or not self.rcpt:
                self.send("554 5.5.1 no valid recipients")
            else:
                result = await self.data()
                self.mail, self.rcpt = False, None
                return result
        elif verb in ("RSET", "NOOP"):
            self.mail, self.rcpt = False, None
            self.send("250 2.0.0 Ok")
        elif verb == "QUIT":
            self.send("221 2.0.0 Bye")
            return "close"
        else:
            self.send("502 5.5.2 command not recognized")
        return None

    async def run(self):
        self.send("220 chaos.test ESMTP")
        while True:
            line = await self.reader.readline()
            if not line:
                return
            if await self.command(line.decode("latin-1").rstrip("\r\n")) == "close":
                await self.writer.drain()
                return
            if not self.reader._buffer:  # flush replies once the pipelined commands are read
                await self.writer.drain()


def handler(record):
    async def handle(reader, writer):
        STATS["connections"] += 1
        STATS["open"] += 1
        STATS["peak_open"] = max(STATS["peak_open"], STATS["open"])
        try:
            await Session(reader, writer, record).run()
        except (ConnectionError, asyncio.IncompleteReadError, asyncio.LimitOverrunError):
            pass
        finally:
            STATS["open"] -= 1
            writer.close()
    return handle


async def write_stats():
    while True:
        if ARGS.stats:
            with open(ARGS.stats + ".tmp", "w") as f:
                json.dump(STATS, f)
            os.replace(ARGS.stats + ".tmp", ARGS.stats)
        await asyncio.sleep(1)


async def main():
    record = open(ARGS.record, "a")
    server = await asyncio.start_server(handler(record), "127.0.0.1", ARGS.port, limit=1 << 20, backlog=512)
    print("READY %d" % server.sockets[0].getsockname()[1], flush=True)
    stop = asyncio.Event()
    asyncio.get_running_loop().add_signal_handler(signal.SIGTERM, stop.set)
    stats = asyncio.create_task(write_stats())
    async with server:
        await stop.wait()
    stats.cancel()
    record.close()


if __name__ == "__main__":
    p = argparse.ArgumentParser()
    p.add_argument("--port", type=int, default=0)
    p.add_argument("--record", required=True)
    p.add_argument("--stats")
    p.add_argument("--fault-match", default="")
    p.add_argument("--fault-rate", type=float, default=0.0)
    p.add_argument("--faults", default=",".join(FAULTS))
    p.add_argument("--drip-seconds", type=float, default=10.0)
    p.add_argument("--stall-seconds", type=float, default=40.0)
    p.add_argument("--seed", type=int, default=1)
    p.add_argument("--latency-ms", type=float, default=0.0)
    ARGS = p.parse_args()
    ARGS.faults = ARGS.faults.split(",")
    random.seed(ARGS.seed)
    asyncio.run(main())
