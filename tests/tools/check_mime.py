#!/usr/bin/python3
"""Independent check of built messages with Python's email package (policy.strict).

Usage: check_mime.py DIR
For every DIR/<name>.eml there must be DIR/<name>.json describing what the message must contain:
  {"from": {"name", "address"}, "to": [{"name", "address"}], "reply_to": {...} | null,
   "subject", "message_id", "in_reply_to": str | null, "references": [str],
   "extra_headers": {name: value}, "text", "html": str | null,
   "attachments": [{"filename", "content_type", "sha256", "size"}]}
Exits 0 when every message matches, 1 otherwise (each problem printed on stderr).
"""
import email
import email.policy
import hashlib
import json
import pathlib
import sys

problems = []


def fail(name, what):
    problems.append(f"{name}: {what}")


def norm_text(s):
    # The parser returns text with \n line endings; the builder normalises any line ending to CRLF.
    s = s.replace("\r\n", "\n").replace("\r", "\n")
    return s if s.endswith("\n") or s == "" else s + "\n"


def check_raw(name, raw):
    for i, line in enumerate(raw.split(b"\r\n")):
        if b"\n" in line or b"\r" in line:
            fail(name, f"line {i + 1} has a bare CR or LF")
        if len(line) > 998:
            fail(name, f"line {i + 1} has {len(line)} octets (> 998)")
        if line == b".":
            fail(name, f"line {i + 1} is a lone '.'")
    if not raw.endswith(b"\r\n"):
        fail(name, "does not end with CRLF")
    try:
        raw.decode("ascii")
    except UnicodeDecodeError:
        fail(name, "contains non-ASCII octets (everything must be encoded)")


def check_mailbox(name, field, header, expected):
    if header is None:
        return fail(name, f"{field} header missing")
    addrs = header.addresses
    if len(addrs) != 1:
        return fail(name, f"{field} has {len(addrs)} mailboxes")
    if addrs[0].addr_spec != expected["address"]:
        fail(name, f"{field} address {addrs[0].addr_spec!r} != {expected['address']!r}")
    if addrs[0].display_name != expected["name"]:
        fail(name, f"{field} name {addrs[0].display_name!r} != {expected['name']!r}")


def check_headers(name, msg, exp):
    for header in ("From", "To", "Subject", "Date", "Message-ID", "MIME-Version"):
        if len(msg.get_all(header, [])) != 1:
            fail(name, f"header {header} appears {len(msg.get_all(header, []))} times")
    check_mailbox(name, "From", msg["From"], exp["from"])
    to = msg["To"].addresses
    if [(a.display_name, a.addr_spec) for a in to] != [(t["name"], t["address"]) for t in exp["to"]]:
        fail(name, f"To {[(a.display_name, a.addr_spec) for a in to]!r} != {exp['to']!r}")
    if exp.get("reply_to"):
        check_mailbox(name, "Reply-To", msg["Reply-To"], exp["reply_to"])
    elif msg["Reply-To"] is not None:
        fail(name, "unexpected Reply-To")
    if str(msg["Subject"]) != exp["subject"]:
        fail(name, f"Subject {str(msg['Subject'])!r} != {exp['subject']!r}")
    if str(msg["Message-ID"]).strip() != exp["message_id"]:
        fail(name, f"Message-ID {str(msg['Message-ID'])!r} != {exp['message_id']!r}")
    if msg["Date"].datetime is None or msg["Date"].datetime.utcoffset() is None:
        fail(name, "Date is not a valid RFC 5322 date")
    if exp.get("in_reply_to") and str(msg["In-Reply-To"]).strip() != exp["in_reply_to"]:
        fail(name, f"In-Reply-To {msg['In-Reply-To']!r} != {exp['in_reply_to']!r}")
    if exp.get("references") and str(msg["References"]).split() != exp["references"]:
        fail(name, f"References {msg['References']!r} != {exp['references']!r}")
    for key, value in exp.get("extra_headers", {}).items():
        if msg.get_all(key) != [value]:
            fail(name, f"{key} {msg.get_all(key)!r} != [{value!r}]")
    known = {"from", "to", "reply-to", "subject", "date", "message-id", "mime-version", "content-type",
             "content-transfer-encoding", "in-reply-to", "references"}
    known |= {k.lower() for k in exp.get("extra_headers", {})}
    for key in msg.keys():
        if key.lower() not in known:
            fail(name, f"unexpected header {key!r} (header injection?)")


