#!/usr/bin/env bash
# Runs docker-compose.yml for real, as operators will: makes Docker usable and builds the images locally
# (docker-up.sh: installs and starts Docker if needed, then build-images.sh), brings the
# stack up on host networking, drops the sample X-rays into the watched folder and waits until every one comes
# out recovered at the clinic (its own cluster, fed by MirrorMaker 2), then restarts the registry and the embedder
# and checks that the registry still serves the same schema ids and that an X-ray published after the restarts is
# recovered too, with nothing dead-lettered on either cluster and no hospital-only topic on the clinic's cluster.
# Always tears the stack down (containers and volumes), also on failure or Ctrl-C.
#
#   ops/docker/compose-smoke.sh          # needs root (apt, dockerd, debootstrap) on Debian or Ubuntu
#   ops/docker/compose-smoke.sh --secure # the same with docker-compose.secure.yml on top: both clusters on
#                                        # SASL/SCRAM over TLS with ACLs; also checks that each broker refuses a
#                                        # plaintext client and a wrong password
#
# Environment: SMOKE_TIMEOUT (seconds to wait for recovered X-rays per phase, default 600), KAFKA_PORT,
# KAFKA_CONTROLLER_PORT, CLINIC_KAFKA_PORT, CLINIC_KAFKA_CONTROLLER_PORT, REGISTRY_PORT, REGISTRY_MANAGEMENT_PORT,
# EMBEDDER_METRICS_PORT, EXTRACTOR_METRICS_PORT (host ports, defaults 29092, 29093, 29094, 29095, 28081, 29000, 29401,
# 29402, away from the usual ones so that a developer's own stack
# is not disturbed), SMOKE_KEEP_WORK=1 keeps the work
# folder (logs, recovered PNGs).
set -euo pipefail
SECURE=0
case "${1:-}" in
  --secure) SECURE=1 ;;
  "") ;;
  *) echo "usage: compose-smoke.sh [--secure]" >&2; exit 2 ;;
esac
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
cd "$ROOT"
TIMEOUT="${SMOKE_TIMEOUT:-600}"
export COMPOSE_PROJECT_NAME="stego-smoke$([ $SECURE = 1 ] && echo -secure || true)"
export KAFKA_PORT="${KAFKA_PORT:-29092}" KAFKA_CONTROLLER_PORT="${KAFKA_CONTROLLER_PORT:-29093}"
export CLINIC_KAFKA_PORT="${CLINIC_KAFKA_PORT:-29094}" CLINIC_KAFKA_CONTROLLER_PORT="${CLINIC_KAFKA_CONTROLLER_PORT:-29095}"
export REGISTRY_PORT="${REGISTRY_PORT:-28081}" REGISTRY_MANAGEMENT_PORT="${REGISTRY_MANAGEMENT_PORT:-29000}"
export EMBEDDER_METRICS_PORT="${EMBEDDER_METRICS_PORT:-29401}" EXTRACTOR_METRICS_PORT="${EXTRACTOR_METRICS_PORT:-29402}"
export KAFKA_IMAGE="stego-ehealth/kafka:4.1.1" REGISTRY_IMAGE="stego-ehealth/apicurio-registry:3.3.3"
export STEGO_IMAGE="stego-ehealth:latest"
WORK="$(mktemp -d "${TMPDIR:-/tmp}/stego-compose-smoke.XXXXXX")"
export STEGO_DROPBOX_DIR="$WORK/dropbox" STEGO_RECOVERED_DIR="$WORK/recovered"
REGISTRY="http://localhost:$REGISTRY_PORT/apis/ccompat/v7"
COMPOSE=(docker-compose -f "$ROOT/docker-compose.yml")
JOBS=(topics clinic-topics mirror-config keys models-init produce-covers)
SECURITY=/var/lib/stego/kafka-security
if [ $SECURE = 1 ]; then
  COMPOSE+=(-f "$ROOT/docker-compose.secure.yml")
  JOBS=(cluster-security cluster-grants "${JOBS[@]}")
fi
admin_config() { # service: Kafka tools' options to reach that broker as its admin
  [ $SECURE = 1 ] || return 0
  case "$1" in
    kafka) echo "--command-config $SECURITY/hospital/admin.client.properties" ;;
    clinic-kafka) echo "--command-config $SECURITY/clinic/admin.client.properties" ;;
  esac
}

