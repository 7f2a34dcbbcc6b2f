#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""Read benchmarks: scfs against curl, httpfs2, rclone mount and httpdirfs.

    bench/read.py [--rtt40] [--runs 3] [--build DIR] [--tools LIST] [--json FILE]

Not a test: it prints, for each metric of issue 4, our figure, each peer's,
and the ratios against the targets, all from the same run, as medians of
--runs runs (a fresh mount, so a cold daemon and kernel cache, per run).

Origin (the same bytes for everyone): nginx-light serving the files from
tmpfs (/dev/shm), with Accept-Ranges on 206 answers (httpdirfs needs it).
scfs reaches it the way it reaches SoundCloud: OAuth, listing and /download
on the SoundCloud stand-in, whose signed URLs point at nginx
(bench/standin_cdn.py); the peers get nginx's URLs directly.  --rtt40 puts
nginx and the stand-in behind a 40 ms round trip (bench/netns.sh: a network
namespace and a user-space delay line on TUN devices).

Method, after ../shared/reference/PEERS.md: ttfb = open + first 4 KiB of an
8 MiB file (cold); seq = 1 MiB reads of the 1 GiB file (lan) or 256 MiB
file (rtt40), stopped after 6 s; rand4k = fio randread, 256 x 4 KiB, psync,
qd1, readahead off (fadvise random), on the 256 MiB (lan) or 1 GiB (rtt40)
file, stopped after 4 s; RSS = the daemon's VmHWM at the end of the run;
HLS = a sequential read of an HLS track (400 segments of 200 kB) against
curl fetching the same segments one after another on one connection.
MB = 10^6 bytes.  Needs root, /dev/fuse, and
    apt-get install -y --no-install-recommends nginx-light httpfs2 rclone httpdirfs fio
