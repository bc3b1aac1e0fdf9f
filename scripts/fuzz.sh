#!/usr/bin/env bash
# Builds the libFuzzer targets (tests/fuzz) with clang in their own build dir and runs each for a
# bounded time, all three at once (one per core, roughly). Seeds come from tests/fuzz/corpus/<t>;
# new inputs go to $FUZZ_BUILD_DIR/corpus/<t>, crashes to $FUZZ_BUILD_DIR/artifacts/.
#   FUZZ_SECONDS=60 scripts/fuzz.sh            # default 60 s per target
#   scripts/fuzz.sh config                     # only some targets
set -euo pipefail
cd "$(dirname "$0")/.."
seconds="${FUZZ_SECONDS:-60}"
build_dir="${FUZZ_BUILD_DIR:-build-fuzz}"
targets=("$@")
[ "${#targets[@]}" -gt 0 ] || targets=(config blend_overrides request)

CXX=clang++-14 cmake -S . -B "$build_dir" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo \
  -DASSIGND_FUZZ=ON -DASSIGND_BUILD_TESTS=ON >/dev/null
cmake --build "$build_dir" --parallel "$(nproc)" --target "${targets[@]/#/fuzz_}"

mkdir -p "$build_dir/artifacts"
pids=()
for t in "${targets[@]}"; do
  mkdir -p "$build_dir/corpus/$t"
  dict=()
  [ -f "tests/fuzz/$t.dict" ] && dict=("-dict=tests/fuzz/$t.dict")
  "$build_dir/bin/fuzz_$t" -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 \
    -max_len=4096 -print_final_stats=1 -artifact_prefix="$build_dir/artifacts/$t-" "${dict[@]}" \
    "$build_dir/corpus/$t" "tests/fuzz/corpus/$t" >"$build_dir/fuzz_$t.log" 2>&1 &
  pids+=($!)
done

failed=0
for i in "${!targets[@]}"; do
  t="${targets[$i]}"
  if wait "${pids[$i]}"; then
    runs=$(grep -o 'stat::number_of_executed_units: *[0-9]*' "$build_dir/fuzz_$t.log" | grep -o '[0-9]*$')
    cov=$(grep -o 'cov: [0-9]*' "$build_dir/fuzz_$t.log" | tail -1)
    echo "fuzz $t: OK, ${runs:-?} inputs in ${seconds}s, $cov"
  else
    failed=1
    echo "fuzz $t: FAILED (log: $build_dir/fuzz_$t.log)"
    grep -E 'ERROR|SUMMARY|Test unit written' "$build_dir/fuzz_$t.log" | head -20 || true
  fi
done
exit "$failed"
