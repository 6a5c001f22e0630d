#!/usr/bin/env bash
# Benchmarks a pull-through of ours against Debian's docker-registry in proxy mode, both pulling one large blob from
# the same remote (another docker-registry, whose access log counts the bytes it sent): the origin's pull-through of
# an imported image (mode "origin"), or the edge in mirror mode with docker.io aliased to the remote, its requests
# carrying ?ns=docker.io as containerd's do (mode "mirror"). Not part of the test command. See bench/README.md
# ("Origin pull-through", "Edge mirror mode").
#
#   bench/pullthrough.sh [origin|mirror]                                256 MiB blob, 16 concurrent cold pulls
#   BENCH_BLOB_MIB=32 BENCH_CONCURRENCY=4 bench/pullthrough.sh mirror   a quick run
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."
ROOT=$(pwd)

BLOB_MIB="${BENCH_BLOB_MIB:-256}"
CONCURRENCY="${BENCH_CONCURRENCY:-16}"
MODE="${1:-origin}"
case "$MODE" in origin | mirror) ;; *) echo "usage: bench/pullthrough.sh [origin|mirror]" >&2; exit 2 ;; esac
ORIGIN_DLL="$ROOT/src/Origin/bin/Release/net10.0/EdgeRegistry.Origin.dll"
EDGE_DLL="$ROOT/src/Edge/bin/Release/net10.0/EdgeRegistry.Edge.dll"
OUT="$ROOT/bench/out/$(date -u +%Y%m%dT%H%M%SZ)"

WORK=$(mktemp -d "${TMPDIR:-/tmp}/edgeregistry-bench-$MODE-XXXXXX")
PIDS=()
declare -A URL=()   # server -> base URL
declare -A PID=()   # server -> pid

