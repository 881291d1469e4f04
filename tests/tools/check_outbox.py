"""check_outbox.py DIR EXPECTED SUBJECT_PREFIX: every captured .eml parses with Python's email package
(strict policy), CRLF only, lines <= 998 octets, unique Message-IDs, one file per recipient, and the
subject personalised as SUBJECT_PREFIX + the vendor name of the recipient apN@... ("Vendor N").
Prints a summary; exits 1 on any problem."""
import email, email.policy, glob, re, sys

d, expected, prefix = sys.argv[1], int(sys.argv[2]), sys.argv[3]
problems, ids, tos = [], set(), set()
files = glob.glob(d + "/*.eml")
for p in files:
    raw = open(p, "rb").read()
    if b"\n" in raw.replace(b"\r\n", b""):
        problems.append(p + ": bare LF")
    if any(len(l) > 998 for l in raw.split(b"\r\n")):
        problems.append(p + ": line over 998 octets")
    m = email.message_from_bytes(raw, policy=email.policy.strict)
    ids.add(m["Message-ID"])
    to = m["To"].addresses[0].addr_spec
    tos.add(to)
    n = re.match(r"ap(\d+)@", to)
    if n and not str(m["Subject"]).startswith(prefix + "Vendor " + n.group(1)):
        problems.append(p + ": subject " + str(m["Subject"]))
    if m["Bcc"]:
        problems.append(p + ": Bcc")
    if m.get_body(preferencelist=("plain",)) is None or m.get_body(preferencelist=("html",)) is None:
        problems.append(p + ": missing text or html part")
if len(files) != expected:
    problems.append(f"{len(files)} files, expected {expected}")
if len(ids) != len(files) or len(tos) != len(files):
    problems.append("Message-IDs or recipients not unique")
print(f"{len(files)} messages, {len(problems)} problems: " + " | ".join(problems[:5]))
sys.exit(1 if problems else 0)