def check_structure(name, msg, exp):
    has_html = exp.get("html") is not None
    attachments = exp.get("attachments", [])
    body_type = "multipart/alternative" if has_html else "text/plain"
    if attachments:
        if msg.get_content_type() != "multipart/mixed":
            return fail(name, f"top type {msg.get_content_type()} != multipart/mixed")
        parts = list(msg.iter_parts())
        body, files = parts[0], parts[1:]
    else:
        body, files = msg, []
    if body.get_content_type() != body_type:
        return fail(name, f"body type {body.get_content_type()} != {body_type}")
    text_part, html_part = (list(body.iter_parts()) + [None, None])[:2] if has_html else (body, None)
    if has_html and (text_part.get_content_type(), html_part.get_content_type()) != ("text/plain", "text/html"):
        return fail(name, "alternative parts are not text/plain then text/html")
    if norm_text(text_part.get_content()) != norm_text(exp["text"]):
        fail(name, f"text differs:\n{text_part.get_content()!r}\n!=\n{exp['text']!r}")
    if has_html and norm_text(html_part.get_content()) != norm_text(exp["html"]):
        fail(name, f"html differs:\n{html_part.get_content()!r}\n!=\n{exp['html']!r}")
    if len(files) != len(attachments):
        return fail(name, f"{len(files)} attachments != {len(attachments)}")
    for i, (part, want) in enumerate(zip(files, attachments)):
        data = part.get_payload(decode=True)
        if part.get_content_disposition() != "attachment":
            fail(name, f"attachment {i} disposition {part.get_content_disposition()!r}")
        if part.get_filename() != want["filename"]:
            fail(name, f"attachment {i} filename {part.get_filename()!r} != {want['filename']!r}")
        if part.get_content_type() != want["content_type"]:
            fail(name, f"attachment {i} type {part.get_content_type()!r} != {want['content_type']!r}")
        if part["Content-Transfer-Encoding"] != "base64":
            fail(name, f"attachment {i} is not base64")
        if len(data) != want["size"] or hashlib.sha256(data).hexdigest() != want["sha256"]:
            fail(name, f"attachment {i} bytes differ ({len(data)} bytes)")


def check_defects(name, msg):
    for part in msg.walk():
        if part.defects:
            fail(name, f"parser defects in {part.get_content_type()}: {part.defects!r}")
        for key, value in part.items():  # header values are parsed lazily: touch every one
            if getattr(value, "defects", None):
                fail(name, f"defects in header {key}: {value.defects!r}")


def main():
    directory = pathlib.Path(sys.argv[1])
    files = sorted(directory.glob("*.eml"))
    if not files:
        print("no .eml files found", file=sys.stderr)
        return 1
    for path in files:
        name = path.name
        raw = path.read_bytes()
        exp = json.loads(path.with_suffix(".json").read_text(encoding="utf-8"))
        check_raw(name, raw)
        try:
            msg = email.message_from_bytes(raw, policy=email.policy.strict)
            check_defects(name, msg)
            check_headers(name, msg, exp)
            check_structure(name, msg, exp)
        except Exception as e:  # strict policy raises on any defect
            fail(name, f"{type(e).__name__}: {e}")
    for p in problems:
        print(p, file=sys.stderr)
    print(f"checked {len(files)} messages, {len(problems)} problems")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