cleanup() {
  for pid in "${PIDS[@]}"; do kill -TERM "$pid" 2>/dev/null || true; done
  for pid in "${PIDS[@]}"; do
    for _ in $(seq 1 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
    kill -KILL "$pid" 2>/dev/null || true
    wait "$pid" 2>/dev/null || true
  done
  if [ -z "${BENCH_KEEP:-}" ]; then rm -rf "$WORK"; else echo "bench: kept $WORK"; fi
}
trap cleanup EXIT

log() { echo "bench: $*" >&2; }

for tool in curl docker-registry sha256sum awk dotnet; do
  command -v "$tool" >/dev/null 2>&1 || { log "missing $tool (apt-get install -y curl docker-registry)"; exit 1; }
done

# free_port: a port on 127.0.0.1 that nothing answers on, below Linux's ephemeral range.
free_port() {
  local port
  for _ in $(seq 1 200); do
    port=$((10000 + RANDOM % 20000))
    if ! (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then echo "$port"; return; fi
  done
  log "no free port found"; return 1
}

# wait_http <url> <pid> <timeout-seconds> <codes...>
wait_http() {
  local url=$1 pid=$2 timeout=$3 code
  shift 3
  local deadline=$((SECONDS + timeout))
  while [ "$SECONDS" -lt "$deadline" ]; do
    kill -0 "$pid" 2>/dev/null || return 1
    code=$(curl -s -o /dev/null -m 2 -w '%{http_code}' "$url" || true)
    for want in "$@"; do [ "$code" = "$want" ] && return 0; done
    sleep 0.2
  done
  return 1
}

# stop <name>: ends one server this script started.
stop() {
  local pid=${PID[$1]}
  kill -TERM "$pid" 2>/dev/null || true
  for _ in $(seq 1 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
  kill -KILL "$pid" 2>/dev/null || true
  wait "$pid" 2>/dev/null || true
  unset "URL[$1]"
}

# start_registry <name> <extra yaml>: docker-registry with fresh storage in $WORK/<name>, its access log on stdout.
start_registry() {
  local name=$1 extra=$2 dir="$WORK/$1" port pid
  rm -rf "$dir"; mkdir -p "$dir/storage"
  for _ in 1 2 3; do
    port=$(free_port)
    cat >"$dir/config.yml" <<YAML
version: 0.1
log:
  level: warn
  accesslog:
    disabled: false
storage:
  filesystem:
    rootdirectory: $dir/storage
  maintenance:
    uploadpurging:
      enabled: false
http:
  addr: 127.0.0.1:$port
  secret: bench-$RANDOM$RANDOM
$extra
YAML
    # shellcheck disable=SC2046 # one "-u NAME" per inherited REGISTRY_ variable
    env $(env | awk -F= '/^REGISTRY_/ { print "-u " $1 }') docker-registry serve "$dir/config.yml" >"$dir/registry.log" 2>&1 &
    pid=$!
    if wait_http "http://127.0.0.1:$port/v2/" "$pid" 30 200; then
      PIDS+=("$pid"); PID[$name]=$pid; URL[$name]="http://127.0.0.1:$port"
      log "$name (docker-registry) up at ${URL[$name]}"
      return 0
    fi
    kill -KILL "$pid" 2>/dev/null || true
    grep -qi 'address already in use' "$dir/registry.log" || break
  done
  tail -15 "$dir/registry.log" >&2; log "$name did not start"; exit 1
}

# start_origin: the origin with fresh storage and metadata, docker.io aliased to the remote.
start_origin() {
  local dir="$WORK/origin" port pid
  rm -rf "$dir"; mkdir -p "$dir/storage"
  for _ in 1 2 3; do
    port=$(free_port)
    cat >"$dir/config.yml" <<YAML
version: 0.1
log:
  level: warn
http:
  addr: 127.0.0.1:$port
storage:
  filesystem:
    rootdirectory: $dir/storage
upstream:
  allowed: [docker.io]
  insecure: [docker.io]
  aliases:
    docker.io: ${URL[remote]}
YAML
    (cd "$dir" && exec env -u ASPNETCORE_URLS -u DOTNET_URLS REGISTRY_CONFIGURATION_PATH="$dir/config.yml" \
      dotnet "$ORIGIN_DLL" >"$dir/origin.log" 2>&1) &
    pid=$!
    if wait_http "http://127.0.0.1:$port/healthz" "$pid" 30 200; then
      PIDS+=("$pid"); PID[origin]=$pid; URL[origin]="http://127.0.0.1:$port"
      log "origin up at ${URL[origin]}"
      for image in big warmup; do
        (cd "$dir" && dotnet "$ORIGIN_DLL" admin import-image "bench/$image" --from "docker.io/library/$image:latest" --config "$dir/config.yml" >&2)
      done
      # A cold pull means a blob the origin does not have, not a process that has never pulled: one small
      # pull-through first, as docker-registry (compiled ahead of time) needs none.
      curl -sf -o /dev/null "http://127.0.0.1:$port/v2/bench/warmup/blobs/$WARMUP_DIGEST"
      return 0
    fi
    kill -KILL "$pid" 2>/dev/null || true
    grep -qi 'address already in use' "$dir/origin.log" || break
  done
  tail -15 "$dir/origin.log" >&2; log "the origin did not start"; exit 1
}

# start_edge: an edge in mirror mode with an empty cache, docker.io aliased to the remote. Its origin is never asked.
start_edge() {
  local dir="$WORK/edge" port pid
  rm -rf "$dir"; mkdir -p "$dir/cache"
  for _ in 1 2 3; do
    port=$(free_port)
    cat >"$dir/config.yml" <<YAML
listen: 127.0.0.1:$port
origin:
  url: http://127.0.0.1:9
cache:
  directory: $dir/cache
  maxSize: 4GiB
upstream:
  allowed: [docker.io]
  insecure: [docker.io]
  aliases:
    docker.io: ${URL[remote]}
mirror:
  enabled: true
log:
  level: warning
YAML
    # shellcheck disable=SC2046 # one "-u NAME" per inherited EDGE_ variable
    (cd "$dir" && exec env $(env | awk -F= '/^EDGE_/ { print "-u " $1 }') -u ASPNETCORE_URLS -u DOTNET_URLS \
      dotnet "$EDGE_DLL" --config "$dir/config.yml" >"$dir/edge.log" 2>&1) &
    pid=$!
    if wait_http "http://127.0.0.1:$port/healthz" "$pid" 30 200; then
      PIDS+=("$pid"); PID[edge]=$pid; URL[edge]="http://127.0.0.1:$port"
      log "edge up at ${URL[edge]}"
      # A cold pull means a blob the edge does not have, not a process that has never pulled: one small
      # fill first, as docker-registry (compiled ahead of time) needs none.
      curl -sf -o /dev/null "http://127.0.0.1:$port/v2/library/warmup/blobs/$WARMUP_DIGEST?ns=docker.io"
      return 0
    fi
    kill -KILL "$pid" 2>/dev/null || true
    grep -qi 'address already in use' "$dir/edge.log" || break
  done
  tail -15 "$dir/edge.log" >&2; log "the edge did not start"; exit 1
}

# push_image <repository> <MiB>: a config and one random layer as <repository>:latest on the remote; sets DIGEST and SIZE.
push_image() {
  local repository=$1 base=${URL[remote]} blob="$WORK/blob-${1//\//-}" config="$WORK/config-${1//\//-}.json" location
  log "writing a $2 MiB random blob"
  head -c $(($2 * 1048576)) /dev/urandom >"$blob"
  DIGEST="sha256:$(sha256sum "$blob" | cut -d' ' -f1)"
  SIZE=$(stat -c %s "$blob")
  printf '{"architecture":"amd64","os":"linux","rootfs":{"type":"layers","diff_ids":["%s"]}}' "$DIGEST" >"$config"
  local config_digest="sha256:$(sha256sum "$config" | cut -d' ' -f1)" config_size
  config_size=$(stat -c %s "$config")
  for file in "$config" "$blob"; do
    local digest="sha256:$(sha256sum "$file" | cut -d' ' -f1)"
    location=$(curl -sf -X POST -D - -o /dev/null "$base/v2/$repository/blobs/uploads/" | awk 'tolower($1) == "location:" { print $2 }' | tr -d '\r')
    case "$location" in http*) ;; *) location="$base$location" ;; esac
    case "$location" in *\?*) location="$location&digest=$digest" ;; *) location="$location?digest=$digest" ;; esac
    curl -sf -X PUT -H 'Content-Type: application/octet-stream' --upload-file "$file" "$location" -o /dev/null
  done
  printf '{"schemaVersion":2,"mediaType":"application/vnd.oci.image.manifest.v1+json","config":{"mediaType":"application/vnd.oci.image.config.v1+json","digest":"%s","size":%s},"layers":[{"mediaType":"application/vnd.oci.image.layer.v1.tar+gzip","digest":"%s","size":%s}]}' \
    "$config_digest" "$config_size" "$DIGEST" "$SIZE" >"$WORK/manifest.json"
  curl -sf -X PUT -H 'Content-Type: application/vnd.oci.image.manifest.v1+json' --data-binary @"$WORK/manifest.json" \
    "$base/v2/$repository/manifests/latest" -o /dev/null
  log "remote holds $repository:latest, layer $DIGEST ($SIZE bytes)"
}

