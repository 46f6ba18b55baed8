#!/usr/bin/env python3
"""Times `ztwim-gitops credential` as client-go runs it: one process per call, against a local Workload
API endpoint (tests/workload-api, served by the `workload-api-server` example) on a unix socket.

client-go runs an exec plugin while holding its Authenticator lock, so every request to that cluster
waits for the call; the goal (issue 20) is under 20 ms end to end. Prints the wall time per call
(median, p90, min, max of RUNS calls) and the size of the binary. Usage: python3 benches/credential.py [RUNS]
BIN and SERVER override the binaries (default: release builds of this tree).
"""
import os, statistics, subprocess, sys, tempfile, time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
BIN = os.environ.get("BIN", os.path.join(ROOT, "target", "release", "ztwim-gitops"))
SERVER = os.environ.get("SERVER", os.path.join(ROOT, "target", "release", "examples", "workload-api-server"))
RUNS = int(sys.argv[1]) if len(sys.argv) > 1 else 200
GOAL_MS = 20.0
EXEC_INFO = '{"kind":"ExecCredential","apiVersion":"client.authentication.k8s.io/v1","spec":{"interactive":false}}'


def main():
    if "BIN" not in os.environ:
        subprocess.run(["cargo", "build", "--release", "--locked", "-q"], cwd=ROOT, check=True)
    if "SERVER" not in os.environ:
        subprocess.run(["cargo", "build", "--release", "--locked", "-q", "--example", "workload-api-server"],
                       cwd=ROOT, check=True)
    tmp = tempfile.mkdtemp(prefix="ztwim-credential-bench-")
    socket = os.path.join(tmp, "spire-agent.sock")
    server = subprocess.Popen([SERVER, socket])
    try:
        for _ in range(500):
            if os.path.exists(socket):
                break
            time.sleep(0.01)
        else:
            sys.exit("the Workload API endpoint did not start")
        args = [BIN, "credential", "--audience", "spoke-east", "--socket", f"unix://{socket}"]
        env = {"PATH": os.environ.get("PATH", ""), "KUBERNETES_EXEC_INFO": EXEC_INFO}
        # One untimed call: page cache, the endpoint's first connection.
        subprocess.run(args, env=env, stdout=subprocess.DEVNULL, check=True)
        times = []
        for _ in range(RUNS):
            start = time.perf_counter()
            subprocess.run(args, env=env, stdout=subprocess.DEVNULL, check=True)
            times.append((time.perf_counter() - start) * 1000)
    finally:
        server.kill()
        server.wait()
    times.sort()
    p90 = times[int(len(times) * 0.9) - 1]
    median = statistics.median(times)
    print(f"{time.strftime('%Y-%m-%d')}, {os.cpu_count()} vCPU, {RUNS} calls of `credential` "
          f"(KUBERNETES_EXEC_INFO set, as client-go does)\n")
    print("| median ms | p90 ms | min ms | max ms | binary bytes |")
    print("|---:|---:|---:|---:|---:|")
    print(f"| {median:.1f} | {p90:.1f} | {times[0]:.1f} | {times[-1]:.1f} | {os.path.getsize(BIN):,} |")
    verdict = "met" if median < GOAL_MS else "NOT met"
    print(f"\ngoal: median under {GOAL_MS:.0f} ms end to end: {verdict}")
    return 0 if median < GOAL_MS else 1


if __name__ == "__main__":
    sys.exit(main())
