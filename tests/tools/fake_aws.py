#!/usr/bin/python3
"""A local stand-in for the AWS endpoints DispatchHub calls, for integration tests.

It CHECKS the Signature Version 4 of every AWS API request, recomputing it independently of the
C++ signer (hmac/hashlib only), and serves canned responses:

  * EC2 instance metadata (IMDSv2): PUT /latest/api/token, GET .../iam/security-credentials/[role]
  * Secrets Manager GetSecretValue (JSON protocol, X-Amz-Target: secretsmanager.GetSecretValue)
  * SES v2 SendEmail (POST /v2/email/outbound-emails, Content.Raw.Data): the recipient's local part
    chooses the answer (throttle@, quota@, reject@, mailfrom@, invalid@, paused@, error@,
    unavailable@; anything else is accepted and its raw bytes written to ses_dir/<MessageId>.eml)
  * control: GET /_requests (what was received, with the signature verdict), PUT /_secrets

Usage:
  fake_aws.py --config config.json --port-file PATH    (binds 127.0.0.1:0, writes the port)
  fake_aws.py --check-vectors tests/data/sigv4         (verifies this checker against AWS's suite)
"""
import argparse
import base64
import datetime
import hashlib
import hmac
import json
import os
import re
import sys
import threading
import urllib.parse
import uuid
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

# --- SigV4, written from the AWS documentation, independent of src/aws/sigv4.cpp -----------------


def _quote(s):
    return urllib.parse.quote(s, safe="-_.~")


def canonical_uri(path):
    segments = []
    for seg in path.split("/"):
        if seg in ("", "."):
            continue
        if seg == "..":
            if segments:
                segments.pop()
            continue
        segments.append(urllib.parse.unquote(seg))
    uri = "".join("/" + _quote(s) for s in segments)
    if not uri or (path.endswith("/") and segments):
        uri += "/"
    return uri


def canonical_query(query):
    pairs = []
    for part in query.split("&"):
        if not part:
            continue
        key, _, value = part.partition("=")
        pairs.append((_quote(urllib.parse.unquote(key)), _quote(urllib.parse.unquote(value))))
    return "&".join(f"{k}={v}" for k, v in sorted(pairs))


def canonical_request(method, path, query, headers, signed_names, body):
    """headers: list of (name, value) as received; signed_names: lower-case names, sorted."""
    lines = []
    for name in signed_names:
        values = [" ".join(v.split()) for n, v in headers if n.lower() == name]
        lines.append(f"{name}:{','.join(values)}\n")
    return "\n".join([method, canonical_uri(path), canonical_query(query), "".join(lines),
                      ";".join(signed_names), hashlib.sha256(body).hexdigest()])


def signature(secret, amz_date, scope, creq):
    date, region, service, _ = scope.split("/")
    sts = "\n".join(["AWS4-HMAC-SHA256", amz_date, scope, hashlib.sha256(creq.encode()).hexdigest()])
    key = ("AWS4" + secret).encode()
    for part in (date, region, service, "aws4_request"):
        key = hmac.new(key, part.encode(), hashlib.sha256).digest()
    return sts, hmac.new(key, sts.encode(), hashlib.sha256).hexdigest()


AUTH_RE = re.compile(r"^AWS4-HMAC-SHA256 Credential=([^/,\s]+)/(\d{8}/[^/]+/[^/]+/aws4_request), "
                     r"SignedHeaders=([a-z0-9;-]+), Signature=([0-9a-f]{64})$")


def check_vectors(directory):
    secret = "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY"
    failures = 0
    names = sorted(os.listdir(directory))
    for name in names:
        base = os.path.join(directory, name, name)
        if not os.path.exists(base + ".req"):
            continue
        raw = open(base + ".req", encoding="utf-8").read()
        head, _, body = raw.partition("\n\n")
        request_line, *header_lines = head.split("\n")
        method, target, _ = split_request_line(request_line)
        path, _, query = target.partition("?")
        headers = [tuple(h.split(":", 1)) for h in header_lines]
        signed = sorted({n.lower() for n, _ in headers})
        creq = canonical_request(method, path, query, headers, signed, body.encode())
        amz_date = dict((n.lower(), v) for n, v in headers)["x-amz-date"]
        sts, sig = signature(secret, amz_date, "20150830/us-east-1/service/aws4_request", creq)
        authz = (f"AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1/service/aws4_request, "
                 f"SignedHeaders={';'.join(signed)}, Signature={sig}")
        for ext, got in (("creq", creq), ("sts", sts), ("authz", authz)):
            want = open(base + "." + ext, encoding="utf-8").read()
            if got != want:
                failures += 1
                print(f"{name}.{ext}: mismatch\n--- want\n{want}\n--- got\n{got}", file=sys.stderr)
    print(f"checked {len(names)} vectors, {failures} mismatches")
    return 1 if failures else 0


def split_request_line(request_line):
    """Method, target, version; the target may hold spaces (the get-space vector)."""
    method, rest = request_line.split(" ", 1)
    target, version = rest.rsplit(" ", 1)
    return method, target, version