# remote_bytes: blob bytes the remote has sent so far (its access log: GETs of the layer, any status).
remote_bytes() {
  awk -v digest="$DIGEST" '$0 ~ "\"GET /v2/library/big/blobs/" digest { for (i = 1; i <= NF; i++) if ($i ~ /^HTTP\//) { print $(i + 2); break } }' \
    "$WORK/remote/registry.log" | awk '{ s += ($1 ~ /^[0-9]+$/ ? $1 : 0) } END { printf "%d", s }'
}

# pull <url>: one GET of the layer; prints "seconds bytes status".
pull() { curl -s -o /dev/null -w '%{time_total} %{size_download} %{http_code}\n' "$1"; }

# check_pull <result> <what>: the pull must be a 200 with every byte.
check_pull() {
  local seconds bytes status
  read -r seconds bytes status <<<"$1"
  if [ "$status" != 200 ] || [ "$bytes" != "$SIZE" ]; then log "$2: answered $status with $bytes bytes"; exit 1; fi
  echo "$seconds"
}

mibs() { awk -v bytes="$SIZE" -v s="$1" 'BEGIN { printf "%.1f", bytes / 1048576 / s }'; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (b <= 0) print "n/a"; else printf "%.2f", a / b }'; }
fetches() { awk -v a="$1" -v b="$2" -v size="$SIZE" 'BEGIN { printf "%.2f", (b - a) / size }'; }

