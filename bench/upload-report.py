#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""upload-report.py RUNS.TSV: medians per tool and size, and the ratios of
issue 5's targets, as Markdown.  MB = 10^6 bytes; CPU per GiB uploaded."""
import statistics
import sys

SIZES = {"1g": 1 << 30, "256m": 256 << 20}
LABEL = {
    "sc2s3": "sc2s3 cp URL (defaults)",
    "aws": "curl \\| aws s3 cp - (defaults)",
    "copyurl": "rclone copyurl (defaults)",
    "rcat": "curl \\| rclone rcat (defaults)",
    "ceiling": "ceiling: one PUT from memory, UNSIGNED-PAYLOAD",
    "ceiling-signed": "ceiling: one PUT from memory, signed SHA-256 payload",
}
PEERS = ("aws", "copyurl", "rcat")


def load(path):
    rows = {}
    with open(path) as f:
        next(f)
        for line in f:
            tool, size, _run, secs, user, sys_, rss, ok = line.split("\t")
            r = rows.setdefault((tool, size), {"mbs": [], "cpu": [], "rss": [], "ok": 0, "n": 0})
            r["mbs"].append(SIZES[size] / 1e6 / float(secs))
            r["cpu"].append((float(user) + float(sys_)) / (SIZES[size] / (1 << 30)))
            r["rss"].append(int(rss) / 1024.0)
            r["ok"] += int(ok)
            r["n"] += 1
    return {k: {"mbs": statistics.median(v["mbs"]), "cpu": statistics.median(v["cpu"]),
                "rss": statistics.median(v["rss"]), "ok": "%d/%d" % (v["ok"], v["n"])}
            for k, v in rows.items()}


def main(path):
    m = load(path)
    tools = [t for t in LABEL if any(k[0] == t for k in m)]
    sizes = [s for s in SIZES if any(k[1] == s for k in m)]
    print("| tool | size | MB/s | CPU s/GiB (user+sys) | max RSS MiB | verified |")
    print("|---|---|---:|---:|---:|---:|")
    for s in sizes:
        for t in tools:
            if (t, s) in m:
                r = m[(t, s)]
                print("| %s | %s | %.0f | %.2f | %.0f | %s |" % (LABEL[t], s, r["mbs"], r["cpu"], r["rss"], r["ok"]))
    print()
    print("| ratio (sc2s3 / other) | size | throughput | CPU per GiB | max RSS |")
    print("|---|---|---:|---:|---:|")
    for s in sizes:
        if ("sc2s3", s) not in m:
            continue
        us = m[("sc2s3", s)]
        peers = [p for p in PEERS if (p, s) in m]
        if peers:
            best = max(peers, key=lambda p: m[(p, s)]["mbs"])
            print("| vs best peer (%s) | %s | %.2f | | |" % (best, s, us["mbs"] / m[(best, s)]["mbs"]))
        for p in peers + [c for c in ("ceiling", "ceiling-signed") if (c, s) in m]:
            o = m[(p, s)]
            print("| vs %s | %s | %.2f | %.2f | %.2f |" % (p, s, us["mbs"] / o["mbs"], us["cpu"] / o["cpu"], us["rss"] / o["rss"]))


if __name__ == "__main__":
    main(sys.argv[1])
