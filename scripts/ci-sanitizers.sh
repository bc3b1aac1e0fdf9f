#!/usr/bin/env bash
# Sanitizer CI: the whole test suite under AddressSanitizer + UndefinedBehaviorSanitizer
# (build-asan), then the gRPC-free targets (core, config and their unit tests, including the
# reload concurrency test) under ThreadSanitizer (build-tsan): Debian's gRPC and protobuf are not
# TSan-built, so TSan on anything linking them would only report noise.
#   scripts/ci-sanitizers.sh [asan|tsan]...   (default: both)
set -euo pipefail
cd "$(dirname "$0")/.."
stages=("$@")
[ "${#stages[@]}" -gt 0 ] || stages=(asan tsan)
jobs="$(nproc)"
export UBSAN_OPTIONS="print_stacktrace=1:halt_on_error=1"

for stage in "${stages[@]}"; do
  case "$stage" in
    asan)
      BUILD_DIR=build-asan scripts/build.sh -DASSIGND_SANITIZE=address,undefined
      ASAN_OPTIONS="detect_leaks=1:abort_on_error=0:strict_string_checks=1" \
        ctest --test-dir build-asan --output-on-failure --parallel "$jobs" --timeout 600
      ;;
    tsan)
      cmake -S . -B build-tsan -G Ninja -DASSIGND_SANITIZE=thread >/dev/null
      tsan_targets=(core_growthbook_hash_test core_growthbook_cases_test core_gb_vectors_test
                    core_assign_test config_test)
      cmake --build build-tsan --parallel "$jobs" --target "${tsan_targets[@]}"
      TSAN_OPTIONS="halt_on_error=1:second_deadlock_stack=1" \
        ctest --test-dir build-tsan --output-on-failure --parallel "$jobs" --timeout 600 \
          -R '^(core|config)\.'
      ;;
    *) echo "usage: $0 [asan|tsan]..." >&2; exit 2 ;;
  esac
done