# measure <name> <blob url>: cold pull, warm pull, remote bytes of the cold pull.
measure() {
  local name=$1 url=$2 before after cold warm
  # The previous phase's writes (the pushed blob, another server's storage) are flushed first: both servers write the
  # blob to disk, and neither should pay for the other's writeback.
  sync
  before=$(remote_bytes)
  cold=$(check_pull "$(pull "$url")" "$name cold pull")
  sleep 1 # the remote writes its access log line when the response ends
  after=$(remote_bytes)
  COLD_FETCHES[$name]=$(fetches "$before" "$after")
  warm=$(check_pull "$(pull "$url")" "$name warm pull")
  # A mirror that finishes storing in the background may still be fetching: wait for the remote to be quiet.
  sleep 2
  COLD[$name]=$(mibs "$cold"); WARM[$name]=$(mibs "$warm")
  got=$(curl -s "$url" | sha256sum | cut -d' ' -f1)
  [ "sha256:$got" = "$DIGEST" ] || { log "$name served bytes with digest sha256:$got"; exit 1; }
  log "$name: cold ${COLD[$name]} MiB/s, warm ${WARM[$name]} MiB/s, remote sent ${COLD_FETCHES[$name]} x the blob"
}

# measure_concurrent <name> <blob url>: $CONCURRENCY cold pulls at once; wall time and remote bytes.
measure_concurrent() {
  local name=$1 url=$2 before after start end i failed=0
  sync
  before=$(remote_bytes)
  start=$(date +%s.%N)
  for i in $(seq 1 "$CONCURRENCY"); do pull "$url" >"$WORK/concurrent-$name-$i" & done
  wait_children
  end=$(date +%s.%N)
  sleep 2
  after=$(remote_bytes)
  for i in $(seq 1 "$CONCURRENCY"); do
    read -r _ bytes status <"$WORK/concurrent-$name-$i"
    { [ "$status" = 200 ] && [ "$bytes" = "$SIZE" ]; } || failed=$((failed + 1))
  done
  CONC_SECONDS[$name]=$(awk -v a="$start" -v b="$end" 'BEGIN { printf "%.2f", b - a }')
  CONC_FETCHES[$name]=$(fetches "$before" "$after")
  CONC_FAILED[$name]=$failed
  log "$name: $CONCURRENCY concurrent cold pulls in ${CONC_SECONDS[$name]} s, remote sent ${CONC_FETCHES[$name]} x the blob, $failed failed"
}

# warm_proxy: the proxy's first pull-through, of the small blob, as ours.
warm_proxy() { curl -sf -o /dev/null "${URL[proxy]}/v2/library/warmup/blobs/$WARMUP_DIGEST"; }

# wait_children: waits for the background pulls (not the servers).
wait_children() {
  local pid
  for pid in $(jobs -p); do
    case " ${PIDS[*]} " in *" $pid "*) ;; *) wait "$pid" || true ;; esac
  done
}

declare -A COLD=() WARM=() COLD_FETCHES=() CONC_SECONDS=() CONC_FETCHES=() CONC_FAILED=()

