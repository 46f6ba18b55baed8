#!/usr/bin/env python3
"""Times the release binary as whole processes, the way kpt, kustomize and CI run it.

For every case of benches/inputs.rs: the median wall time and the peak RSS of RUNS runs of
`generate -c CONFIG` and of the KRM function on the ResourceList. Prints a Markdown table (the one in
docs/performance.md) and checks the goals of issue 23 (point 4).

  python3 benches/process.py [RUNS]
  BASE=path/to/previous/binary python3 benches/process.py   # the previous build side by side
  INSTRUCTIONS=1 python3 benches/process.py                 # and instructions per run
  INPUTS=DIR python3 benches/process.py   # inputs written before (`cargo bench --bench pipeline --
                                          # --write-inputs DIR`) instead of writing them again

With BASE, the two binaries run alternately (ABAB…), so a machine that gets busier or quieter during
the run moves both columns alike; the goals are checked on BIN. Wall times on a shared machine are
noise: INSTRUCTIONS adds each process's user-space instruction count, from `perf stat` where the
machine has hardware counters, else from one run under `valgrind --tool=callgrind` (deterministic,
about 50 times slower, so it is opt-in).
"""
import os, platform, re, shutil, statistics, subprocess, sys, tempfile, time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
BIN = os.environ.get("BIN", os.path.join(ROOT, "target", "release", "ztwim-gitops"))
BASE = os.environ.get("BASE")
INSTRUCTIONS = os.environ.get("INSTRUCTIONS", "") not in ("", "0")
RUNS = int(sys.argv[1]) if len(sys.argv) > 1 else 7


def run(args, stdin_path):
    """Wall seconds of one process."""
    with open(stdin_path, "rb") as stdin:
        start = time.perf_counter()
        status = subprocess.run(args, stdin=stdin, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL).returncode
        elapsed = time.perf_counter() - start
    if status != 0:
        sys.exit(f"{args} < {stdin_path} failed")
    return elapsed


def peak_rss(args, stdin_path):
    """Peak RSS in bytes, from GNU time: a child forked from Python would count Python's pages."""
    with tempfile.NamedTemporaryFile("r") as out, open(stdin_path, "rb") as stdin:
        subprocess.run(["/usr/bin/time", "-f", "%M", "-o", out.name, *args], stdin=stdin,
                       stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=True)
        return int(out.read().split()[-1]) * 1024


def perf_counts():
    """Whether `perf stat` can count instructions here (virtual machines often have no counters)."""
    if not shutil.which("perf"):
        return False
    probe = subprocess.run(["perf", "stat", "-x,", "-e", "instructions:u", "true"], capture_output=True, text=True)
    return probe.returncode == 0 and "<not supported>" not in probe.stderr


