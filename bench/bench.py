#!/usr/bin/env python3
"""bench.py - speed and memory of sfdiag against the libcsv floor and peer tools.

Run by `make bench` after build/sfdiag and build/csvfloor are built; see
bench/README.md.  Generates its data once into bench-data/ (reused while the
generator and the requested sizes do not change), times every tool on the
same files, prints medians, throughput, peak RSS and the target ratios.

Missing a target is reported as MISS and never fails the run.  The exit
status is 1 only when a tool itself failed (sfdiag exit 2, any other tool
non-zero, or a crash), 2 on a usage or setup error.
"""

import argparse
import hashlib
import gzip
import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
GEN = os.path.join(ROOT, "tools", "gen-bench.py")
GEN_JSON = os.path.join(ROOT, "tools", "gen-login-json.py")
SEED = 20261103

FULL = {"rows": 1_000_000, "tickets": 2000, "runs": 5}
QUICK = {"rows": 100_000, "tickets": 200, "runs": 3}

TARGETS = {
    "sfdiag_over_csvfloor": 1.25,  # <=
    "mlr_over_sfdiag": 4.0,        # >=
    "sfdiag_rss_mb": 64.0,         # <
    "triage_j2_over_j1": 1.7,      # >=
    "text_over_rg": 3.0,           # <=
    "jq_over_sfdiag": 4.0,         # >=
}

# A `sf data query --json` export of this many LoginHistory records
# (~196 MB pretty-printed at full size), read by sfdiag and by
# `jq '.result.records|length'`.
JSON_RECORDS = {"full": 400_000, "quick": 40_000}
JQ_FILTER = ".result.records|length"

# The text reader against ripgrep counting the failure vocabulary: the
# cheapest a tool that looks at every line for those words can be.
RG_ARGS = ["-c", "-i", "-e", "error", "-e", "fail", "-e", "invalid", "-e", "denied"]
LOG_MB = {"full": 200, "quick": 20}

PANDAS_SCRIPT = (
    "import sys, pandas as pd\n"
    "df = pd.read_csv(sys.argv[1])\n"
    "g = df.groupby(['Status', 'Application']).size()\n"
    "print(len(df), len(g))\n"
)


def die(msg):
    print("bench: " + msg, file=sys.stderr)
    sys.exit(2)


def sha256_file(path):
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


def rel(path):
    """Repository-relative when inside the repository, else absolute."""
    return os.path.relpath(path, ROOT) if path.startswith(ROOT + os.sep) else path


def first_line(cmd):
    try:
        out = subprocess.run(cmd, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                             stderr=subprocess.STDOUT, timeout=30, check=False)
        text = out.stdout.decode("utf-8", "replace").strip().splitlines()
        return text[0] if text else "(no output, exit %d)" % out.returncode
    except (OSError, subprocess.TimeoutExpired) as e:
        return "(unavailable: %s)" % e


