#!/usr/bin/env python3
"""Times the release binary as whole processes, the way kpt, kustomize and CI run it.

For every case of benches/inputs.rs: the median wall time and the peak RSS of RUNS runs of
`generate -c CONFIG` and of the KRM function on the ResourceList. Prints a Markdown table (the one in
docs/performance.md) and checks the goals of issue 15. Usage: python3 benches/process.py [RUNS]
"""
import os, platform, statistics, subprocess, sys, tempfile, time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
BIN = os.environ.get("BIN", os.path.join(ROOT, "target", "release", "ztwim-gitops"))
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


def measure(args, stdin_path):
    return statistics.median(run(args, stdin_path) for _ in range(RUNS)), peak_rss(args, stdin_path)


def main():
    if "BIN" not in os.environ:
        subprocess.run(["cargo", "build", "--release", "--locked", "-q"], cwd=ROOT, check=True)
    inputs = tempfile.mkdtemp(prefix="ztwim-bench-")
    subprocess.run(["cargo", "bench", "--bench", "pipeline", "--locked", "-q", "--", "--write-inputs", inputs],
                   cwd=ROOT, check=True)
    names = sorted({f.split(".")[0] for f in os.listdir(inputs)},
                   key=lambda n: (n.split("-")[0], int(n.split("-")[1]) if "-" in n else 0))
    cpu = next((l.split(":", 1)[1].strip() for l in open("/proc/cpuinfo") if l.startswith("model name")), "?")
    print(f"{time.strftime('%Y-%m-%d')}, {os.cpu_count()} vCPU {cpu}, {platform.system()} {platform.release()}, "
          f"median of {RUNS} runs\n")
    print("| case | input | generate ms | generate RSS MiB | KRM ms | KRM RSS MiB |")
    print("|---|---:|---:|---:|---:|---:|")
    results = {}
    for name in names:
        config = os.path.join(inputs, f"{name}.config.yaml")
        krm = os.path.join(inputs, f"{name}.krm.yaml")
        gen = measure([BIN, "generate", "-c", config, "--target", "all"], os.devnull)
        fn = measure([BIN], krm)
        results[name] = (gen, fn, os.path.getsize(krm))
        size = os.path.getsize(krm)
        print(f"| {name} | {size / 1024:,.0f} KiB | {gen[0] * 1000:,.1f} | {gen[1] / 2**20:.1f} | "
              f"{fn[0] * 1000:,.1f} | {fn[1] / 2**20:.1f} |")
    goals = [
        ("article <= 5 ms (KRM)", results["article"][1][0] <= 0.005),
        ("article <= 10 MiB RSS (KRM)", results["article"][1][1] <= 10 * 2**20),
        ("1,000 spokes <= 100 ms (generate)", results["fleet-1000"][0][0] <= 0.1),
        ("1,000 spokes <= 100 ms (KRM)", results["fleet-1000"][1][0] <= 0.1),
        ("t(1000)/t(100) <= 12 (KRM)", results["fleet-1000"][1][0] / results["fleet-100"][1][0] <= 12),
        ("pass-through of 2,000 items <= 50 ms", results["passthrough-2000"][1][0] <= 0.05),
        ("pass-through of 2,000 items <= 10x input in RSS",
         results["passthrough-2000"][1][1] <= 10 * results["passthrough-2000"][2]),
        ("20,000-item KRM run <= 2x generate",
         results["namespaces-10000"][1][0] <= 2 * results["namespaces-10000"][0][0]),
    ]
    print()
    for goal, met in goals:
        print(f"- {'met' if met else 'MISSED'}: {goal}")


if __name__ == "__main__":
    main()