# --- the server ------------------------------------------------------------------------------------


class State:
    def __init__(self, config):
        self.lock = threading.Lock()
        self.config = config
        self.credentials = dict(config.get("credentials", {}))  # access key -> {secret, token}
        self.secrets = dict(config.get("secrets", {}))
        # secret id -> how many GetSecretValue calls fail first (transient errors: throttling, then a
        # server error, alternately), as AWS does under load
        self.secret_failures = dict(config.get("secret_failures", {}))
        self.requests = []
        self.imds_token = "imds-" + uuid.uuid4().hex
        self.imds_issued = 0

    def record(self, entry):
        with self.lock:
            self.requests.append(entry)


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    state = None  # set in main

    def log_message(self, fmt, *args):  # quiet: the test reads /_requests instead
        pass

    # -- plumbing
    def _body(self):
        length = int(self.headers.get("Content-Length") or 0)
        return self.rfile.read(length) if length else b""

    def _send(self, status, body=b"", content_type="application/json", headers=None):
        if isinstance(body, (dict, list)):
            body = json.dumps(body).encode()
        elif isinstance(body, str):
            body = body.encode()
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        for k, v in (headers or {}).items():
            self.send_header(k, v)
        self.end_headers()
        self.wfile.write(body)

    def _aws_error(self, status, code, message, json_protocol):
        # JSON protocol (Secrets Manager): __type in the body; REST-JSON (SES v2): x-amzn-ErrorType header.
        if json_protocol:
            self._send(status, {"__type": code, "Message": message}, "application/x-amz-json-1.1")
        else:
            self._send(status, {"message": message}, headers={"x-amzn-ErrorType": code + ":http://internal.amazon.com/"})

    def _verify(self, body, service):
        """Returns (ok, error code, message, access key)."""
        auth = self.headers.get("Authorization", "")
        m = AUTH_RE.match(auth)
        if not m:
            return False, "IncompleteSignatureException", "Authorization header malformed", None
        access_key, scope, signed_headers, sig = m.groups()
        creds = self.state.credentials.get(access_key)
        if creds is None:
            return False, "UnrecognizedClientException", "The security token included in the request is invalid.", access_key
        date, region, scope_service, _ = scope.split("/")
        if region != self.state.config.get("region") or scope_service != service:
            return False, "InvalidSignatureException", f"Credential should be scoped to {service}", access_key
        amz_date = self.headers.get("X-Amz-Date", "")
        try:
            when = datetime.datetime.strptime(amz_date, "%Y%m%dT%H%M%SZ").replace(tzinfo=datetime.timezone.utc)
        except ValueError:
            return False, "IncompleteSignatureException", "X-Amz-Date missing or malformed", access_key
        skew = abs((datetime.datetime.now(datetime.timezone.utc) - when).total_seconds())
        if skew > 300 or amz_date[:8] != date:
            return False, "InvalidSignatureException", "Signature expired or date out of scope", access_key
        signed = signed_headers.split(";")
        if "host" not in signed or "x-amz-date" not in signed or signed != sorted(signed):
            return False, "InvalidSignatureException", "host and x-amz-date must be signed", access_key
        token = creds.get("token") or ""
        if token and (self.headers.get("X-Amz-Security-Token") != token or "x-amz-security-token" not in signed):
            return False, "UnrecognizedClientException", "The security token included in the request is invalid.", access_key
        path, _, query = self.path.partition("?")
        creq = canonical_request(self.command, path, query, list(self.headers.items()), signed, body)
        _, expected = signature(creds["secret"], amz_date, scope, creq)
        if not hmac.compare_digest(expected, sig):
            return False, "InvalidSignatureException", "The request signature we calculated does not match", access_key
        return True, None, None, access_key

    # -- routes
    def do_PUT(self):
        body = self._body()
        if self.path == "/latest/api/token":
            ttl = self.headers.get("X-aws-ec2-metadata-token-ttl-seconds", "")
            self.state.record({"method": "PUT", "path": self.path, "ttl": ttl})
            if not ttl.isdigit() or not 1 <= int(ttl) <= 21600:
                return self._send(400, "", "text/plain")
            return self._send(200, self.state.imds_token, "text/plain")
        if self.path == "/_secrets":
            with self.state.lock:
                self.state.secrets.update(json.loads(body))
            return self._send(204)
        self._send(404, {"message": "not found"})

    def do_GET(self):
        if self.path == "/_requests":
            with self.state.lock:
                return self._send(200, self.state.requests)
        prefix = "/latest/meta-data/iam/security-credentials/"
        if self.path.startswith(prefix):
            return self._imds_credentials(self.path[len(prefix):])
        self._send(404, {"message": "not found"})

    def _imds_credentials(self, role):
        imds = self.state.config.get("imds", {})
        token_ok = self.headers.get("X-aws-ec2-metadata-token") == self.state.imds_token
        self.state.record({"method": "GET", "path": self.path, "token_ok": token_ok})
        if not token_ok:
            return self._send(401, "", "text/plain")
        if role == "":
            return self._send(200, imds.get("role", "dispatchhub-backend") + "\n", "text/plain")
        if role != imds.get("role", "dispatchhub-backend"):
            return self._send(404, "", "text/plain")
        with self.state.lock:
            self.state.imds_issued += 1
            n = self.state.imds_issued
            key, secret, token = f"ASIAIMDS{n:08d}", f"imds-secret-{n}-{uuid.uuid4().hex}", f"imds-token-{n}"
            self.state.credentials[key] = {"secret": secret, "token": token}
        expires = datetime.datetime.now(datetime.timezone.utc) + datetime.timedelta(seconds=imds.get("expiry_seconds", 3600))
        self._send(200, {"Code": "Success", "LastUpdated": "2024-01-01T00:00:00Z", "Type": "AWS-HMAC",
                         "AccessKeyId": key, "SecretAccessKey": secret, "Token": token,
                         "Expiration": expires.strftime("%Y-%m-%dT%H:%M:%SZ")})

    def do_POST(self):
        body = self._body()
        target = self.headers.get("X-Amz-Target", "")
        if self.path == "/" and target == "secretsmanager.GetSecretValue":
            return self._get_secret_value(body)
        if self.path == "/v2/email/outbound-emails":
            return self._send_email(body)
        self._send(404, {"message": "not found"})

    def _get_secret_value(self, body):
        ok, code, message, key = self._verify(body, "secretsmanager")
        entry = {"api": "GetSecretValue", "signature_ok": ok, "access_key": key,
                 "content_type": self.headers.get("Content-Type")}
        if not ok:
            self.state.record({**entry, "error": code})
            return self._aws_error(400, code, message, True)
        secret_id = json.loads(body).get("SecretId", "")
        entry["secret_id"] = secret_id
        self.state.record(entry)
        with self.state.lock:
            value = self.state.secrets.get(secret_id)
            failures = self.state.secret_failures.get(secret_id, 0)
            if failures:
                self.state.secret_failures[secret_id] = failures - 1
        if failures:
            if failures % 2:
                return self._aws_error(400, "ThrottlingException", "Rate exceeded", True)
            return self._aws_error(500, "InternalServiceError", "An error occurred on the server side.", True)
        if value is None:
            return self._aws_error(400, "ResourceNotFoundException", "Secrets Manager can't find the specified secret.", True)
        self._send(200, {"ARN": secret_id, "Name": secret_id.split(":")[-1], "SecretString": value,
                         "VersionId": uuid.uuid4().hex, "VersionStages": ["AWSCURRENT"]}, "application/x-amz-json-1.1")

    SES_ANSWERS = {
        "throttle": (429, "TooManyRequestsException", "Maximum sending rate exceeded."),
        "quota": (400, "LimitExceededException", "Daily message quota exceeded."),
        "reject": (400, "MessageRejected", "Email address is not verified."),
        "mailfrom": (400, "MailFromDomainNotVerifiedException", "MAIL FROM domain is not verified."),
        "invalid": (400, "BadRequestException", "Missing required parameter."),
        "paused": (400, "SendingPausedException", "Sending is paused for this account."),
        "error": (500, "InternalFailure", "Internal failure."),
        "unavailable": (503, "ServiceUnavailable", "Service unavailable."),
    }

    def _send_email(self, body):
        ok, code, message, key = self._verify(body, "ses")
        entry = {"api": "SendEmail", "signature_ok": ok, "access_key": key}
        if not ok:
            self.state.record({**entry, "error": code})
            status = 403 if code in ("InvalidSignatureException", "UnrecognizedClientException") else 400
            return self._aws_error(status, code, message, False)
        request = json.loads(body)
        to = request.get("Destination", {}).get("ToAddresses", [""])[0]
        raw = base64.b64decode(request["Content"]["Raw"]["Data"], validate=True)
        entry.update({"to": to, "from": request.get("FromEmailAddress"), "size": len(raw)})
        answer = self.SES_ANSWERS.get(to.split("@")[0])
        if answer:
            self.state.record({**entry, "error": answer[1]})
            return self._aws_error(answer[0], answer[1], answer[2], False)
        message_id = "0100" + uuid.uuid4().hex
        with open(os.path.join(self.state.config["ses_dir"], message_id + ".eml"), "wb") as f:
            f.write(raw)
        self.state.record({**entry, "message_id": message_id})
        self._send(200, {"MessageId": message_id})


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--config")
    parser.add_argument("--port-file")
    parser.add_argument("--check-vectors")
    args = parser.parse_args()
    if args.check_vectors:
        return check_vectors(args.check_vectors)
    with open(args.config) as f:
        Handler.state = State(json.load(f))
    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    tmp = args.port_file + ".tmp"
    with open(tmp, "w") as f:
        f.write(str(server.server_address[1]))
    os.rename(tmp, args.port_file)
    server.serve_forever()


if __name__ == "__main__":
    sys.exit(main())