started=$SECONDS
declare -a SUMMARY=()
phase() { printf '\n=== [%4ss] %s\n' "$((SECONDS - started))" "$*"; }
note() { SUMMARY+=("$(printf '%-48s %s' "$1" "$2")"); echo "$1: $2"; }
fail() {
  echo
  echo "compose-smoke: FAILED after $((SECONDS - started)) s: $*" >&2
  if [ "${STACK_UP:-0}" = 1 ]; then
    "${COMPOSE[@]}" ps >&2 || true
    for service in kafka clinic-kafka registry "${JOBS[@]}" mirror embedder extractor produce-xrays; do
      echo "--- last log lines of $service" >&2
      "${COMPOSE[@]}" logs --no-color --tail=40 "$service" >&2 || true
    done
  fi
  exit 1
}

teardown() {
  local rc=$?
  trap - EXIT INT TERM
  if [ "${STACK_UP:-0}" = 1 ]; then
    phase "tearing the stack down"
    "${COMPOSE[@]}" logs --no-color >"$WORK/compose.log" 2>&1 || true
    "${COMPOSE[@]}" --profile training down --volumes --remove-orphans --timeout 60 || true
  fi
  if [ -s "$WORK/dockerd.pid" ]; then # the daemon docker-up.sh started for this run
    local pid
    pid=$(cat "$WORK/dockerd.pid")
    kill "$pid" 2>/dev/null || true
    for _ in $(seq 30); do kill -0 "$pid" 2>/dev/null || break; sleep 1; done
  fi
  if [ "${SMOKE_KEEP_WORK:-0}" = 1 ] || [ "$rc" != 0 ]; then
    echo "work folder kept: $WORK (compose.log has every container's log)"
  else
    rm -rf "$WORK"
  fi
  exit "$rc"
}
trap teardown EXIT
trap 'fail "interrupted"' INT TERM

phase "Docker and the images (ops/docker/docker-up.sh)"
t=$SECONDS
DOCKERD_PIDFILE="$WORK/dockerd.pid" DOCKERD_LOG="$WORK/dockerd.log" "$ROOT/ops/docker/docker-up.sh" \
  || fail "Docker or the images are not ready (output above)"
docker-compose version --short
note "Docker ready, images built or reused" "$((SECONDS - t)) s"

for port in "$KAFKA_PORT" "$KAFKA_CONTROLLER_PORT" "$CLINIC_KAFKA_PORT" "$CLINIC_KAFKA_CONTROLLER_PORT" \
    "$REGISTRY_PORT" "$REGISTRY_MANAGEMENT_PORT" \
    "$EMBEDDER_METRICS_PORT" "$EXTRACTOR_METRICS_PORT"; do
  if (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then
    fail "port $port is already in use on this host; set the *_PORT variable that names it (see above)"
  fi
done

phase "docker-compose up (hospital :$KAFKA_PORT, clinic :$CLINIC_KAFKA_PORT, registry :$REGISTRY_PORT, host networking)"
mkdir -p "$STEGO_DROPBOX_DIR" "$STEGO_RECOVERED_DIR" "$WORK/staging"
# the application containers run as uid 10001 in group 0
chown 10001:0 "$STEGO_DROPBOX_DIR" "$STEGO_RECOVERED_DIR" 2>/dev/null || chmod 777 "$STEGO_DROPBOX_DIR" "$STEGO_RECOVERED_DIR"
"${COMPOSE[@]}" config -q
t=$SECONDS
STACK_UP=1
"${COMPOSE[@]}" up -d --no-build || fail "docker-compose up failed"
note "stack up (every service started or healthy)" "$((SECONDS - t)) s"
"${COMPOSE[@]}" ps

declare -A CONTAINER=()
for service in kafka clinic-kafka registry "${JOBS[@]}" mirror embedder extractor produce-xrays; do
  CONTAINER[$service]=$("${COMPOSE[@]}" ps -q "$service")
  [ -n "${CONTAINER[$service]}" ] || fail "no container for $service"
done
state() { docker inspect --format '{{.State.Status}}{{if .State.Health}}/{{.State.Health.Status}}{{end}}' \
  "${CONTAINER[$1]}" 2>/dev/null || echo missing; }
check_running() {
  for service in kafka clinic-kafka mirror registry embedder extractor produce-xrays; do
    case "$(state "$service")" in
      running*) ;;
      *) fail "$service is not running ($(state "$service"))" ;;
    esac
  done
  for job in "${JOBS[@]}"; do
    [ "$(docker inspect --format '{{.State.Status}}:{{.State.ExitCode}}' "${CONTAINER[$job]}")" = exited:0 ] \
      || fail "the one-shot job $job did not succeed"
  done
}
recovered() { find "$STEGO_RECOVERED_DIR" -maxdepth 1 -name '*.png' ! -name '.*' | wc -l; }
await_recovered() { # count
  local deadline=$((SECONDS + TIMEOUT))
  while [ "$(recovered)" -lt "$1" ]; do
    check_running
    [ $SECONDS -lt $deadline ] || fail "only $(recovered) of $1 X-rays recovered within $TIMEOUT s"
    sleep 2
  done
}
await_healthy() { # services...
  local deadline=$((SECONDS + 180))
  for service in "$@"; do
    until [ "$(state "$service")" = running/healthy ]; do
      [ $SECONDS -lt $deadline ] || fail "$service is not healthy within 180 s ($(state "$service"))"
      sleep 2
    done
  done
}
drop() { # files...: moved into the watched folder complete (rename on one file system)
  for f in "$@"; do
    cp "$f" "$WORK/staging/" && mv "$WORK/staging/$(basename "$f")" "$STEGO_DROPBOX_DIR/"
  done
}
# every HTTP call gives up after 10 s and tries again (a request the registry never answers must not hang the test)
http() { curl -fsS --max-time 10 --retry 3 --retry-all-errors "$@"; }
schema_ids() { # subject=id per line, sorted
  local subjects
  subjects=$(http "$REGISTRY/subjects") || fail "the registry does not answer at $REGISTRY"
  for s in $(echo "$subjects" | tr -d '[]"' | tr ',' ' '); do
    printf '%s=%s\n' "$s" "$(http "$REGISTRY/subjects/$s/versions/latest" | grep -o '"id":[0-9]*' | cut -d: -f2)"
  done | sort
}

