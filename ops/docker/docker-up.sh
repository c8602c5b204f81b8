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
#
# The base, Java, Kafka and registry images are also kept as one `docker save` archive next to the debootstrap
# tarball ($STEGO_DOCKER_CACHE, default ~/.cache/stego-ehealth/docker/images.tar), written when they change: a fresh
# daemon (a new CI machine with the cache restored) loads them in seconds instead of building them again.
set -euo pipefail
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
LOG="${DOCKERD_LOG:-/var/log/stego-dockerd.log}"
CACHE="${STEGO_DOCKER_CACHE:-$HOME/.cache/stego-ehealth/docker}"
SAVED="$CACHE/images.tar"
IMAGES=("stego-ehealth/debian:${DEBIAN_SUITE:-trixie}" stego-ehealth/jre:21 stego-ehealth/kafka:4.1.1
  stego-ehealth/apicurio-registry:3.3.3)
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

image_ids() { docker image inspect --format '{{.Id}}' "${IMAGES[@]}" 2>/dev/null | sha256sum | cut -c1-16; }
if ! docker image inspect "${IMAGES[@]}" >/dev/null 2>&1 && [ -s "$SAVED" ]; then
  step "loading the saved images ($SAVED)"
  docker load -q -i "$SAVED" || echo "could not load $SAVED; building the images instead"
fi

step "images (ops/docker/build-images.sh $*)"
"$HERE/build-images.sh" "$@"

if docker image inspect "${IMAGES[@]}" >/dev/null 2>&1 && [ "$(cat "$SAVED.ids" 2>/dev/null)" != "$(image_ids)" ]; then
  step "saving the base, Java, Kafka and registry images for the next fresh daemon ($SAVED)"
  mkdir -p "$CACHE"
  docker save -o "$SAVED.tmp" "${IMAGES[@]}" && mv "$SAVED.tmp" "$SAVED" && image_ids >"$SAVED.ids"
  echo "$(du -h "$SAVED" | cut -f1) saved"
fi
step "Docker ready in $((SECONDS - started)) s"