"""

import argparse
import glob
import json
import os
import random
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(HERE)
NS, NS_IP = "rdbench", "10.199.81.2"
SEQ_CAP_S = 6.0
RAND_IOS, RAND_CAP_S = 256, 4
GIB, MIB = 1 << 30, 1 << 20
IDS = {"big": 3001, "ttfb": 3002, "mid": 3003, "hls": 3004}
HLS_SEGS, HLS_SEG = 400, 200000
FIXTURE = {"users": [{"id": 1001, "permalink": "bench", "tracks": [
    {"id": 3001, "title": "one gib", "size": GIB, "format": "wav"},
    {"id": 3002, "title": "eight mib", "size": 8 * MIB, "format": "wav"},
    {"id": 3003, "title": "quarter gib", "size": 256 * MIB, "format": "wav"},
    {"id": 3004, "title": "stream", "downloadable": False, "init_size": 1024,
     "hls_segments": HLS_SEGS, "segment_size": HLS_SEG}]}]}

NGINX_CONF = """
worker_processes 2;
pid {work}/nginx.pid;
error_log {work}/nginx-error.log;
daemon off;
events {{ worker_connections 4096; }}
http {{
    access_log off;
    sendfile on;
    # Debian's default is on; with loopback's 64 KiB MSS its TCP_CORK holds
    # the tail of ranged answers for a delayed-ACK period (40 ms), which
    # turned every parallel HLS read into a 40 ms wait (bench/RESULTS.md).
    tcp_nopush off;
    keepalive_requests 1000000;
    keepalive_timeout 300s;
    types {{ }}
    default_type application/octet-stream;
    map $http_range $accept_ranges {{ "" ""; default bytes; }}
    server {{
        listen {host}:{port};
        root {www};
        add_header Accept-Ranges $accept_ranges;
        location /originals/ {{ autoindex on; autoindex_exact_size on; }}
        location ~ \\.m3u8$ {{ proxy_pass {standin_cdn}; }}
        location /hls/ {{ }}
    }}
}}
"""


def log(*a):
    print("#", *a, file=sys.stderr, flush=True)


def free_port(host):
    with socket.socket() as s:
        s.bind((host, 0))
        return s.getsockname()[1]


def now():
    return time.perf_counter()


class Env:
    """The origin: stand-in + nginx on tmpfs, on loopback or behind 40 ms."""

    def __init__(self, rtt40, build):
        self.rtt40, self.build = rtt40, build
        self.procs = []
        self.work = tempfile.mkdtemp(prefix="scfs-bench-", dir="/dev/shm")
        self.host = NS_IP if rtt40 else "127.0.0.1"
        self.prefix = ["ip", "netns", "exec", NS] if rtt40 else []

    def spawn(self, argv, **kw):
        p = subprocess.Popen(self.prefix + argv, **kw)
        self.procs.append(p)
        return p

    def start(self):
        if self.rtt40:
            subprocess.run([os.path.join(HERE, "netns.sh"), "up", "20"], check=True)
        self.nport = 19280 if self.rtt40 else free_port(self.host)
        fx = os.path.join(self.work, "fixture.json")
        json.dump(FIXTURE, open(fx, "w"))
        portfile = os.path.join(self.work, "standin.json")
        self.spawn(["/usr/bin/python3", os.path.join(HERE, "standin_cdn.py"),
                    "http://%s:%d" % (self.host, self.nport), "--host", self.host,
                    "--port-file", portfile, "--fixture", fx],
                   stdout=subprocess.DEVNULL, stderr=open(os.path.join(self.work, "standin.err"), "w"))
        for _ in range(200):
            if os.path.exists(portfile):
                break
            time.sleep(0.05)
        self.info = json.load(open(portfile))
        self.api = self.info["api_url"]
        self.fetch_files()
        conf = os.path.join(self.work, "nginx.conf")
        open(conf, "w").write(NGINX_CONF.format(
            work=self.work, host=self.host, port=self.nport, www=self.www,
            standin_cdn=self.info["cdn_url"]))
        self.spawn(["nginx", "-c", conf], stderr=subprocess.DEVNULL)
        self.cdn = "http://%s:%d" % (self.host, self.nport)
        for _ in range(100):
            try:
                urllib.request.urlopen(self.cdn + "/originals/", timeout=2).read()
                break
            except OSError:
                time.sleep(0.1)

    def admin(self, path):
        return urllib.request.urlopen(self.info["admin_url"] + path, timeout=600)

    def fetch_files(self):
        """The stand-in's exact bytes, laid out as its CDN paths, in tmpfs."""
        self.www = os.path.join(self.work, "www")
        os.makedirs(os.path.join(self.www, "originals"))
        for name in ("big", "ttfb", "mid"):
            tid = IDS[name]
            with self.admin("/tracks/%d/original" % tid) as r, \
                    open(os.path.join(self.www, "originals", str(tid)), "wb") as f:
                shutil.copyfileobj(r, f, 16 * MIB)
        tid = IDS["hls"]
        meta = json.load(self.admin("/tracks/%d" % tid))
        d = os.path.join(self.www, "hls", str(tid))
        os.makedirs(d)
        with self.admin("/tracks/%d/hls" % tid) as r:
            open(os.path.join(d, "init.mp4"), "wb").write(r.read(meta["init_size"]))
            for i, n in enumerate(meta["segment_sizes"]):
                open(os.path.join(d, "seg-%d.m4s" % i), "wb").write(r.read(n))
        self.hls_size = meta["hls_size"]
        os.system("chmod -R a+rX %s" % self.work)

    def url(self, name):
        return "%s/originals/%d" % (self.cdn, IDS[name])

    def token(self):
        body = ("grant_type=client_credentials&client_id=%s&client_secret=%s" % (
            self.info["client_id"], self.info["client_secret"])).encode()
        return json.load(urllib.request.urlopen(self.info["auth_url"], body))["access_token"]

    def stop(self):
        for p in reversed(self.procs):
            if p.poll() is None:
                p.terminate()
                try:
                    p.wait(10)
                except subprocess.TimeoutExpired:
                    p.kill()
        if self.rtt40:
            subprocess.run([os.path.join(HERE, "netns.sh"), "down"])
        shutil.rmtree(self.work, ignore_errors=True)


# ---- measurements -----------------------------------------------------------

def ttfb_ms(path):
    t0 = now()
    fd = os.open(path, os.O_RDONLY)
    n = len(os.read(fd, 4096))
    t = now() - t0
    os.close(fd)
    assert n == 4096, "short first read of %s" % path
    return t * 1e3


