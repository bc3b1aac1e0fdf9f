# assignd container image. Build: docker build -t assignd .
# Both stages use scripts/install-deps.sh and scripts/build.sh, the same scripts as the README and
# CI, so the image cannot drift from what is tested. tests/deploy/check_dockerfile.py checks this
# file against the scripts and the binaries (runtime packages own every library they load).

FROM debian:bookworm AS build
WORKDIR /src
# Dependencies first, in their own layer: source edits don't re-download them.
COPY scripts/install-deps.sh scripts/
RUN scripts/install-deps.sh build && rm -rf /var/lib/apt/lists/*
COPY . .
RUN scripts/build.sh -DASSIGND_BUILD_TESTS=OFF \
 && strip --strip-unneeded build/bin/assignd build/bin/assignctl

FROM debian:bookworm AS runtime
COPY scripts/install-deps.sh /tmp/install-deps.sh
RUN /tmp/install-deps.sh runtime && rm -rf /var/lib/apt/lists/* /tmp/install-deps.sh \
 && useradd --system --uid 10001 --user-group --no-create-home --shell /usr/sbin/nologin assignd
COPY --from=build /src/build/bin/assignd /src/build/bin/assignctl /usr/local/bin/
# The sample config; Kubernetes mounts its ConfigMap over this directory.
COPY config/experiments.yaml /etc/assignd/experiments.yaml
USER 10001:10001
# 50051: gRPC (assignment, health, reflection). 9464: Prometheus /metrics.
EXPOSE 50051 9464
HEALTHCHECK --interval=10s --timeout=3s --start-period=5s --retries=3 \
  CMD ["assignctl", "--target=127.0.0.1:50051", "--timeout=2s", "health"]
ENTRYPOINT ["assignd", "--config=/etc/assignd/experiments.yaml"]
