#!/usr/bin/python3
"""Compares what the chaos sink received with the deliveries table.

  check.py RECORD DELIVERIES_CSV [IN_FLIGHT]  ->  one JSON line: deliveries, sent, received (messages),
  distinct, lost (a delivery not in a terminal state, or recorded sent but never received),
  duplicates (messages beyond the first per delivery), strangers (received ids that are no
  delivery), by_status.
DELIVERIES_CSV is `id,status` per line (psql -A -F,). IN_FLIGHT lists the ids that were leased
(on the wire or about to be) when a process was killed: a duplicate of any other delivery is
reported as `duplicates_outside_crash_windows`.
"""
import collections
import json
import sys

TERMINAL = {"sent", "failed", "bounced", "complained", "suppressed", "cancelled"}

received = collections.Counter(line.strip() for line in open(sys.argv[1]) if line.strip())
status = dict(line.strip().split(",", 1) for line in open(sys.argv[2]) if line.strip())
by_status = collections.Counter(status.values())
not_terminal = [i for i, s in status.items() if s not in TERMINAL]
never_received = [i for i, s in status.items() if s == "sent" and i not in received]
in_flight = set(line.strip() for line in open(sys.argv[3])) if len(sys.argv) > 3 else set()
outside = [i for i, n in received.items() if n > 1 and i not in in_flight]
print(json.dumps({
    "deliveries": len(status),
    "sent": by_status.get("sent", 0),
    "received": sum(received.values()),
    "distinct": len(received),
    "lost": len(not_terminal) + len(never_received),
    "duplicates": sum(n - 1 for n in received.values()),
    "duplicates_outside_crash_windows": len(outside),
    "in_flight_at_kills": len(in_flight),
    "strangers": sum(n for i, n in received.items() if i not in status),
    "by_status": dict(by_status),
    "examples_lost": (not_terminal + never_received)[:5],
}))