def seq_mbs(path, cap=SEQ_CAP_S):
    fd = os.open(path, os.O_RDONLY)
    got, t0 = 0, now()
    while now() - t0 < cap:
        n = len(os.read(fd, MIB))
        if not n:
            break
        got += n
    t = now() - t0
    os.close(fd)
    return got / t / 1e6


def fio_rand(path, size):
    out = subprocess.run(
        ["fio", "--name=rand", "--filename=" + path, "--readonly", "--rw=randread",
         "--bs=4k", "--ioengine=psync", "--iodepth=1", "--fadvise_hint=random",
         "--invalidate=0", "--number_ios=%d" % RAND_IOS, "--runtime=%d" % RAND_CAP_S,
         "--size=%d" % size, "--output-format=json"],
        capture_output=True, text=True, timeout=120)
    r = json.loads(out.stdout[out.stdout.index("{"):])["jobs"][0]["read"]
    return r["iops"], r["clat_ns"]["percentile"]["50.000000"] / 1e6


def vm_hwm_mb(pid):
    for line in open("/proc/%d/status" % pid):
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) * 1024 / 1e6
    return float("nan")


class Mount:
    """A FUSE daemon in the foreground, unmounted and stopped on exit."""

    def __init__(self, argv, mnt, env=None, pid_of=None):
        os.makedirs(mnt, exist_ok=True)
        self.mnt = mnt
        self.p = subprocess.Popen(argv, stdout=subprocess.DEVNULL,
                                  stderr=subprocess.DEVNULL, env=env)
        for _ in range(300):
            if os.path.ismount(mnt):
                break
            if self.p.poll() is not None:
                raise RuntimeError("%s exited with %s" % (argv[0], self.p.returncode))
            time.sleep(0.05)
        else:
            raise RuntimeError("%s did not mount" % argv[0])
        self.pid = self.p.pid

    def rss(self):
        return vm_hwm_mb(self.pid)

    def close(self):
        subprocess.run(["fusermount3", "-u", "-z", self.mnt], stderr=subprocess.DEVNULL)
        subprocess.run(["fusermount", "-u", "-z", self.mnt], stderr=subprocess.DEVNULL)
        try:
            self.p.wait(20)
        except subprocess.TimeoutExpired:
            self.p.kill()
            self.p.wait()


def drop_caches():
    open("/proc/sys/vm/drop_caches", "w").write("3\n")


def big_names(env):
    return ("big", "mid") if not env.rtt40 else ("mid", "big")


def mount_scfs(env, work, extra=""):
    e = dict(os.environ, SOUNDCLOUD_CLIENT_ID=env.info["client_id"],
             SOUNDCLOUD_CLIENT_SECRET=env.info["client_secret"])
    opts = "user=bench,api_url=%s,auth_url=%s,cache_dir=%s" % (
        env.api, env.info["auth_url"], tempfile.mkdtemp(dir=work))
    return Mount([os.path.join(env.build, "src", "scfs"), "-f", "-o", opts + extra,
                  os.path.join(work, "mnt-scfs")], os.path.join(work, "mnt-scfs"), env=e)


def scfs_file(m, tid):
    return glob.glob(os.path.join(m.mnt, "bench", "tracks", "*[[]%d[]].*" % tid))[0]


def run_scfs(env, work, extra=""):
    seq_name, rand_name = big_names(env)
    m = mount_scfs(env, work, extra)
    try:
        r = {"ttfb": ttfb_ms(scfs_file(m, IDS["ttfb"])),
             "seq": seq_mbs(scfs_file(m, IDS[seq_name]))}
        sizes = {"big": GIB, "mid": 256 * MIB}
        r["iops"], r["p50"] = fio_rand(scfs_file(m, IDS[rand_name]), sizes[rand_name])
        r["rss"] = m.rss()
    finally:
        m.close()
    return r


def run_scfs_hls(env, work):
    m = mount_scfs(env, work)
    try:
        # The listing (which maps the segments to learn the size) before
        # the clock, as for the other scfs figures: only the read is timed.
        path = scfs_file(m, IDS["hls"])
        t0 = now()
        fd = os.open(path, os.O_RDONLY)
        n = 0
        while True:
            b = os.read(fd, MIB)
            if not b:
                break
            n += len(b)
        os.close(fd)
        assert n == env.hls_size
        return {"hls": n / (now() - t0) / 1e6}
    finally:
        m.close()


