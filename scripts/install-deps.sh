#!/usr/bin/env bash
# Installs everything assignd needs to build and test, from Debian 12's packages only.
# One source of truth: README quick start, .ci/run and the Dockerfile all call this.
#   scripts/install-deps.sh          build + test dependencies
#   scripts/install-deps.sh runtime  only the shared libraries the server needs to run
#   scripts/install-deps.sh --print MODE   print MODE's package names, install nothing
set -euo pipefail

build_pkgs=(
  build-essential cmake ninja-build pkg-config git ca-certificates
  libgrpc++-dev protobuf-compiler-grpc libprotobuf-dev protobuf-compiler
  libabsl-dev prometheus-cpp-dev libyaml-dev libyaml-cpp-dev libboost-math-dev libssl-dev
  libgtest-dev libgmock-dev libbenchmark-dev
)
test_pkgs=(
  prometheus curl python3 python3-grpcio python3-scipy python3-yaml nghttp2-client openssl procps
  clang-14 libclang-rt-14-dev
)
# Every package that owns a library assignd or assignctl links directly (tests/deploy checks this
# against ldd), except libc6/libgcc-s1/libstdc++6, which debian:bookworm already has.
runtime_pkgs=(
  libgrpc++1.51 libgrpc29 libprotobuf32 libabsl20220623 libyaml-0-2 libprometheus-cpp-pull1.0
  libprometheus-cpp-core1.0 libssl3 ca-certificates
)

print=0
if [ "${1:-}" = "--print" ]; then
  print=1
  shift
fi
mode="${1:-all}"
case "$mode" in
  all) pkgs=("${build_pkgs[@]}" "${test_pkgs[@]}") ;;
  build) pkgs=("${build_pkgs[@]}") ;;
  runtime) pkgs=("${runtime_pkgs[@]}") ;;
  *) echo "usage: $0 [--print] [all|build|runtime]" >&2; exit 2 ;;
esac
if [ "$print" -eq 1 ]; then
  printf '%s\n' "${pkgs[@]}"
  exit 0
fi

missing=()
for p in "${pkgs[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ "${#missing[@]}" -eq 0 ]; then
  echo "install-deps: all ${#pkgs[@]} packages already installed"
  exit 0
fi

sudo=""
[ "$(id -u)" -eq 0 ] || sudo="sudo"
export DEBIAN_FRONTEND=noninteractive
$sudo apt-get update -qq
$sudo apt-get install -y -qq --no-install-recommends "${missing[@]}"