if [ "$MODE" = origin ]; then
  TARGET=origin PROJECT=Origin TITLE="Origin pull-through" COLUMN="origin" REPORT=pullthrough.md
  target_url() { echo "${URL[origin]}/v2/bench/big/blobs/$DIGEST"; }
else
  TARGET=edge PROJECT=Edge TITLE="Edge mirror mode" COLUMN="edge mirror" REPORT=mirror.md
  target_url() { echo "${URL[edge]}/v2/library/big/blobs/$DIGEST?ns=docker.io"; }
fi
start_target() { if [ "$MODE" = origin ]; then start_origin; else start_edge; fi; }

log "building the $TARGET (Release)"
dotnet build "$ROOT/src/$PROJECT/$PROJECT.csproj" -c Release -nologo -v q -nodeReuse:false >"$WORK/build.log" 2>&1 || { tail -20 "$WORK/build.log" >&2; exit 1; }
LOAD_BEFORE=$(cut -d' ' -f1-3 /proc/loadavg)

start_registry remote ""
push_image library/warmup 1
WARMUP_DIGEST=$DIGEST
push_image library/big "$BLOB_MIB"
PROXY_YAML="proxy:
  remoteurl: ${URL[remote]}"

DIRECT=$(mibs "$(check_pull "$(pull "${URL[remote]}/v2/library/big/blobs/$DIGEST")" "direct pull from the remote")")
log "direct pull from the remote: $DIRECT MiB/s"
start_target
measure "$TARGET" "$(target_url)"
start_registry proxy "$PROXY_YAML"
warm_proxy
measure proxy "${URL[proxy]}/v2/library/big/blobs/$DIGEST"

# Fresh, empty servers for the concurrent cold pulls.
stop "$TARGET"; start_target
measure_concurrent "$TARGET" "$(target_url)"
stop proxy; start_registry proxy "$PROXY_YAML"; warm_proxy
measure_concurrent proxy "${URL[proxy]}/v2/library/big/blobs/$DIGEST"
LOAD_AFTER=$(cut -d' ' -f1-3 /proc/loadavg)

mkdir -p "$OUT"
{
  echo "$TITLE vs docker-registry $(docker-registry --version 2>/dev/null | awk '{ print $NF }') proxy mode, one remote docker-registry; blob $BLOB_MIB MiB; $(nproc) cores; load before $LOAD_BEFORE, after $LOAD_AFTER; $(date -u +%Y-%m-%dT%H:%MZ); commit $(git -C "$ROOT" rev-parse --short HEAD)"
  echo
  echo "| measure | $COLUMN | docker-registry proxy | $TARGET / proxy |"
  echo "|---|---|---|---|"
  echo "| cold pull, MiB/s (the remote itself: $DIRECT) | ${COLD[$TARGET]} | ${COLD[proxy]} | $(ratio "${COLD[$TARGET]}" "${COLD[proxy]}") |"
  echo "| warm pull, MiB/s | ${WARM[$TARGET]} | ${WARM[proxy]} | $(ratio "${WARM[$TARGET]}" "${WARM[proxy]}") |"
  echo "| remote bytes / blob size, one cold pull | ${COLD_FETCHES[$TARGET]} | ${COLD_FETCHES[proxy]} | |"
  echo "| $CONCURRENCY concurrent cold pulls, wall seconds | ${CONC_SECONDS[$TARGET]} | ${CONC_SECONDS[proxy]} | $(ratio "${CONC_SECONDS[proxy]}" "${CONC_SECONDS[$TARGET]}") (proxy / $TARGET) |"
  echo "| $CONCURRENCY concurrent cold pulls, remote bytes / blob size (goal 1.0) | ${CONC_FETCHES[$TARGET]} | ${CONC_FETCHES[proxy]} | |"
  echo "| $CONCURRENCY concurrent cold pulls, failed | ${CONC_FAILED[$TARGET]} | ${CONC_FAILED[proxy]} | |"
} | tee "$OUT/$REPORT"