def curl(args):
    """curl's -w output; with -K, the config names every output."""
    head = ["curl", "-s"] + ([] if "-K" in args else ["-o", "/dev/null"])
    return subprocess.run(head + args, capture_output=True, text=True, check=True).stdout


def run_curl(env, work):
    seq_name, rand_name = big_names(env)
    r = {"ttfb": float(curl(["-r", "0-4095", "-w", "%{time_total}", env.url("ttfb")])) * 1e3}
    size, t = curl(["--max-time", str(SEQ_CAP_S), "-w", "%{size_download} %{time_total}",
                    env.url(seq_name)]).split()
    r["seq"] = float(size) / float(t) / 1e6
    sizes = {"big": GIB, "mid": 256 * MIB}
    rnd = random.Random(1)
    cfg = os.path.join(work, "rand.curl")
    with open(cfg, "w") as f:
        for i in range(RAND_IOS):
            off = rnd.randrange(sizes[rand_name] // 4096) * 4096
            f.write('%surl = "%s"\nrange = %d-%d\noutput = /dev/null\nwrite-out = "%%{time_total}\\n"\n'
                    % ("next\n" if i else "", env.url(rand_name), off, off + 4095))
    t0 = now()
    times = [float(x) for x in curl(["-K", cfg]).split()]
    r["iops"] = len(times) / (now() - t0)
    r["p50"] = statistics.median(times) * 1e3
    return r


def run_curl_api(env, work):
    """What a client of the API pays for a first byte: the /download
    redirect, then the ranged GET (one curl, two requests)."""
    tok = env.token()
    t = curl(["-L", "-r", "0-4095", "-H", "Authorization: OAuth " + tok, "-w", "%{time_total}",
              "%s/tracks/%d/download" % (env.api, IDS["ttfb"])])
    t_api = curl(["-H", "Authorization: OAuth " + tok, "-w", "%{time_total} %{time_connect}",
                  "%s/tracks/%d/download" % (env.api, IDS["ttfb"])]).split()
    return {"ttfb": float(t) * 1e3, "api": float(t_api[0]) * 1e3, "rtt": float(t_api[1]) * 1e3}


def run_curl_hls(env, work):
    """The same segments one after another on one connection."""
    tok = env.token()
    streams = json.loads(subprocess.run(
        ["curl", "-s", "-H", "Authorization: OAuth " + tok,
         "%s/tracks/%d/streams" % (env.api, IDS["hls"])], capture_output=True, text=True).stdout)
    t0 = now()
    pl = subprocess.run(["curl", "-s", "-L", "-H", "Authorization: OAuth " + tok,
                         streams["hls_aac_160_url"]], capture_output=True, text=True).stdout
    urls = [l for l in pl.splitlines() if l and not l.startswith("#")]
    init = pl.split('URI="')[1].split('"')[0]
    cfg = os.path.join(work, "hls.curl")
    with open(cfg, "w") as f:
        for i, u in enumerate([init] + urls):
            f.write('%surl = "%s"\noutput = /dev/null\n' % ("next\n" if i else "", u))
    curl(["-K", cfg])
    return {"hls": env.hls_size / (now() - t0) / 1e6}


def run_httpfs2(env, work):
    seq_name, rand_name = big_names(env)
    r, rss = {}, []
    sizes = {"big": GIB, "mid": 256 * MIB}
    for name, what in (("ttfb", "ttfb"), (seq_name, "seq"), (rand_name, "rand")):
        mnt = os.path.join(work, "mnt-httpfs2-" + what)
        m = Mount(["httpfs2", "-f", "-c", "/dev/null", env.url(name), mnt], mnt)
        try:
            path = os.path.join(mnt, str(IDS[name]))
            if what == "ttfb":
                r["ttfb"] = ttfb_ms(path)
            elif what == "seq":
                r["seq"] = seq_mbs(path)
            else:
                r["iops"], r["p50"] = fio_rand(path, sizes[name])
            rss.append(m.rss())
        finally:
            m.close()
    r["rss"] = max(rss)
    return r


def run_dirmount(env, work, argv_of):
    seq_name, rand_name = big_names(env)
    sizes = {"big": GIB, "mid": 256 * MIB}
    mnt = os.path.join(work, "mnt-peer")
    m = Mount(argv_of(env.cdn + "/originals/", mnt), mnt)
    try:
        r = {"ttfb": ttfb_ms(os.path.join(mnt, str(IDS["ttfb"]))),
             "seq": seq_mbs(os.path.join(mnt, str(IDS[seq_name])))}
        r["iops"], r["p50"] = fio_rand(os.path.join(mnt, str(IDS[rand_name])), sizes[rand_name])
        r["rss"] = m.rss()
    finally:
        m.close()
    return r


def rclone_argv(extra):
    return lambda url, mnt: ["rclone", "mount", ":http:", mnt, "--http-url", url,
                             "--read-only", "--config", "/dev/null"] + extra


def httpdirfs_argv(work, extra):
    def argv(url, mnt):
        cache = tempfile.mkdtemp(dir=work)
        return ["httpdirfs", "-f", "--cache-location", cache] + extra + [url, mnt]
    return argv


# ---- the run ------------------------------------------------------------------

def tools(env, work, which, extra=""):
    t = [("scfs", "default (cache 128 MiB, read-ahead 32 MiB)" if not extra else extra.lstrip(","),
          lambda: run_scfs(env, work, extra)),
         ("curl", "raw HTTP: nginx URL (rand4k: 1 keep-alive conn)", lambda: run_curl(env, work)),
         ("curl", "via the API: /download 302 + ranged GET", lambda: run_curl_api(env, work)),
         ("httpfs2", "default", lambda: run_httpfs2(env, work)),
         ("rclone", "default (vfs-cache off)", lambda: run_dirmount(env, work, rclone_argv([]))),
         ("httpdirfs", "default (no cache)",
          lambda: run_dirmount(env, work, httpdirfs_argv(work, []))),
         ("httpdirfs", "--cache --dl-seg-size 64",
          lambda: run_dirmount(env, work, httpdirfs_argv(work, ["--cache", "--dl-seg-size", "64"]))),
         ("scfs", "HLS track, sequential", lambda: run_scfs_hls(env, work)),
         ("curl", "HLS: the same segments one after another", lambda: run_curl_hls(env, work))]
    return [x for x in t if not which or x[0] in which]


def median_of(runs):
    keys = sorted({k for r in runs for k in r})
    return {k: statistics.median([r[k] for r in runs if k in r]) for k in keys}


def versions():
    def sh(cmd):
        try:
            return subprocess.run(cmd, shell=True, capture_output=True, text=True).stdout.strip()
        except OSError:
            return "?"
    return {
        "date": time.strftime("%Y-%m-%d %H:%M:%S %Z"),
        "machine": sh("uname -srm") + ", %d cores, %s" % (os.cpu_count(), sh("free -g | awk '/Mem:/{print $2\" GiB RAM\"}'")),
        "os": sh(". /etc/os-release; echo $PRETTY_NAME"),
        "scfs": sh("git -C %s describe --always --dirty" % REPO),
        "packages": sh("dpkg-query -W -f='${Package} ${Version}\\n' nginx-light curl fio httpfs2 rclone httpdirfs libfuse3-3 | tr '\\n' ';'"),
        "load": sh("cat /proc/loadavg"),
    }


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--rtt40", action="store_true")
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--build", default=os.path.join(REPO, "build"))
    ap.add_argument("--tools", default="", help="comma list: scfs,curl,httpfs2,rclone,httpdirfs")
    ap.add_argument("--json", default=None)
    ap.add_argument("--scfs-opts", default="", help="extra -o options for scfs, e.g. readahead_max=64")
    a = ap.parse_args()
    env = Env(a.rtt40, os.path.abspath(a.build))
    results = {}
    try:
        env.start()
        work = env.work
        for run in range(a.runs):
            for name, setting, fn in tools(env, work, a.tools.split(",") if a.tools else None,
                                           "," + a.scfs_opts if a.scfs_opts else ""):
                drop_caches()
                try:
                    r = fn()
                except Exception as e:  # a peer that fails is reported, not fatal
                    log("%s %s: run %d failed: %s" % (name, setting, run + 1, e))
                    r = {}
                log("%s | %s | run %d | %s" % (name, setting, run + 1,
                    " ".join("%s=%.3g" % kv for kv in sorted(r.items()))))
                results.setdefault((name, setting), []).append(r)
    finally:
        env.stop()
    report(a, {k: median_of(v) for k, v in results.items()}, results)


def fmt(v):
    if v is None or v != v:
        return ""
    return "%.3g" % v if v < 100 else "%.0f" % v


def report(a, med, raw):
    link = "rtt40" if a.rtt40 else "lan"
    info = versions()
    print("## %s, medians of %d runs\n" % (link, a.runs))
    for k, v in info.items():
        print("- %s: %s" % (k, v))
    print("\n| tool | setting | ttfb 4KiB [ms] | seq [MB/s] | rand4k [IOPS] | rand4k p50 [ms] | HLS seq [MB/s] | daemon max RSS [MB] |")
    print("|---|---|---:|---:|---:|---:|---:|---:|")
    for (name, setting), m in med.items():
        print("| %s | %s | %s | %s | %s | %s | %s | %s |" % (
            name, setting, fmt(m.get("ttfb")), fmt(m.get("seq")), fmt(m.get("iops")),
            fmt(m.get("p50")), fmt(m.get("hls")), fmt(m.get("rss"))))
    print()
    targets(a, med)
    if a.json:
        json.dump({"link": link, "info": info, "runs": {"%s | %s" % k: v for k, v in raw.items()}},
                  open(a.json, "w"), indent=1)


def targets(a, med):
    def get(name, prefix, key):
        for (n, s), m in med.items():
            if n == name and s.startswith(prefix) and key in m:
                return m[key]
        return None
    ours = lambda k: get("scfs", "default" if not a.scfs_opts else a.scfs_opts, k)
    fuse = {n: get(n, s, "seq") for n, s in [("httpfs2", "default"), ("rclone", "default"),
                                              ("httpdirfs", "default"), ("httpdirfs", "--cache")]}
    best_fuse = max([v for v in fuse.values() if v] or [0])
    print("| target | ours | reference | ratio | wanted |")
    print("|---|---:|---:|---:|---|")
    seq, curl_seq = ours("seq"), get("curl", "raw", "seq")
    rows = [("seq vs best FUSE peer", seq, best_fuse, ">= 1.5"),
            ("seq vs curl", seq, curl_seq, ">= 0.6" if not a.rtt40 else "> 1 (beat one stream)"),
            ("HLS seq vs curl segment loop", get("scfs", "HLS", "hls"), get("curl", "HLS", "hls"),
             ">= 0.8" if not a.rtt40 else ">= 2"),
            ("ttfb vs curl (raw)", ours("ttfb"), get("curl", "raw", "ttfb"), "<= 2"),
            ("ttfb vs curl via the API", ours("ttfb"), get("curl", "via", "ttfb"), "<= 2"),
            ("rand4k IOPS vs httpfs2", ours("iops"), get("httpfs2", "default", "iops"), ">= 0.5")]
    for what, o, t, want in rows:
        print("| %s | %s | %s | %s | %s |" % (what, fmt(o), fmt(t),
              "%.2f" % (o / t) if o and t else "", want))
    rtt = get("curl", "via", "rtt")
    if a.rtt40 and rtt:
        api = get("curl", "via", "api") - rtt  # the redirect on a warm connection
        print("| ttfb beyond the API redirect, in RTTs | %s ms | RTT %s ms | %.2f | <= 1.2 |" % (
            fmt(ours("ttfb") - api), fmt(rtt), (ours("ttfb") - api) / rtt))
        print("| rand4k p50, in RTTs | %s ms | RTT %s ms | %.2f | <= 1.1 |" % (
            fmt(ours("p50")), fmt(rtt), ours("p50") / rtt))
    print("| daemon peak RSS vs budget + 32 MiB | %s MB | %s MB | %.2f | <= 1 |" % (
        fmt(ours("rss")), fmt((128 + 32) * MIB / 1e6), (ours("rss") or 0) / ((128 + 32) * MIB / 1e6)))


if __name__ == "__main__":
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(1))
    main()
