#!/usr/bin/env python3
"""Extracts the JSON-RPC messages of the MCP flows in a shared capture into an NDJSON test fixture.

Usage: extract_mcp_fixtures.py SCENARIO OUT.ndjson   (run from the repo; needs tshark)

Decrypts each TCP stream with the scenario's key log (tshark follow,tls,raw; follow,tcp,raw for plaintext),
parses HTTP/1.1 per direction (content-length, chunked, gzip/deflate), pairs requests with responses and writes
one line per JSON-RPC message: stream, host, direction, HTTP method/status, whether the request had an
Authorization header (never its value), the Mcp-Session-Id, and the message JSON as sent (UTF-8 kept).
Non-JSON-RPC exchanges (plain HTTP APIs) are written too, as kind "http", so HTTP-path helpers can be tested.
"""
import gzip, json, subprocess, sys, zlib

PCAPS = "../shared/pcaps"


def follow(scenario, stream, mode):
    out = subprocess.run(["tshark", "-r", f"{PCAPS}/{scenario}.pcap", "-o", f"tls.keylog_file:{PCAPS}/{scenario}.keys.log",
                          "-q", "-z", f"follow,{mode},raw,{stream}"], capture_output=True, text=True, check=True).stdout
    a, b = bytearray(), bytearray()
    body = out.split("=" * 67)[1].splitlines()[5:] if "=" * 67 in out else []
    for line in body:
        if not line.strip() or line.startswith("="):
            continue
        (a if line.startswith("\t") else b).extend(bytes.fromhex(line.strip()))
    return bytes(a), bytes(b)


def parse_messages(data, is_request):
    pos, msgs = 0, []
    while pos < len(data):
        end = data.find(b"\r\n\r\n", pos)
        if end < 0:
            break
        head = data[pos:end].decode("latin-1").split("\r\n")
        headers = {}
        for h in head[1:]:
            k, _, v = h.partition(":")
            headers.setdefault(k.strip().lower(), v.strip())
        pos = end + 4
        body = b""
        if headers.get("transfer-encoding", "").lower() == "chunked":
            while pos < len(data):
                le = data.find(b"\r\n", pos)
                size = int(data[pos:le].split(b";")[0], 16)
                pos = le + 2
                if size == 0:
                    pos = data.find(b"\r\n", pos) + 2
                    break
                body += data[pos:pos + size]
                pos += size + 2
        elif "content-length" in headers:
            n = int(headers["content-length"])
            body, pos = data[pos:pos + n], pos + n
        elif not is_request and not head[0].split(" ")[1].startswith(("1", "204", "304")):
            body, pos = data[pos:], len(data)
        enc = headers.get("content-encoding", "").lower()
        if enc == "gzip":
            body = gzip.decompress(body)
        elif enc == "deflate":
            body = zlib.decompress(body)
        msgs.append((head[0], headers, body))
    return msgs


def jsonrpc_items(body, content_type):
    if "text/event-stream" in content_type:
        for event in body.replace(b"\r\n", b"\n").split(b"\n\n"):
            data = b"\n".join(l[5:].lstrip(b" ") for l in event.split(b"\n") if l.startswith(b"data:"))
            yield from jsonrpc_items(data, "application/json")
        return
    try:
        doc = json.loads(body)
    except ValueError:
        return
    for item in doc if isinstance(doc, list) else [doc]:
        if isinstance(item, dict) and item.get("jsonrpc") == "2.0":
            yield json.dumps(item, ensure_ascii=False, separators=(",", ":"))


def message_times(scenario):
    """(stream, 'request'|'response') -> packet times of the HTTP/1.1 messages in order, to sort rows in wire order."""
    out = subprocess.run(["tshark", "-r", f"{PCAPS}/{scenario}.pcap", "-o", f"tls.keylog_file:{PCAPS}/{scenario}.keys.log",
                          "-Y", "http.request || http.response", "-T", "fields", "-e", "tcp.stream", "-e", "frame.time_epoch",
                          "-e", "http.request.method", "-e", "http.response.code"], capture_output=True, text=True, check=True).stdout
    times = {}
    for line in out.splitlines():
        stream, t, method, code = (line.split("\t") + ["", "", "", ""])[:4]
        for kind, present in (("request", method), ("response", code)):
            for _ in present.split(","):
                if present:
                    times.setdefault((int(stream), kind), []).append(float(t))
    return times


def main():
    scenario, out_path = sys.argv[1], sys.argv[2]
    labels = json.load(open(f"{PCAPS}/{scenario}.labels.json"))
    times = message_times(scenario)
    rows = []
    for flow in labels["flows"]:
        if not flow.get("payload_visible") or "2.0" in flow.get("http_versions", []):
            continue
        a, b = follow(scenario, flow["tcp_stream"], "tls" if flow.get("encrypted") else "tcp")
        client, server = (a, b) if a[:8].split(b" ")[0] in (b"GET", b"POST", b"DELETE", b"PUT") else (b, a)
        requests, responses = parse_messages(client, True), parse_messages(server, False)
        request_times = times.get((flow["tcp_stream"], "request"), [])
        response_times = times.get((flow["tcp_stream"], "response"), [])
        for n, ((rline, rh, rbody), resp) in enumerate(zip(requests, responses + [None] * len(requests))):
            method = rline.split(" ")[0]
            t_request = request_times[n] if n < len(request_times) else flow["first_ts"]
            t_response = response_times[n] if n < len(response_times) else flow["last_ts"]
            status = int(resp[0].split(" ")[1]) if resp else None
            base = {"stream": flow["tcp_stream"], "five_tuple": flow["five_tuple"], "host": rh.get("host", flow["host"]).split(":")[0],
                    "http_method": method, "target": rline.split(" ")[1], "status": status,
                    "authenticated": "authorization" in rh, "session_id": rh.get("mcp-session-id") or (resp[1].get("mcp-session-id") if resp else None)}
            items = list(jsonrpc_items(rbody, rh.get("content-type", "")))
            for item in items:
                rows.append(dict(base, t=t_request, direction="to_server", json=item))
            if resp:
                for item in jsonrpc_items(resp[2], resp[1].get("content-type", "")):
                    rows.append(dict(base, t=t_response, direction="to_client", json=item))
            if not items and rbody:
                rows.append(dict(base, t=t_request, direction="to_server", kind="http", json=rbody.decode("utf-8", "replace")))
    rows.sort(key=lambda r: r["t"])  # stable: a request's messages keep their order
    with open(out_path, "w", encoding="utf-8") as f:
        for r in rows:
            f.write(json.dumps(r, ensure_ascii=False) + "\n")
    print(f"{scenario}: {len(rows)} rows")


main()
