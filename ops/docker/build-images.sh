#!/usr/bin/env bash
# Builds every container image of Stego-eHealth locally, with no image registry: a Debian base made with
# debootstrap and imported with `docker import`, a Java runtime on it, Kafka 4.1.1 (KRaft) and Apicurio Registry
# 3.3.3 from their Maven Central jars, and the application image from the repository's Dockerfile (its `runtime`
# stage on the local Java base) with the jars Maven built on the host.
#
#   ops/docker/build-images.sh            # build what is missing or out of date
#   ops/docker/build-images.sh --force    # rebuild everything (the debootstrap tarball stays cached)
#   ops/docker/build-images.sh --no-app   # only the base, Java, Kafka and registry images (what the pipeline
#                                         # integration tests run on; needs no Maven build of the project)
#
# Idempotent: each image carries a label with a fingerprint of its inputs and is rebuilt only when they change.
# Downloads are cached in $STEGO_DOCKER_CACHE (default ~/.cache/stego-ehealth/docker) and ~/.m2.
# Needs root (debootstrap), a running Docker daemon, debootstrap and a JDK 17+ (Maven wrapper).
# Prints the image names to use as the compose variables at the end (see docker-compose.yml).
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
HERE="$ROOT/ops/docker"
CACHE="${STEGO_DOCKER_CACHE:-$HOME/.cache/stego-ehealth/docker}"
SUITE="${DEBIAN_SUITE:-trixie}"
MIRROR="${DEBIAN_MIRROR:-http://deb.debian.org/debian}"
DEBIAN_IMAGE="stego-ehealth/debian:$SUITE"
JRE_IMAGE="stego-ehealth/jre:21"
KAFKA_IMAGE="stego-ehealth/kafka:4.1.1"
REGISTRY_IMAGE="stego-ehealth/apicurio-registry:3.3.3"
APP_IMAGE="${STEGO_IMAGE:-stego-ehealth:latest}"
FORCE=0
APP=1
for arg in "$@"; do
  case "$arg" in
    --force) FORCE=1 ;;
    --no-app) APP=0 ;;
    *) echo "usage: build-images.sh [--force] [--no-app]" >&2; exit 2 ;;
  esac
done
export DOCKER_BUILDKIT=0 # the classic builder: no buildx plugin needed, `--network host` for apt and Maven

started=$SECONDS
step() { printf '\n==> [%4ss] %s\n' "$((SECONDS - started))" "$*"; }
die() { echo "build-images: error: $*" >&2; exit 1; }

command -v docker >/dev/null || die "docker is not installed"
docker info >/dev/null 2>&1 || die "the Docker daemon is not running (start it: dockerd --bridge=none --iptables=false)"
mkdir -p "$CACHE"

# fingerprint of an image's inputs: files or directories (content and names) plus extra strings
fingerprint() {
  local out=""
  for item in "$@"; do
    if [ -e "$item" ]; then
      out+=$(cd "$item" 2>/dev/null && find . -type f -print0 | sort -z | xargs -0 sha256sum | sha256sum \
        || sha256sum <"$item")
    else
      out+="$item"
    fi
  done
  printf '%s' "$out" | sha256sum | cut -c1-16
}
image_id() { docker image inspect --format '{{.Id}}' "$1" 2>/dev/null || true; }
up_to_date() { # image fingerprint
  [ "$FORCE" = 0 ] && [ "$(docker image inspect --format '{{index .Config.Labels "org.stegoehealth.inputs"}}' \
    "$1" 2>/dev/null || true)" = "$2" ]
}
build() { # image fingerprint context dockerfile [docker build args...]
  local image=$1 print=$2 context=$3 dockerfile=$4
  shift 4
  docker build --network host --force-rm --label "org.stegoehealth.inputs=$print" -t "$image" -f "$dockerfile" "$@" "$context"
  docker image prune -f --filter label=org.stegoehealth.inputs >/dev/null # the replaced image, if any
}

# 1. Debian base: debootstrap (minbase) into a cached tarball, then docker import
step "Debian $SUITE base image ($DEBIAN_IMAGE)"
DEB_PRINT=$(fingerprint "$SUITE" "$MIRROR" minbase)
if up_to_date "$DEBIAN_IMAGE" "$DEB_PRINT"; then
  echo "up to date"
