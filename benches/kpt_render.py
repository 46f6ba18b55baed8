#!/usr/bin/env python3
"""What the function costs inside `kpt fn render`, against a function that replays the same output.

The fair baseline (issue 15): an identity function generates nothing, so kpt would have fewer objects
to check and write; a replay function hands kpt exactly the bytes ztwim-gitops hands it, at the cost of
reading stdin and copying a file. The difference between the two renders is the function's own share.

A package of DEPLOYMENTS Deployments (one file each, as a team's repository has them) and the article's
config (fn-config/minimal.yaml) is rendered once to reach its steady state, the input kpt then sends is
captured, and `kpt fn render --allow-exec` is timed alternately with ztwim-gitops and with the replay
(RUNS renders each, medians). Needs kpt on PATH and the release binary (built unless BIN is set).
Usage: python3 benches/kpt_render.py [RUNS] [DEPLOYMENTS]
"""
import os, shutil, statistics, subprocess, sys, tempfile, time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
BIN = os.path.abspath(os.environ.get("BIN", os.path.join(ROOT, "target", "release", "ztwim-gitops")))
RUNS = int(sys.argv[1]) if len(sys.argv) > 1 else 9
DEPLOYMENTS = int(sys.argv[2]) if len(sys.argv) > 2 else 2000

DEPLOYMENT = """# web-{i}: the team's frontend
apiVersion: apps/v1
kind: Deployment
metadata:
  name: web-{i}
  namespace: team-{m}
  labels: {{app: web-{i}, tier: "frontend"}}
spec:
  replicas: 2 # two is enough
  selector:
    matchLabels:
      app: web-{i}
  template:
    metadata:
      labels:
        app: web-{i}
    spec:
      containers:
      - name: web
        image: "registry.example.com/web:1.25"
        ports:
        - containerPort: 8080
        env:
        - {{name: MODE, value: "on"}}
        resources:
          limits: {{cpu: 500m, memory: 256Mi}}
"""

KPTFILE = """apiVersion: kpt.dev/v1
kind: Kptfile
metadata:
  name: bench
  annotations:
    config.kubernetes.io/local-config: "true"
pipeline:
  mutators:
  - exec: {exec}
    configPath: ztwim-gitops.yaml
"""


def write_kptfile(pkg, exec_path):
    with open(os.path.join(pkg, "Kptfile"), "w") as f:
        f.write(KPTFILE.format(exec=exec_path))


def render(pkg):
    start = time.perf_counter()
    done = subprocess.run(["kpt", "fn", "render", "--allow-exec", "."], cwd=pkg, capture_output=True, text=True)
    elapsed = time.perf_counter() - start
    if done.returncode != 0:
        sys.exit(f"kpt fn render failed:\n{done.stdout}{done.stderr}")
    return elapsed


def alone(stdin_path):
    """Wall seconds of the function as one process on the captured input, without kpt."""
    with open(stdin_path, "rb") as stdin:
        start = time.perf_counter()
        subprocess.run([BIN], stdin=stdin, stdout=subprocess.DEVNULL, check=True)
        return time.perf_counter() - start


def snapshot(pkg):
    files = {}
    for dirpath, _, names in os.walk(pkg):
        for name in names:
            path = os.path.join(dirpath, name)
            if name != "Kptfile":
                files[os.path.relpath(path, pkg)] = open(path, "rb").read()
    return files


def main():
    if shutil.which("kpt") is None:
        sys.exit("kpt is not on PATH")
    if "BIN" not in os.environ:
        subprocess.run(["cargo", "build", "--release", "--locked", "-q"], cwd=ROOT, check=True)
    work = tempfile.mkdtemp(prefix="ztwim-kpt-bench-")
    pkg = os.path.join(work, "pkg")
    os.makedirs(os.path.join(pkg, "apps"))
    for i in range(DEPLOYMENTS):
        with open(os.path.join(pkg, "apps", f"web-{i}.yaml"), "w") as f:
            f.write(DEPLOYMENT.format(i=i, m=i % 10))
    shutil.copy(os.path.join(ROOT, "fn-config", "minimal.yaml"), os.path.join(pkg, "ztwim-gitops.yaml"))

    # Steady state: the first render adopts the files (kpt re-quotes some) and adds our objects.
    write_kptfile(pkg, BIN)
    render(pkg)
    steady = snapshot(pkg)

    # The input kpt sends in the steady state, and what ztwim-gitops answers to it.
    capture = os.path.join(work, "capture.sh")
    stdin_copy, stdout_copy = os.path.join(work, "in.yaml"), os.path.join(work, "out.yaml")
    with open(capture, "w") as f:
        f.write(f'#!/bin/sh\ntee "{stdin_copy}" | "{BIN}" | tee "{stdout_copy}"\n')
    os.chmod(capture, 0o755)
    write_kptfile(pkg, capture)
    render(pkg)
    # The replay: reads all of stdin (as a function must before kpt reads its output), writes the bytes.
    replay = os.path.join(work, "replay.sh")
    with open(replay, "w") as f:
        f.write(f'#!/bin/sh\ncat >/dev/null\nexec cat "{stdout_copy}"\n')
    os.chmod(replay, 0o755)

    times = {BIN: [], replay: []}
    for n in range(RUNS):
        # ABBA order: the render that comes second in a pair measured up to 10 % faster here, whichever
        # function it ran.
        for fn in (BIN, replay) if n % 2 == 0 else (replay, BIN):
            write_kptfile(pkg, fn)
            times[fn].append(render(pkg))
            if snapshot(pkg) != steady:
                sys.exit(f"rendering with {fn} changed the package: the replay is not the same output")
    direct = statistics.median(alone(stdin_copy) for _ in range(RUNS))
    ours, base = statistics.median(times[BIN]), statistics.median(times[replay])
    size = os.path.getsize(stdin_copy)
    print(f"{time.strftime('%Y-%m-%d')}, {os.cpu_count()} vCPU, kpt {kpt_version()}, {DEPLOYMENTS} Deployments "
          f"({size / 1024:,.0f} KiB sent to the function), median of {RUNS} renders each\n")
    print("| render with | ms |")
    print("|---|---:|")
    each = lambda fn: ", ".join(f"{t * 1000:,.0f}" for t in times[fn])
    print(f"| replay of the same output | {base * 1000:,.0f} ({each(replay)}) |")
    print(f"| ztwim-gitops | {ours * 1000:,.0f} ({each(BIN)}) |")
    print(f"| (ztwim-gitops alone on the captured input) | {direct * 1000:,.0f} |")
    overhead = (ours - base) / base
    print(f"\noverhead over the replay: {overhead * 100:+.1f} % "
          f"({'met' if overhead <= 0.02 else 'MISSED'}: goal at most 2 %)")
    shutil.rmtree(work)


def kpt_version():
    return subprocess.run(["kpt", "version"], capture_output=True, text=True).stdout.strip()


if __name__ == "__main__":
    main()