def instructions(args, stdin_path, use_perf):
    """User-space instructions of one run, or None when neither perf nor valgrind can count them."""
    with open(stdin_path, "rb") as stdin:
        if use_perf:
            done = subprocess.run(["perf", "stat", "-x,", "-e", "instructions:u", *args], stdin=stdin,
                                  stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
            lines = [l for l in done.stderr.splitlines() if "instructions" in l]
            return int(lines[-1].split(",")[0]) if lines else None
        if not shutil.which("valgrind"):
            return None
        done = subprocess.run(["valgrind", "--tool=callgrind", "--callgrind-out-file=/dev/null", *args],
                              stdin=stdin, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
        found = re.search(r"Collected : (\d+)", done.stderr)
        return int(found.group(1)) if found else None


def measure(binaries, args, stdin_path, use_perf):
    """Per binary: (median seconds, peak RSS bytes, instructions or None), runs interleaved."""
    times = {b: [] for b in binaries}
    for _ in range(RUNS):
        for b in binaries:
            times[b].append(run([b, *args], stdin_path))
    return {b: (statistics.median(times[b]), peak_rss([b, *args], stdin_path),
                instructions([b, *args], stdin_path, use_perf) if INSTRUCTIONS else None) for b in binaries}


def cell(m):
    text = f"{m[0] * 1000:,.1f} | {m[1] / 2**20:.1f}"
    return text + (f" | {m[2] / 1e6:,.0f}" if INSTRUCTIONS else "")


def main():
    if "BIN" not in os.environ:
        subprocess.run(["cargo", "build", "--release", "--locked", "-q"], cwd=ROOT, check=True)
    inputs = os.environ.get("INPUTS")
    if not inputs:
        inputs = tempfile.mkdtemp(prefix="ztwim-bench-")
        subprocess.run(["cargo", "bench", "--bench", "pipeline", "--locked", "-q", "--", "--write-inputs", inputs],
                       cwd=ROOT, check=True)
    names = sorted({f.split(".")[0] for f in os.listdir(inputs)},
                   key=lambda n: (n.split("-")[0], int(n.split("-")[1]) if "-" in n else 0))
    binaries = [BIN] + ([BASE] if BASE else [])
    use_perf = INSTRUCTIONS and perf_counts()
    cpu = next((l.split(":", 1)[1].strip() for l in open("/proc/cpuinfo") if l.startswith("model name")), "?")
    print(f"{time.strftime('%Y-%m-%d')}, {os.cpu_count()} vCPU {cpu}, {platform.system()} {platform.release()}, "
          f"median of {RUNS} runs" + (f"; instructions from {'perf' if use_perf else 'callgrind'}" if INSTRUCTIONS else "")
          + (f"; BASE is {BASE}" if BASE else "") + "\n")
    columns = ["ms", "RSS MiB"] + (["M instr"] if INSTRUCTIONS else [])
    header = ["case", "input"]
    for mode in ("generate", "KRM"):
        for label in (["", " BASE"] if BASE else [""]):
            header += [f"{mode}{label} {c}" for c in columns]
    print("| " + " | ".join(header) + " |")
    print("|---|" + "---:|" * (len(header) - 1))
    results = {}
    for name in names:
        config = os.path.join(inputs, f"{name}.config.yaml")
        krm = os.path.join(inputs, f"{name}.krm.yaml")
        gen = measure(binaries, ["generate", "-c", config, "--target", "all"], os.devnull, use_perf)
        fn = measure(binaries, [], krm, use_perf)
        size = os.path.getsize(krm)
        results[name] = (gen[BIN], fn[BIN], size)
        cells = [cell(gen[b]) for b in binaries] + [cell(fn[b]) for b in binaries]
        print(f"| {name} | {size / 1024:,.0f} KiB | " + " | ".join(cells) + " |")
    goals = [
        ("article <= 5 ms (KRM)", results["article"][1][0] <= 0.005),
        ("article <= 10 MiB RSS (KRM)", results["article"][1][1] <= 10 * 2**20),
        ("1,000 spokes <= 60 ms (generate)", results["fleet-1000"][0][0] <= 0.06),
        ("1,000 spokes <= 60 ms (KRM)", results["fleet-1000"][1][0] <= 0.06),
        ("t(1000)/t(100) <= 11 (KRM)", results["fleet-1000"][1][0] / results["fleet-100"][1][0] <= 11),
        ("t(1000)/t(100) <= 11 (generate)", results["fleet-1000"][0][0] / results["fleet-100"][0][0] <= 11),
        ("pass-through of 2,000 items <= 40 ms", results["passthrough-2000"][1][0] <= 0.04),
        ("pass-through of 2,000 items <= 10x input in RSS",
         results["passthrough-2000"][1][1] <= 10 * results["passthrough-2000"][2]),
        ("20,000-item KRM run <= 2x generate",
         results["namespaces-10000"][1][0] <= 2 * results["namespaces-10000"][0][0]),
    ]
    print()
    for goal, met in goals:
        print(f"- {'met' if met else 'MISSED'}: {goal}")
    print("- inside `kpt fn render` <= 2 % over a replay: see benches/kpt_render.py")


if __name__ == "__main__":
    main()