# ---------------------------------------------------------------------------
# data
# ---------------------------------------------------------------------------
class Data:
    def __init__(self, ddir, rows, tickets):
        self.dir = ddir
        self.rows = rows
        self.tickets = tickets
        self.setup = os.path.join(ddir, "setup-%d.csv" % rows)
        self.setup_gz = self.setup + ".gz"
        self.elf = os.path.join(ddir, "elf-%d.csv" % rows)
        self.tdir = os.path.join(ddir, "tickets-%d" % tickets)
        self.log_mb = LOG_MB["full"] if rows >= FULL["rows"] else LOG_MB["quick"]
        self.log = os.path.join(ddir, "connector-%dmb.log" % self.log_mb)
        self.gen_hash = sha256_file(GEN)

    @staticmethod
    def marker(path):
        return os.path.join(os.path.dirname(path), "." + os.path.basename(path) + ".ok")

    def _valid(self, path, want):
        m = self.marker(path)
        try:
            with open(m) as f:
                have = json.load(f)
        except (OSError, ValueError):
            return False
        if any(have.get(k) != v for k, v in want.items()):
            return False
        if os.path.isdir(path):
            return dir_stats(path) == (have.get("files"), have.get("bytes"))
        return os.path.isfile(path) and os.path.getsize(path) == have.get("bytes")

    def _mark(self, path, want):
        info = dict(want)
        if os.path.isdir(path):
            info["files"], info["bytes"] = dir_stats(path)
        else:
            info["bytes"] = os.path.getsize(path)
        with open(self.marker(path), "w") as f:
            json.dump(info, f, indent=1, sort_keys=True)
            f.write("\n")

    def ensure(self):
        os.makedirs(self.dir, exist_ok=True)
        jobs = []
        specs = [
            (self.setup, ["setup", self.setup, "--rows", str(self.rows)], {"kind": "setup", "rows": self.rows}),
            (self.elf, ["elf", self.elf, "--rows", str(self.rows)], {"kind": "elf", "rows": self.rows}),
            (self.tdir, ["tickets", self.tdir, "--count", str(self.tickets)],
             {"kind": "tickets", "count": self.tickets}),
            (self.log, ["connector-log", self.log, "--mb", str(self.log_mb)],
             {"kind": "connector-log", "mb": self.log_mb}),
        ]
        t0 = time.perf_counter()
        for path, args, want in specs:
            want = dict(want, seed=SEED, generator=self.gen_hash)
            if self._valid(path, want):
                print("data: reusing %s" % os.path.relpath(path, ROOT))
                continue
            print("data: generating %s ..." % os.path.relpath(path, ROOT), flush=True)
            if os.path.isdir(path):
                shutil.rmtree(path)
            try:
                os.unlink(self.marker(path))
            except FileNotFoundError:
                pass
            p = subprocess.Popen([sys.executable, GEN] + args + ["--seed", str(SEED)],
                                 stdin=subprocess.DEVNULL)
            jobs.append((p, path, want))
        for p, path, want in jobs:  # the generators run in parallel (one core each)
            if p.wait() != 0:
                die("generator failed for %s (exit %d)" % (path, p.returncode))
            self._mark(path, want)
        if jobs:
            print("data: generated in %.1f s" % (time.perf_counter() - t0))
        # The Setup export gzipped, as Setup > Login History also offers it
        # (level 6, mtime 0: the same bytes every time).
        if (not os.path.exists(self.setup_gz)
                or os.path.getmtime(self.setup_gz) < os.path.getmtime(self.setup)):
            print("data: compressing %s ..." % os.path.relpath(self.setup_gz, ROOT), flush=True)
            tmp = self.setup_gz + ".tmp"
            with open(self.setup, "rb") as src, open(tmp, "wb") as raw:
                with gzip.GzipFile(fileobj=raw, mode="wb", compresslevel=6, mtime=0) as gz:
                    shutil.copyfileobj(src, gz, 1 << 20)
            os.replace(tmp, self.setup_gz)
        else:
            print("data: reusing %s" % os.path.relpath(self.setup_gz, ROOT))


def dir_stats(path):
    files = 0
    total = 0
    for dp, _dn, fn in os.walk(path):
        for name in fn:
            files += 1
            total += os.path.getsize(os.path.join(dp, name))
    return files, total


def path_bytes(path):
    return dir_stats(path)[1] if os.path.isdir(path) else os.path.getsize(path)


# ---------------------------------------------------------------------------
# timing
# ---------------------------------------------------------------------------
class ToolError(Exception):
    pass


RUNRSS = None  # path of build/runrss once built; see ensure_runrss()


def ensure_runrss(path):
    """Build bench/runrss.c into `path` when missing or older than its source.
    Returns the path, or None (then RSS is measured with os.wait4 and
    includes the ~30 MB of the Python process the tool was forked from)."""
    src = os.path.join(ROOT, "bench", "runrss.c")
    if os.access(path, os.X_OK) and os.path.getmtime(path) >= os.path.getmtime(src):
        return path
    cc = shutil.which(os.environ.get("CC", "cc")) or shutil.which("gcc")
    if cc:
        os.makedirs(os.path.dirname(path), exist_ok=True)
        r = subprocess.run([cc, "-std=c11", "-O2", src, "-o", path], check=False)
        if r.returncode == 0:
            return path
    print("bench: could not build %s; peak RSS will include the Python parent's "
          "memory (about 30 MB)" % os.path.relpath(path, ROOT), file=sys.stderr)
    return None


