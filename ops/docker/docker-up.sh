#!/usr/bin/env bash
# Makes Docker usable for Stego-eHealth on this host and builds the images: installs docker.io, docker-compose,
# debootstrap and curl with apt when missing, starts `dockerd --bridge=none --iptables=false` when no daemon answers
# (every container of the project uses the host's network), then runs build-images.sh with the given arguments.
#
#   ops/docker/docker-up.sh            # tools, daemon, every image (the application image needs the Maven build)
#   ops/docker/docker-up.sh --no-app   # tools, daemon, Kafka and registry images only: what the pipeline integration
#                                      # tests (PipelineContainersIT) run on, before any Maven build
#
# Needs root on Debian or Ubuntu to install or start anything. A daemon this script starts keeps running after it
# exits; with DOCKERD_PIDFILE set, its process id is written there so that the caller can stop it (.ci/run and
# compose-smoke.sh do). Its log: $DOCKERD_LOG (default /var/log/stego-dockerd.log).
set -euo pipefail
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
LOG="${DOCKERD_LOG:-/var/log/stego-dockerd.log}"
started=$SECONDS
step() { printf '\n--> [%4ss] %s\n' "$((SECONDS - started))" "$*"; }
die() { echo "docker-up: error: $*" >&2; exit 1; }

step "tools: docker.io, docker-compose, debootstrap, curl"
missing=()
command -v docker >/dev/null || missing+=(docker.io)
command -v docker-compose >/dev/null || missing+=(docker-compose)
command -v debootstrap >/dev/null || missing+=(debootstrap)
command -v curl >/dev/null || missing+=(curl)
if [ ${#missing[@]} -gt 0 ]; then
  echo "installing ${missing[*]} with apt"
  [ "$(id -u)" = 0 ] || die "installing ${missing[*]} needs root"
  apt_log=$(mktemp "${TMPDIR:-/tmp}/stego-apt.XXXXXX")
  (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}") >"$apt_log" 2>&1 \
    || { tail -20 "$apt_log" >&2; die "apt-get install ${missing[*]} failed (log: $apt_log)"; }
  rm -f "$apt_log"
else
  echo "installed"
fi

step "Docker daemon"
if docker info >/dev/null 2>&1; then
  echo "running ($(docker version --format '{{.Server.Version}}'))"
else
  [ "$(id -u)" = 0 ] || die "the Docker daemon is not running and starting it needs root"
  echo "starting dockerd --bridge=none --iptables=false (log: $LOG)"
  setsid dockerd --bridge=none --iptables=false >"$LOG" 2>&1 </dev/null &
  pid=$!
  for _ in $(seq 60); do docker info >/dev/null 2>&1 && break; sleep 1; done
  if ! docker info >/dev/null 2>&1; then
    tail -20 "$LOG" >&2
    kill "$pid" 2>/dev/null || true
    die "dockerd did not start within 60 s"
  fi
  [ -z "${DOCKERD_PIDFILE:-}" ] || echo "$pid" >"$DOCKERD_PIDFILE"
  echo "started (pid $pid, $(docker version --format '{{.Server.Version}}'))"
fi

step "images (ops/docker/build-images.sh $*)"
"$HERE/build-images.sh" "$@"
step "Docker ready in $((SECONDS - started)) s"
