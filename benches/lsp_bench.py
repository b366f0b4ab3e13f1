#!/usr/bin/env python3
"""Drive `launchcheck lsp` over stdio in a generated repository and time what an editor waits for.

    python3 benches/gen_corpus.py /tmp/corpus --launches 10000 --plans 100 --seed 1
    python3 benches/lsp_bench.py target/release/launchcheck /tmp/corpus [--edits 1000]

Opens one launch request, then edits it `--edits` times, one edit at a time as a typist
would, timing each edit from `didChange` sent to `publishDiagnostics` received; then edits a
response plan (whose launches must be re-judged); then times completion requests. Reports
median, 95th percentile and maximum, and the server's resident memory after the first
edits and after the last. Python 3 standard library only.
"""

import argparse
import json
import os
import pathlib
import statistics
import subprocess
import sys
import time

NOW = "2026-12-01T00:00:00Z"


class Server:
    def __init__(self, binary, root):
        env = dict(os.environ, LAUNCHCHECK_NOW=NOW)
        self.proc = subprocess.Popen(
            [binary, "lsp", "--root", str(root)],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            env=env,
        )
        self.next_id = 0

    def send(self, message):
        body = json.dumps(message).encode()
        self.proc.stdin.write(b"Content-Length: %d\r\n\r\n" % len(body) + body)
        self.proc.stdin.flush()

    def read(self):
        length = None
        while True:
            line = self.proc.stdout.readline()
            if not line:
                raise SystemExit("the server closed its output")
            line = line.strip()
            if not line:
                break
            if line.lower().startswith(b"content-length:"):
                length = int(line.split(b":")[1])
        return json.loads(self.proc.stdout.read(length))

    def request(self, method, params):
        self.next_id += 1
        self.send({"jsonrpc": "2.0", "id": self.next_id, "method": method, "params": params})
        while True:
            message = self.read()
            if message.get("id") == self.next_id and "method" not in message:
                return message

    def notify(self, method, params):
        self.send({"jsonrpc": "2.0", "method": method, "params": params})

    def diagnostics_for(self, uri):
        while True:
            message = self.read()
            if message.get("method") == "textDocument/publishDiagnostics" and message["params"]["uri"] == uri:
                return message["params"]["diagnostics"]

    def rss_kib(self):
        for line in pathlib.Path(f"/proc/{self.proc.pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
        return 0


def summary(name, samples_ms):
    samples = sorted(samples_ms)
    p95 = samples[min(len(samples) - 1, int(len(samples) * 0.95))]
    print(
        f"{name}: n={len(samples)} median={statistics.median(samples):.1f} ms "
        f"p95={p95:.1f} ms max={samples[-1]:.1f} ms"
    )


def verify(binary, root, count):
    """The server's diagnostics for some documents equal what `check FILE` reports."""
    documents = sorted((root / "launches").rglob("*.toml"))[::97][:count]
    documents += sorted((root / "plans").glob("*.toml"))[:5]
    server = Server(binary, root)
    server.request("initialize", {"processId": None, "rootUri": root.as_uri(), "capabilities": {}})
    server.notify("initialized", {})
    mismatches = 0
    for document in documents:
        path = document.relative_to(root).as_posix()
        report = json.loads(
            subprocess.run(
                [binary, "check", "--root", str(root), "--format", "json", "--now", NOW, path],
                capture_output=True,
                check=False,
                cwd=root,
            ).stdout
        )
        expected = sorted(
            (f["code"], f["line"] - 1, f["message"]) for f in report["findings"] if f["path"] == path
        )
        server.notify(
            "textDocument/didOpen",
            {"textDocument": {"uri": document.as_uri(), "languageId": "toml", "version": 1,
                              "text": document.read_text(encoding="utf-8")}},
        )
        actual = sorted(
            (d["code"], d["range"]["start"]["line"],
             d["message"].removeprefix("waived: ").split("\nhelp: ")[0])
            for d in server.diagnostics_for(document.as_uri())
        )
        server.notify("textDocument/didClose", {"textDocument": {"uri": document.as_uri()}})
        if actual != expected:
            mismatches += 1
            print(f"MISMATCH {path}: lsp {actual} check {expected}")
    print(f"verified {len(documents)} documents against check: {mismatches} mismatches")
    server.request("shutdown", None)
    server.notify("exit", None)
    server.proc.wait(timeout=10)
    if mismatches:
        sys.exit(1)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("binary", type=lambda p: str(pathlib.Path(p).resolve()))
    parser.add_argument("root", type=pathlib.Path)
    parser.add_argument("--edits", type=int, default=1000)
    parser.add_argument("--completions", type=int, default=200)
    parser.add_argument(
        "--verify",
        type=int,
        default=0,
        help="first compare the diagnostics of this many launches (every 97th, plus the plans) "
        "with `launchcheck check --format json FILE`",
    )
    args = parser.parse_args()
    root = args.root.resolve()
    launch = sorted((root / "launches").rglob("*.toml"))[0]
    plan = sorted((root / "plans").glob("*.toml"))[0]
    launch_uri, plan_uri = launch.as_uri(), plan.as_uri()
    text = launch.read_text(encoding="utf-8")

    if args.verify:
        verify(args.binary, root, args.verify)

    server = Server(args.binary, root)
    started = time.perf_counter()
    server.request("initialize", {"processId": None, "rootUri": root.as_uri(), "capabilities": {}})
    server.notify("initialized", {})
    server.notify(
        "textDocument/didOpen",
        {"textDocument": {"uri": launch_uri, "languageId": "toml", "version": 1, "text": text}},
    )
    server.diagnostics_for(launch_uri)
    print(f"first diagnostics (reads the repository): {(time.perf_counter() - started) * 1000:.0f} ms")

    latencies = []
    rss_early = None
    for i in range(args.edits):
        # Alternate a valid and a mistyped key, so that diagnostics change every time.
        edited = text.replace("\nsummary = ", "\nsumary = " if i % 2 else "\nsummary = ", 1)
        edited += f"\n# edit {i}\n"
        sent = time.perf_counter()
        server.notify(
            "textDocument/didChange",
            {"textDocument": {"uri": launch_uri, "version": i + 2}, "contentChanges": [{"text": edited}]},
        )
        server.diagnostics_for(launch_uri)
        latencies.append((time.perf_counter() - sent) * 1000)
        if i == min(9, args.edits - 1):
            rss_early = server.rss_kib()
    summary("launch edit → diagnostics", latencies)
    rss_late = server.rss_kib()
    print(f"RSS after {min(10, args.edits)} edits: {rss_early / 1024:.1f} MiB; after {args.edits}: {rss_late / 1024:.1f} MiB")

    plan_text = plan.read_text(encoding="utf-8")
    server.notify(
        "textDocument/didOpen",
        {"textDocument": {"uri": plan_uri, "languageId": "toml", "version": 1, "text": plan_text}},
    )
    server.diagnostics_for(plan_uri)
    plan_latencies = []
    for i in range(min(100, args.edits)):
        sent = time.perf_counter()
        server.notify(
            "textDocument/didChange",
            {"textDocument": {"uri": plan_uri, "version": i + 2},
             "contentChanges": [{"text": plan_text + f"\n# edit {i}\n"}]},
        )
        server.diagnostics_for(plan_uri)
        plan_latencies.append((time.perf_counter() - sent) * 1000)
    summary("plan edit → diagnostics (plan and launch open)", plan_latencies)

    line = text[: text.index("\nrisk = ") + 1].count("\n")
    completion = []
    for _ in range(args.completions):
        sent = time.perf_counter()
        response = server.request(
            "textDocument/completion",
            {"textDocument": {"uri": launch_uri}, "position": {"line": line, "character": 8}},
        )
        completion.append((time.perf_counter() - sent) * 1000)
        assert response.get("result"), response
    summary("completion (risk values)", completion)
    plan_line = text[: text.index("\nresponse_plan = ") + 1].count("\n")
    ids = []
    for _ in range(args.completions):
        sent = time.perf_counter()
        response = server.request(
            "textDocument/completion",
            {"textDocument": {"uri": launch_uri}, "position": {"line": plan_line, "character": 17}},
        )
        ids.append((time.perf_counter() - sent) * 1000)
        assert response.get("result"), response
    summary("completion (plan ids)", ids)

    server.request("shutdown", None)
    server.notify("exit", None)
    sys.exit(server.proc.wait(timeout=10))


if __name__ == "__main__":
    main()