def run_once(cmd, ok_codes, stdout=None):
    """Run cmd, return (wall s, cpu s, peak RSS KiB).  Raises ToolError."""
    with tempfile.TemporaryFile() as err, tempfile.NamedTemporaryFile("r") as res:
        full = [RUNRSS, res.name] + cmd if RUNRSS else cmd
        t0 = time.perf_counter()
        p = subprocess.Popen(full, cwd=ROOT, stdin=subprocess.DEVNULL,
                             stdout=stdout if stdout is not None else subprocess.DEVNULL,
                             stderr=err)
        _pid, status, ru = os.wait4(p.pid, 0)
        wall = time.perf_counter() - t0
        p.returncode = rc = os.waitstatus_to_exitcode(status)
        cpu = ru.ru_utime + ru.ru_stime
        rss = ru.ru_maxrss
        if RUNRSS:
            line = res.read().split()
            if not line:
                rc = rc if rc != 0 else 2
            else:
                kv = dict(x.split("=", 1) for x in line)
                rc = int(kv["exit"])
                wall = float(kv["wall"])
                cpu = float(kv["user"]) + float(kv["sys"])
                rss = int(kv["maxrss_kib"])
        if rc not in ok_codes:
            err.seek(0)
            tail = err.read()[-2000:].decode("utf-8", "replace").strip()
            how = "killed by signal %d" % -rc if rc < 0 else "exit %d" % rc
            first = tail.splitlines()[-1] if tail else ""
            raise ToolError("%s%s\n    command: %s%s" % (
                how, (": " + first) if first else "", " ".join(cmd),
                ("\n    stderr: " + tail.replace("\n", "\n            ")) if tail else ""))
    return wall, cpu, rss


class Result:
    def __init__(self, tool, label, path, cmd):
        self.tool = tool
        self.label = label
        self.path = path
        self.cmd = cmd
        self.walls = []
        self.cpus = []
        self.rss = []
        self.error = None
        self.note = ""

    @property
    def median(self):
        return statistics.median(self.walls) if self.walls else None

    @property
    def peak_mb(self):
        return max(self.rss) / 1024.0 if self.rss else None

    def mbps(self):
        if not self.walls:
            return None
        return path_bytes(self.path) / 1e6 / self.median

    def as_dict(self):
        return {"tool": self.tool, "file": self.label, "cmd": self.cmd, "walls": self.walls,
                "cpus": self.cpus, "rss_kib": self.rss, "median_s": self.median,
                "peak_rss_mb": self.peak_mb, "mb_per_s": self.mbps(), "error": self.error,
                "note": self.note}


def measure(tool, label, path, cmd, runs, ok_codes=(0,), check=None, shown=None):
    """One untimed warm-up run (fills the page cache; its stdout goes to
    `check` when given), then `runs` timed runs."""
    r = Result(tool, label, path, cmd)
    print("  %-11s %-8s %s" % (tool, label, shown or " ".join(rel(c) for c in cmd)), flush=True)
    try:
        if check is not None:
            with tempfile.TemporaryFile() as out:
                run_once(cmd, ok_codes, stdout=out)
                out.seek(0)
                r.note = check(out.read()) or ""
        else:
            run_once(cmd, ok_codes)
        for _ in range(runs):
            wall, cpu, rss = run_once(cmd, ok_codes)
            r.walls.append(wall)
            r.cpus.append(cpu)
            r.rss.append(rss)
    except ToolError as e:
        r.error = str(e)
        print("    ERROR " + r.error, flush=True)
    except OSError as e:
        r.error = "%s: %s" % (cmd[0], e)
        print("    ERROR " + r.error, flush=True)
    return r


def check_sfdiag(expected_rows):
    def check(out):
        try:
            doc = json.loads(out.decode("utf-8"))
            s = doc.get("summary", {})
            v = doc.get("verdict", {})
            note = "%s records, %s findings" % (s.get("records"), v.get("findings"))
            if expected_rows is not None and s.get("records") != expected_rows:
                note += " (EXPECTED %d records)" % expected_rows
            return note
        except (ValueError, AttributeError) as e:
            return "output is not the expected JSON (%s)" % e
    return check


def check_jq(expected):
    def check(out):
        got = out.decode("utf-8", "replace").strip()
        return "%s records" % got + ("" if got == str(expected) else " (EXPECTED %d)" % expected)
    return check


