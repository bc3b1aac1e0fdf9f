#!/usr/bin/env bash
# bench/instructions.sh: user-space instructions per Assign call, counted by valgrind's callgrind,
# for empty_server, assignd and assignd --request_metrics=false. Unlike QPS or CPU time, these
# counts do not depend on what else runs on the machine, so they resolve differences of 1% that
# bench/run.sh's timings cannot (kernel time is not counted; it is the same work for both).
#
# Each server runs under callgrind; 2,000 calls warm it up, the counters are zeroed, 5,000 more
# calls, one at a time so every call takes the same path through gRPC, are counted. Needs `bench/run.sh`'s Release build (build-bench/); about a minute; loopback
# only; kills only the PIDs it starts.
set -euo pipefail
cd "$(dirname "$0")/.."
bin="$PWD/${BENCH_BUILD_DIR:-build-bench}/bin"
calls=5000
command -v valgrind >/dev/null || { echo "instructions.sh: valgrind is missing" >&2; exit 1; }
tmp=$(mktemp -d /tmp/assignd-callgrind.XXXXXX)
pids=()
cleanup() {
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  for pid in "${pids[@]}"; do wait "$pid" 2>/dev/null || true; done
  rm -rf "$tmp"
}
trap cleanup EXIT
sed 's/^\(\s*ramp_percent:\s*\)1\b/\150/' config/experiments.yaml >"$tmp/sample.yaml"

count() {  # count NAME HANDLER SERVER_COMMAND... -> "<process instr/call> <handler instr/call>"
  local name=$1 handler=$2
  shift 2
  timeout 300 valgrind --tool=callgrind --callgrind-out-file="$tmp/$name.out" "$@" \
    >"$tmp/$name.log" 2>&1 &
  local pid=$!
  pids+=("$pid")
  for _ in $(seq 1 300); do [ -s "$tmp/$name.port" ] && break; sleep 0.2; done
  local vg
  vg=$(pgrep -P "$pid" | head -1)  # valgrind itself, under `timeout`
  local port
  port=$(sed -n 's/^grpc_port=//p' "$tmp/$name.port")
  local load=("$bin/assign_load" --target="127.0.0.1:$port" --channels=1 --concurrency=1
    --warmup=0s --timeout=60s --output=kv)
  "${load[@]}" --requests=2000 >/dev/null
  callgrind_control -z "$vg" >/dev/null 2>&1
  "${load[@]}" --requests="$calls" >/dev/null
  callgrind_control -d "$vg" >/dev/null 2>&1
  local total=""
  for _ in $(seq 1 100); do  # the dump is written asynchronously
    total=$(cat "$tmp/$name.out".* 2>/dev/null | sed -n 's/^summary: //p' | head -1)
    [ -n "$total" ] && break
    sleep 0.2
  done
  # Inclusive cost of the Assign handler (what it calls included, e.g. the inline part of Finish).
  local in_handler
  in_handler=$(callgrind_annotate --inclusive=yes "$tmp/$name.out".* 2>/dev/null |
    grep -F "$handler" | head -1 | awk '{gsub(",", "", $1); print $1}')
  kill "$pid"
  wait "$pid" 2>/dev/null || true
  echo "$((total / calls)) $((in_handler / calls))"
}

empty=$(count empty "EmptyService::Assign(" "$bin/empty_server" --port_file="$tmp/empty.port" \
  --lifetime=300s)
assignd=(--config="$tmp/sample.yaml" --grpc_address=127.0.0.1:0 --metrics_address=127.0.0.1:0)
on=$(count on "AssignmentService::Assign(" "$bin/assignd" "${assignd[@]}" --port_file="$tmp/on.port")
off=$(count off "AssignmentService::Assign(" "$bin/assignd" "${assignd[@]}" \
  --port_file="$tmp/off.port" --request_metrics=false)
python3 - $empty $on $off <<'EOF'
import sys
empty, empty_h, on, on_h, off, off_h = (int(x) for x in sys.argv[1:])
print("user-space instructions per Assign call (callgrind, 5,000 calls, one at a time)")
print("  whole process (includes gRPC's time-driven background work: varies ~10% run to run)")
print(f"    empty_server                      {empty:>8}")
print(f"    assignd                           {on:>8}   {on / empty:.3f}x empty")
print(f"    assignd --request_metrics=false   {off:>8}   {off / empty:.3f}x empty")
print("  inside the Assign handler (deterministic)")
print(f"    empty_server                      {empty_h:>8}")
print(f"    assignd                           {on_h:>8}   +{on_h - empty_h} = {(on_h - empty_h) / empty * 100:.1f} % of an empty call")
print(f"    assignd --request_metrics=false   {off_h:>8}   request metrics: {on_h - off_h} = {(on_h - off_h) / empty * 100:.1f} %")
EOF