else
  TARBALL="$CACHE/debian-$SUITE-minbase.tar"
  if [ ! -s "$TARBALL" ]; then
    command -v debootstrap >/dev/null || die "debootstrap is not installed (apt-get install debootstrap)"
    [ "$(id -u)" = 0 ] || die "debootstrap needs root"
    ROOTFS="$CACHE/rootfs-$SUITE"
    rm -rf "$ROOTFS"
    echo "debootstrap --variant=minbase $SUITE from $MIRROR (a few minutes; log in $CACHE/debootstrap.log)"
    debootstrap --variant=minbase "$SUITE" "$ROOTFS" "$MIRROR" >"$CACHE/debootstrap.log" 2>&1 \
      || { tail -20 "$CACHE/debootstrap.log" >&2; die "debootstrap failed; see $CACHE/debootstrap.log"; }
    rm -rf "$ROOTFS"/var/cache/apt/archives/*.deb "$ROOTFS"/var/lib/apt/lists/* "$ROOTFS"/tmp/*
    tar --numeric-owner -C "$ROOTFS" -cf "$TARBALL.tmp" .
    mv "$TARBALL.tmp" "$TARBALL"
    rm -rf "$ROOTFS"
  else
    echo "using the cached root filesystem $TARBALL"
  fi
  docker import --change "LABEL org.stegoehealth.inputs=$DEB_PRINT" --change 'ENV LANG=C.UTF-8' \
    --change 'CMD ["/bin/bash"]' "$TARBALL" "$DEBIAN_IMAGE" >/dev/null
  echo "imported $DEBIAN_IMAGE"
fi

# 2. Java runtime: OpenJDK 21 from Debian (Apicurio Registry 3 needs Java 21; Kafka and the application run on it)
step "Java runtime image ($JRE_IMAGE)"
JRE_PRINT=$(fingerprint "$HERE/jre" "$(image_id "$DEBIAN_IMAGE")")
if up_to_date "$JRE_IMAGE" "$JRE_PRINT"; then
  echo "up to date"
else
  build "$JRE_IMAGE" "$JRE_PRINT" "$HERE/jre" "$HERE/jre/Dockerfile" --build-arg "BASE_IMAGE=$DEBIAN_IMAGE"
fi

# 3 and 4. Kafka and Apicurio Registry jars from Maven Central (cached in ~/.m2), staged as build contexts
step "Kafka and Apicurio Registry jars from Maven Central"
"$ROOT/mvnw" -B -q -f "$HERE/pom.xml" package
STAGE="$HERE/target/contexts"
rm -rf "$STAGE" && mkdir -p "$STAGE/kafka" "$STAGE/apicurio"
cp -r "$HERE/target/kafka/libs" "$HERE/kafka/bin" "$STAGE/kafka/"
cp -r "$HERE/target/apicurio" "$STAGE/apicurio/registry"

step "Kafka 4.1.1 image ($KAFKA_IMAGE)"
KAFKA_PRINT=$(fingerprint "$STAGE/kafka" "$HERE/kafka/Dockerfile" "$(image_id "$JRE_IMAGE")")
if up_to_date "$KAFKA_IMAGE" "$KAFKA_PRINT"; then
  echo "up to date"
else
  build "$KAFKA_IMAGE" "$KAFKA_PRINT" "$STAGE/kafka" "$HERE/kafka/Dockerfile" --build-arg "BASE_IMAGE=$JRE_IMAGE"
fi

step "Apicurio Registry 3.3.3 image ($REGISTRY_IMAGE)"
REGISTRY_PRINT=$(fingerprint "$STAGE/apicurio" "$HERE/apicurio/Dockerfile" "$(image_id "$JRE_IMAGE")")
if up_to_date "$REGISTRY_IMAGE" "$REGISTRY_PRINT"; then
  echo "up to date"
else
  build "$REGISTRY_IMAGE" "$REGISTRY_PRINT" "$STAGE/apicurio" "$HERE/apicurio/Dockerfile" \
    --build-arg "BASE_IMAGE=$JRE_IMAGE"
fi

# 5. The application. The jars are built on the host with Maven and copied in (ops/docker/app/Dockerfile on top
# of the repository Dockerfile's `runtime` stage) rather than compiled inside Docker: CI has just built and tested
# exactly these jars, ~/.m2 already holds every dependency (a build inside Docker would download ~250 MB and
# compile again on every cold run), Maven runs with the host's settings and trust store (proxies, private CAs), and
# the image then contains the artifacts that passed the tests. Users without a JDK build the Dockerfile's default
# target, which compiles inside Docker from the official Maven image.
if [ "$APP" = 0 ]; then
  step "done in $((SECONDS - started)) s (application image not built: --no-app)"
  docker image ls --format '{{.Repository}}:{{.Tag}}\t{{.Size}}' | grep -E '^stego-ehealth' | sort
  exit 0
fi
step "Application image ($APP_IMAGE)"
JAR="$ROOT/ops/target/ops-0.1.0-SNAPSHOT.jar"
if [ ! -f "$JAR" ] || [ -n "$(find "$ROOT/pom.xml" "$ROOT"/*/pom.xml "$ROOT"/*/src/main -newer "$JAR" -print -quit)" ]; then
  echo "building the application jars with Maven (./mvnw -DskipTests install)"
  "$ROOT/mvnw" -B -q -DskipTests install -f "$ROOT/pom.xml"
fi
docker build --network host --force-rm --target runtime --build-arg "BASE_IMAGE=$JRE_IMAGE" -t stego-ehealth/app-runtime:latest \
  --label org.stegoehealth.image=app "$ROOT"
rm -rf "$STAGE/app" && mkdir -p "$STAGE/app"
cp -rl "$ROOT/ops/target/lib" "$JAR" "$STAGE/app/" 2>/dev/null || cp -r "$ROOT/ops/target/lib" "$JAR" "$STAGE/app/"
docker build --network host --force-rm --build-arg RUNTIME_IMAGE=stego-ehealth/app-runtime:latest -t "$APP_IMAGE" \
  --label org.stegoehealth.image=app -f "$HERE/app/Dockerfile" "$STAGE/app"
docker image prune -f --filter label=org.stegoehealth.image=app >/dev/null # the previous build's image

step "done in $((SECONDS - started)) s"
docker image ls --format '{{.Repository}}:{{.Tag}}\t{{.Size}}' | grep -E '^stego-ehealth' | sort
cat <<VARS

To run docker-compose.yml on these images:
  export KAFKA_IMAGE=$KAFKA_IMAGE REGISTRY_IMAGE=$REGISTRY_IMAGE STEGO_IMAGE=$APP_IMAGE
VARS