def ensure_json_export(ddir, records):
    """tools/gen-login-json.py's export, regenerated when its marker (record
    count, generator hash, size) does not match."""
    path = os.path.join(ddir, "sf-query-%d.json" % records)
    marker = Data.marker(path)
    want = {"kind": "sf-query-json", "records": records, "generator": sha256_file(GEN_JSON)}
    try:
        with open(marker) as f:
            have = json.load(f)
        if all(have.get(k) == v for k, v in want.items()) and \
                os.path.getsize(path) == have.get("bytes"):
            print("data: reusing %s" % rel(path))
            return path
    except (OSError, ValueError):
        pass
    print("data: generating %s ..." % rel(path), flush=True)
    os.makedirs(ddir, exist_ok=True)
    if subprocess.run([sys.executable, GEN_JSON, "export", path, "--records", str(records)],
                      stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, check=False).returncode:
        die("generator failed for %s" % path)
    with open(marker, "w") as f:
        json.dump(dict(want, bytes=os.path.getsize(path)), f, indent=1, sort_keys=True)
        f.write("\n")
    return path


def bench_json(sfdiag, path, records, runs):
    """sfdiag against jq on the same JSON export: (sfdiag, jq or None)."""
    print("timing (%s: %.0f MB):" % (rel(path), path_bytes(path) / 1e6), flush=True)
    sfd = measure("sfdiag", "sf-json", path, [sfdiag, "--format", "json", path], runs, (0, 1),
                  check_sfdiag(records))
    jq = shutil.which("jq")
    jqr = None
    if jq:
        jqr = measure("jq", "sf-json", path, [jq, JQ_FILTER, path], runs, check=check_jq(records))
    else:
        print("  jq: not installed (apt-get install jq; make bench installs it)")
    return sfd, jqr


def json_ratio(sfd, jqr):
    if jqr is None or sfd.error or jqr.error or not sfd.median:
        return None
    return jqr.median / sfd.median


def print_json_target(sfd, jqr):
    v = json_ratio(sfd, jqr)
    print("  %-40s %12s   target >= %gx   %s" % (
        "jq/sfdiag time, sf data query --json", "-" if v is None else "%.2fx" % v,
        TARGETS["jq_over_sfdiag"], verdict(v, TARGETS["jq_over_sfdiag"], ">=")))


def check_csvfloor(expected_rows):
    def check(out):
        parts = out.decode().split()
        note = "%s rows, %s fields" % tuple(parts[:2]) if len(parts) >= 2 else "no output"
        if len(parts) >= 2 and int(parts[0]) != expected_rows + 1:
            note += " (EXPECTED %d rows incl. header)" % (expected_rows + 1)
        return note
    return check


def find_pandas_python():
    cands = []
    for c in (sys.executable, "/usr/bin/python3", shutil.which("python3")):
        if c and c not in cands and os.path.exists(c):
            cands.append(c)
    for c in cands:
        r = subprocess.run([c, "-c", "import pandas; print(pandas.__version__)"],
                           stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                           stderr=subprocess.DEVNULL, check=False)
        if r.returncode == 0:
            return c, r.stdout.decode().strip()
    return None, None


# ---------------------------------------------------------------------------
# report
# ---------------------------------------------------------------------------
def fmt(v, spec, missing="-"):
    return missing if v is None else format(v, spec)


def print_table(results):
    hdr = ("tool", "file", "runs", "median s", "min s", "MB/s", "cpu s", "peak RSS MB", "note")
    rows = []
    for r in results:
        if r.error:
            rows.append((r.tool, r.label, "0", "ERROR", "", "", "", "", r.error.splitlines()[0][:60]))
            continue
        rows.append((r.tool, r.label, str(len(r.walls)), fmt(r.median, ".3f"),
                     fmt(min(r.walls), ".3f"), fmt(r.mbps(), ".1f"),
                     fmt(statistics.median(r.cpus), ".3f"), fmt(r.peak_mb, ".1f"), r.note))
    widths = [max(len(h), *(len(x[i]) for x in rows)) if rows else len(h) for i, h in enumerate(hdr)]
    right = {2, 3, 4, 5, 6, 7}

    def line(cells):
        return "  ".join(c.rjust(w) if i in right else c.ljust(w)
                         for i, (c, w) in enumerate(zip(cells, widths))).rstrip()
    print(line(hdr))
    print(line(["-" * w for w in widths]))
    for x in rows:
        print(line(x))


