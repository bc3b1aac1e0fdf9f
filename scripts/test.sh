#!/usr/bin/env bash
# Quick start, part 2: install dependencies, build, and run every test (unit and integration).
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps.sh all
scripts/build.sh
ctest --test-dir "${BUILD_DIR:-build}" --output-on-failure --parallel "$(nproc)" --timeout 300
