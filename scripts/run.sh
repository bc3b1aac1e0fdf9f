#!/usr/bin/env bash
# Quick start, part 1: install dependencies, build, and serve config/experiments.yaml.
# gRPC on :50051, Prometheus metrics on :9464/metrics. Stop with Ctrl-C (SIGINT drains and exits).
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps.sh build
scripts/build.sh -DASSIGND_BUILD_TESTS=OFF
exec build/bin/assignd --config=config/experiments.yaml "$@"
