#!/usr/bin/python3
"""dkim_check.py MESSAGE RECORDS: verifies every DKIM-Signature of MESSAGE with Debian's python3-dkim
(dkimpy), the keys taken from RECORDS: a file holding one DKIM TXT value (as published in DNS) used
for any selector, or lines "NAME<TAB>VALUE" (NAME fully qualified, e.g. s._domainkey.example.com.)
when the signatures use different keys. Prints "verified" and exits 0, or prints why not and exits 1."""
import logging
import sys

import dkim


def main(message_path, record_path):
    message = open(message_path, "rb").read()
    text = open(record_path, "rb").read().strip()
    by_name = dict(line.split(b"\t", 1) for line in text.splitlines() if b"\t" in line)

    def record(name, timeout=5):
        if not by_name:
            return text
        key = name if name.endswith(b".") else name + b"."
        return by_name.get(key.lower())

    reasons = []

    class Keep(logging.Handler):
        def emit(self, r):
            reasons.append(r.getMessage())

    log = logging.getLogger("dkim_check")
    log.addHandler(Keep())
    log.setLevel(logging.DEBUG)
    d = dkim.DKIM(message, logger=log, minkey=2048)
    count = sum(1 for line in message.split(b"\r\n\r\n", 1)[0].split(b"\r\n") if line.lower().startswith(b"dkim-signature:"))
    if count == 0:
        print("no DKIM-Signature")
        return 1
    for i in range(count):
        if not d.verify(idx=i, dnsfunc=record):
            print("signature %d does not verify: %s" % (i + 1, reasons[-1] if reasons else "no reason"))
            return 1
    print("verified")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1], sys.argv[2]))
