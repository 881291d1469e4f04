#!/usr/bin/python3
"""dkim_check.py MESSAGE RECORD: verifies every DKIM-Signature of MESSAGE with Debian's python3-dkim
(dkimpy), the key taken from RECORD (a file holding the DKIM TXT value, as published in DNS) for any
selector. Prints "verified" and exits 0, or prints why not and exits 1."""
import logging
import sys

import dkim


def main(message_path, record_path):
    message = open(message_path, "rb").read()
    record = open(record_path, "rb").read().strip()
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
        if not d.verify(idx=i, dnsfunc=lambda name, timeout=5: record):
            print("signature %d does not verify: %s" % (i + 1, reasons[-1] if reasons else "no reason"))
            return 1
    print("verified")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1], sys.argv[2]))
