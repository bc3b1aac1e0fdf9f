#!/usr/bin/env bash
# Configures and builds assignd into ${BUILD_DIR:-build} (binaries in build/bin/).
# Extra arguments go to the CMake configure step, e.g. -DASSIGND_SANITIZE=address,undefined.
set -euo pipefail
cd "$(dirname "$0")/.."
build_dir="${BUILD_DIR:-build}"
cmake -S . -B "$build_dir" -G Ninja "$@"
cmake --build "$build_dir" --parallel "$(nproc)"