def verdict(value, target, op):
    if value is None:
        return "n/a"
    ok = {"<=": value <= target, ">=": value >= target, "<": value < target}[op]
    return "PASS" if ok else "MISS"


def main():
    ap = argparse.ArgumentParser(description="Benchmark sfdiag against the libcsv floor and peer tools.")
    ap.add_argument("--runs", type=int, help="timed runs per tool and file (default 5, --quick 3)")
    ap.add_argument("--quick", action="store_true",
                    help="100,000-row exports, 200 tickets, 3 runs")
    ap.add_argument("--data", default=os.path.join(ROOT, "bench-data"),
                    help="where generated data lives (default bench-data/)")
    ap.add_argument("--sfdiag", default=os.path.join(ROOT, "build", "sfdiag"))
    ap.add_argument("--csvfloor", default=os.path.join(ROOT, "build", "csvfloor"))
    ap.add_argument("--json", metavar="FILE", help="also write the raw results as JSON")
    ap.add_argument("--only", choices=("all", "json"), default="all",
                    help="json: only the JSON export against jq (default all)")
    a = ap.parse_args()
    size = QUICK if a.quick else FULL
    runs = a.runs if a.runs is not None else size["runs"]
    if runs < 1:
        die("--runs must be at least 1")
    sfdiag = os.path.abspath(a.sfdiag)
    csvfloor = os.path.abspath(a.csvfloor)
    for exe, hint in ((sfdiag, "make build/sfdiag"),
                      (csvfloor, "gcc -std=c11 -O2 bench/csvfloor.c -lcsv -o build/csvfloor")):
        if not os.access(exe, os.X_OK):
            die("%s is missing: build it first (%s)" % (os.path.relpath(exe, ROOT), hint))

    # -- machine and versions -------------------------------------------------
    cpu = "unknown"
    try:
        with open("/proc/cpuinfo") as f:
            for ln in f:
                if ln.startswith("model name"):
                    cpu = ln.split(":", 1)[1].strip()
                    break
    except OSError:
        pass
    mem = ""
    try:
        with open("/proc/meminfo") as f:
            mem = "%.1f GiB" % (int(f.readline().split()[1]) / 1048576)
    except (OSError, ValueError, IndexError):
        pass
    pandas_py, pandas_ver = find_pandas_python()
    mlr = shutil.which("mlr")
    print("machine: nproc=%s (affinity %d), %s, RAM %s, %s %s" % (
        os.cpu_count(), len(os.sched_getaffinity(0)), cpu, mem, platform.system(), platform.release()))
    load = os.getloadavg()
    print("load:    %.2f %.2f %.2f (1/5/15 min)%s" % (
        load[0], load[1], load[2],
        "  WARNING: the machine is busy; timings will be noisy" if load[0] > 0.5 else ""))
    print("sfdiag:  %s (%s)" % (first_line([sfdiag, "--version"]), rel(sfdiag)))
    print("libcsv:  %s" % first_line(["dpkg-query", "-W", "-f", "${Package} ${Version}", "libcsv3"]))
    print("mlr:     %s" % (first_line([mlr, "--version"]) if mlr else "not installed (skipped)"))
    rgp = shutil.which("rg")
    print("rg:      %s" % (first_line([rgp, "--version"]) if rgp else "not installed (apt-get install ripgrep; skipped)"))
    print("wc:      %s" % first_line(["wc", "--version"]))
    print("python:  %s (%s)" % (platform.python_version(), sys.executable))
    print("pandas:  %s" % ("%s (via %s)" % (pandas_ver, pandas_py) if pandas_py else "not importable (skipped)"))
    print("runs:    %d timed runs per measurement after one warm-up run; %s" %
          (runs, "--quick" if a.quick else "full size"))

    global RUNRSS
    RUNRSS = ensure_runrss(os.path.join(os.path.dirname(csvfloor), "runrss"))
    print("rss:     %s" % ("bench/runrss.c wrapper (fork + wait4; adds ~1 MB floor)" if RUNRSS
                           else "os.wait4 from Python (includes ~30 MB inherited floor)"))
    print()

    print("jq:      %s" % (first_line([shutil.which("jq"), "--version"]) if shutil.which("jq")
                           else "not installed (skipped)"))
    json_records = JSON_RECORDS["quick" if a.quick else "full"]
    json_path = ensure_json_export(os.path.abspath(a.data), json_records)
    if a.only == "json":
        print()
        sfd_json, jq_json = bench_json(sfdiag, json_path, json_records, runs)
        print()
        print_table([r for r in (sfd_json, jq_json) if r])
        print()
        print("targets:")
        print_json_target(sfd_json, jq_json)
        return 1 if any(r.error for r in (sfd_json, jq_json) if r) else 0

    data = Data(os.path.abspath(a.data), size["rows"], size["tickets"])
    data.ensure()
    print()

    results = []
    sfd_ok = (0, 1)
    setup_l = "setup"
    elf_l = "elf"
    print("timing (%s: %.0f MB, %s: %.0f MB):" % (
        os.path.relpath(data.setup, ROOT), path_bytes(data.setup) / 1e6,
        os.path.relpath(data.elf, ROOT), path_bytes(data.elf) / 1e6), flush=True)

    # -- the Setup export: every tool -------------------------------------------
    f = data.setup
    sfd_setup = measure("sfdiag", setup_l, f, [sfdiag, "--format", "json", f], runs, sfd_ok,
                        check_sfdiag(data.rows))
    floor_setup = measure("csvfloor", setup_l, f, [csvfloor, f], runs, check=check_csvfloor(data.rows))
    results += [sfd_setup, floor_setup]
    mlr_setup = None
    if mlr:
        mlr_setup = measure("mlr", setup_l, f, [mlr, "--icsv", "--opprint", "count-distinct",
                                                "-f", "Status,Application", f], runs)
        results.append(mlr_setup)
    results.append(measure("wc -l", setup_l, f, ["wc", "-l", f], runs))
    if pandas_py:
        results.append(measure("pandas", setup_l, f, [pandas_py, "-c", PANDAS_SCRIPT, f], runs,
                               shown="%s -c 'read_csv(FILE).groupby([\"Status\",\"Application\"]).size()' %s"
                               % (pandas_py, os.path.relpath(f, ROOT))))

    # -- the ELF export: sfdiag, the floor, wc -----------------------------------
    f = data.elf
    sfd_elf = measure("sfdiag", elf_l, f, [sfdiag, "--format", "json", f], runs, sfd_ok,
                      check_sfdiag(data.rows))
    floor_elf = measure("csvfloor", elf_l, f, [csvfloor, f], runs, check=check_csvfloor(data.rows))
    results += [sfd_elf, floor_elf, measure("wc -l", elf_l, f, ["wc", "-l", f], runs)]

    # -- the Setup export gzipped: inflating beside parsing (no target) ----------
    f = data.setup_gz
    gz = {}
    for j in (1, 2):
        gz[j] = measure("sfdiag -j%d" % j, "setup.gz", f,
                        [sfdiag, "-j", str(j), "--format", "json", f], runs, sfd_ok,
                        check_sfdiag(data.rows))
        results.append(gz[j])

    # -- a connector log: the text reader against ripgrep ---------------------------
    f = data.log
    log_l = "log"
    sfd_log = measure("sfdiag", log_l, f, [sfdiag, "--format", "json", f], runs, sfd_ok,
                      check_sfdiag(None))
    results.append(sfd_log)
    rg = shutil.which("rg")
    rg_log = None
    if rg:
        # rg exits 1 when no line matches (the --quick log may have none).
        rg_log = measure("rg -c -i", log_l, f, [rg] + RG_ARGS + [f], runs, ok_codes=(0, 1))
        results.append(rg_log)

    # -- a sf data query --json export: the JSON reader against jq ------------------
    sfd_json, jq_json = bench_json(sfdiag, json_path, json_records, runs)
    results += [r for r in (sfd_json, jq_json) if r]

    # -- triage -------------------------------------------------------------------
    triage = {}
    triage_why = ""
    try:
        th = subprocess.run([sfdiag, "triage", "--help"], cwd=ROOT, stdin=subprocess.DEVNULL,
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                            timeout=30, check=False)
        has_triage = th.returncode == 0
        if not has_triage:
            errl = th.stderr.decode("utf-8", "replace").strip().splitlines()
            triage_why = " (`sfdiag triage --help` exited %d%s)" % (
                th.returncode, (": " + errl[0][:100]) if errl else "")
    except (OSError, subprocess.TimeoutExpired) as e:
        has_triage = False
        triage_why = " (%s)" % e
    tlabel = "tickets"
    if has_triage:
        for j in (1, 2):
            triage[j] = measure("triage -j%d" % j, tlabel, data.tdir,
                                [sfdiag, "triage", data.tdir, "-j", str(j), "--format", "json",
                                 "--quiet"], runs, sfd_ok)
            results.append(triage[j])
    print()

    # -- report ---------------------------------------------------------------------
    print_table(results)
    print()
    if not has_triage:
        print("triage: not available in this build" + triage_why)
    else:
        for j in (1, 2):
            r = triage[j]
            if r.median:
                print("triage -j%d: %.1f tickets/s (%d tickets, %.1f MB on disk)" % (
                    j, data.tickets / r.median, data.tickets, path_bytes(data.tdir) / 1e6))
    print()

    def ratio(a_, b_):
        if a_ is None or b_ is None or a_.error or b_.error or not b_.median:
            return None
        return a_.median / b_.median

    sfd_rss = [r.peak_mb for r in results if r.tool.startswith(("sfdiag", "triage")) and r.peak_mb]
    j2j1 = None
    if has_triage and triage[1].median and triage[2].median:
        j2j1 = triage[1].median / triage[2].median  # throughput ratio
    checks = [
        ("sfdiag/csvfloor time, setup", ratio(sfd_setup, floor_setup), "<=", TARGETS["sfdiag_over_csvfloor"], "x"),
        ("sfdiag/csvfloor time, elf", ratio(sfd_elf, floor_elf), "<=", TARGETS["sfdiag_over_csvfloor"], "x"),
        ("mlr/sfdiag time, setup", ratio(mlr_setup, sfd_setup), ">=", TARGETS["mlr_over_sfdiag"], "x"),
        ("sfdiag peak RSS (max of all runs)", max(sfd_rss) if sfd_rss else None, "<",
         TARGETS["sfdiag_rss_mb"], " MB"),
        ("triage j2/j1 throughput", j2j1, ">=", TARGETS["triage_j2_over_j1"], "x"),
        ("sfdiag/rg time, connector log", ratio(sfd_log, rg_log), "<=", TARGETS["text_over_rg"], "x"),
        ("jq/sfdiag time, sf data query --json", json_ratio(sfd_json, jq_json), ">=",
         TARGETS["jq_over_sfdiag"], "x"),
    ]
    print("targets:")
    w = max(len(c[0]) for c in checks)
    for name, val, op, target, unit in checks:
        shown = "-" if val is None else ("%.2f%s" % (val, unit))
        why = ""
        if val is None:
            why = "  (triage not available)" if name.startswith("triage") and not has_triage else "  (not measured)"
        print("  %-*s %12s   target %s %g%s   %s%s" % (w, name, shown, op, target, unit.strip() or "",
                                                      verdict(val, target, op), why))

    def cpu_ratio(a_, b_):
        if a_.error or b_.error or not a_.cpus or not b_.cpus:
            return "-"
        return "%.2fx" % (statistics.median(a_.cpus) / statistics.median(b_.cpus))
    print("info (no target): sfdiag/csvfloor CPU time: setup %s, elf %s"
          " (differs from the wall-time ratio when sfdiag uses more than one thread)"
          % (cpu_ratio(sfd_setup, floor_setup), cpu_ratio(sfd_elf, floor_elf)))
    gz_ratio = ratio(gz[1], gz[2])
    print("info (no target): gzipped Setup export, -j 1 time / -j 2 time: %s"
          " (-j 2 inflates on a second thread while the first parses)"
          % ("-" if gz_ratio is None else "%.2fx" % gz_ratio))

    errors = [r for r in results if r.error]
    if a.json:
        with open(a.json, "w") as fh:
            json.dump({"quick": a.quick, "runs": runs, "rows": data.rows, "tickets": data.tickets,
                       "cpu": cpu, "nproc": os.cpu_count(),
                       "results": [r.as_dict() for r in results],
                       "targets": [{"name": n, "value": v, "op": o, "target": t,
                                    "verdict": verdict(v, t, o)} for n, v, o, t, _u in checks]},
                      fh, indent=1)
            fh.write("\n")
    if errors:
        print()
        print("%d measurement(s) failed: a tool exited with an error (see above)." % len(errors))
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