mapfile -t SAMPLES < <(find "$ROOT/samples/xray" -maxdepth 1 -type f \( -name '*.jp*g' -o -name '*.png' \) | sort)
[ ${#SAMPLES[@]} -ge 2 ] || fail "need at least two sample X-rays in samples/xray"
FIRST=("${SAMPLES[@]:0:${#SAMPLES[@]}-1}")
LAST="${SAMPLES[${#SAMPLES[@]}-1]}"

t=$SECONDS
await_healthy mirror embedder extractor produce-xrays
note "mirror and applications healthy (Streams RUNNING)" "$((SECONDS - t)) s later"

phase "publishing ${#FIRST[@]} sample X-rays through the drop folder"
t=$SECONDS
drop "${FIRST[@]}"
await_recovered "${#FIRST[@]}"
note "${#FIRST[@]} X-rays recovered" "$((SECONDS - t)) s after the drop"
before=$(schema_ids)
echo "schema ids: $(echo "$before" | tr '\n' ' ')"
[ "$(echo "$before" | grep -c '=[0-9]')" -ge 4 ] || fail "expected at least 4 registered subjects, got: $before"

phase "restarting the registry"
t=$SECONDS
"${COMPOSE[@]}" restart registry
await_healthy registry
note "registry restarted and ready" "$((SECONDS - t)) s"
after=$(schema_ids)
if [ "$before" != "$after" ]; then
  fail "schema ids changed over the registry restart: before [$(echo $before)] after [$(echo $after)]"
fi
note "schema ids after the registry restart" "unchanged ($(echo "$after" | wc -l) subjects)"

phase "restarting the embedder"
t=$SECONDS
"${COMPOSE[@]}" restart embedder
await_healthy embedder
note "embedder restarted and healthy" "$((SECONDS - t)) s"

phase "publishing one more X-ray after the restarts"
t=$SECONDS
drop "$LAST"
await_recovered "${#SAMPLES[@]}"
note "X-ray published after the restarts recovered" "$((SECONDS - t)) s after the drop"

for cluster in kafka:$KAFKA_PORT clinic-kafka:$CLINIC_KAFKA_PORT; do
  # shellcheck disable=SC2046
  dead=$("${COMPOSE[@]}" exec -T "${cluster%%:*}" /opt/kafka/bin/kafka-get-offsets.sh \
    --bootstrap-server "localhost:${cluster##*:}" $(admin_config "${cluster%%:*}") --topic dead-letters | awk -F: '{ n += $3 } END { print n + 0 }') \
    || fail "cannot read the dead-letters topic of ${cluster%%:*}"
  [ "$dead" = 0 ] || fail "$dead record(s) on the dead-letters topic of ${cluster%%:*}"
done
note "dead letters" "0 on either cluster"
# shellcheck disable=SC2046
clinic_topics=$("${COMPOSE[@]}" exec -T clinic-kafka /opt/kafka/bin/kafka-topics.sh \
  --bootstrap-server "localhost:$CLINIC_KAFKA_PORT" $(admin_config clinic-kafka) --list) || fail "cannot list the clinic cluster's topics"
for topic in xray-images cover-images stego-embedder-xray-batch-buffer-changelog; do
  ! echo "$clinic_topics" | grep -qx "$topic" || fail "the clinic's cluster holds $topic: $(echo $clinic_topics)"
done
for topic in stego-images models model-promotions recovered-images; do
  echo "$clinic_topics" | grep -qx "$topic" || fail "the clinic's cluster has no $topic: $(echo $clinic_topics)"
done
note "clinic cluster topics" "$(echo "$clinic_topics" | grep -v '^__' | tr '\n' ' ')"
[ "$(schema_ids)" = "$before" ] || fail "schema ids changed after the restarts"
metric() { # port name{labels}: the value, or empty
  http "http://localhost:$1/metrics" | grep -F "$2 " | awk '{ print $2 }' | head -1
}
processed=$(metric "$EXTRACTOR_METRICS_PORT" 'stego_images_processed_total{application="stego-extractor"}')
[ "${processed%.*}" = "${#SAMPLES[@]}" ] \
  || fail "the extractor's /metrics counts ${processed:-no} processed images, expected ${#SAMPLES[@]}"
batches=$(metric "$EMBEDDER_METRICS_PORT" 'stego_batch_size_count{application="stego-embedder"}')
[ "${batches%.*}" -ge 1 ] 2>/dev/null || fail "the embedder's /metrics shows no batch since its restart"
[ -n "$(metric "$EMBEDDER_METRICS_PORT" 'stego_dead_letters_total{application="stego-embedder",reason="DECODE"}')" ] \
  || fail "the embedder's /metrics has no dead-letter counter"
note "/metrics" "extractor: ${processed%.*} images; embedder: $batches batch(es) since its restart"
check_running
await_healthy kafka clinic-kafka mirror registry embedder extractor produce-xrays

if [ $SECURE = 1 ]; then
  phase "every broker refuses a plaintext client and a wrong password"
  for cluster in kafka:$KAFKA_PORT clinic-kafka:$CLINIC_KAFKA_PORT; do
    service=${cluster%%:*} port=${cluster##*:}
    side=$([ "$service" = kafka ] && echo hospital || echo clinic)
    # a plaintext client, and the admin's settings with another password; short timeouts: refused, not hanging
    refused=$("${COMPOSE[@]}" exec -T "$service" bash -s -- "$port" "$SECURITY/$side/admin.client.properties" <<'TRY'
cd /tmp
printf 'request.timeout.ms=5000\ndefault.api.timeout.ms=8000\n' >plain.properties
sed 's/\(password\\\?=\)"[0-9a-f]*"/\1"wrong"/' "$2" >wrong.properties
cat plain.properties >>wrong.properties
grep -q 'password\\\?="wrong"' wrong.properties || { echo "no password to replace in $2"; exit 1; }
for f in plain wrong; do
  if /opt/kafka/bin/kafka-topics.sh --bootstrap-server "localhost:$1" --command-config "$f.properties" --list \
      >"$f.out" 2>&1; then
    echo "$f: ACCEPTED"
  else
    echo "$f: refused"
  fi
done
grep -ho 'SaslAuthenticationException[^.]*' wrong.out | head -1
TRY
    ) || fail "cannot try clients on $service"
    echo "$service: $(echo $refused)"
    echo "$refused" | grep -q 'plain: refused' || fail "$service accepted a plaintext client: $refused"
    echo "$refused" | grep -q 'wrong: refused' || fail "$service accepted a wrong password: $refused"
    echo "$refused" | grep -q 'SaslAuthenticationException' || fail "$service did not refuse the wrong password by SASL: $refused"
  done
  note "plaintext client and wrong password" "refused by both brokers"
fi

phase "summary"
docker stats --no-stream --format 'table {{.Name}}\t{{.MemUsage}}\t{{.CPUPerc}}' "${CONTAINER[@]}" 2>/dev/null || true
note "recovered X-rays" "$(recovered) of ${#SAMPLES[@]} (PNG files in the extractor's output folder)"
note "total wall time" "$((SECONDS - started)) s"
echo
echo "compose smoke test$([ $SECURE = 1 ] && echo " (secure profile)" || true) PASSED"
printf '  %s\n' "${SUMMARY[@]}"
