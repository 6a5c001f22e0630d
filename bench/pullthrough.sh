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

# It sources run.sh for the temp dir, the cleanup, the free ports, launching and stopping servers (docker-registry,
# the origin) and the timing helpers.
# shellcheck source=bench/run.sh
source "$(dirname "${BASH_SOURCE[0]}")/run.sh"

BLOB_MIB="${BENCH_BLOB_MIB:-256}"
CONCURRENCY="${BENCH_CONCURRENCY:-16}"
MODE="${1:-origin}"
case "$MODE" in origin | mirror) ;; *) echo "usage: bench/pullthrough.sh [origin|mirror]" >&2; exit 2 ;; esac
EDGE_DLL="$ROOT/src/Edge/bin/Release/net10.0/EdgeRegistry.Edge.dll"

need_tools "apt-get install -y curl docker-registry" curl docker-registry sha256sum awk dotnet

# start_fresh_registry <name> <extra yaml>: docker-registry with empty storage in $WORK/<name> (delete not enabled),
# its access log on stdout. The bench cannot go on without it.
start_fresh_registry() {
  rm -rf "${WORK:?}/$1"; mkdir -p "$WORK/$1/storage"
  start_registry "$1" false "$2" "  filesystem:
    rootdirectory: $WORK/$1/storage"
  up "$1" || { log "$1 did not start"; exit 1; }
}

# start_pullthrough_origin: the origin with fresh storage and metadata, docker.io aliased to the remote.
start_pullthrough_origin() {
  local dir="$WORK/origin"
  rm -rf "$dir"; mkdir -p "$dir/storage"
  start_origin "storage:
  filesystem:
    rootdirectory: $dir/storage
upstream:
  allowed: [docker.io]
  insecure: [docker.io]
  aliases:
    docker.io: ${URL[remote]}"
  up origin || exit 1
  for image in big warmup; do
    (cd "$dir" && dotnet "$ORIGIN_DLL" admin import-image "bench/$image" --from "docker.io/library/$image:latest" --config "$dir/config.yml" >&2)
  done
  # A cold pull means a blob the origin does not have, not a process that has never pulled: one small
  # pull-through first, as docker-registry (compiled ahead of time) needs none.
  curl -sf -o /dev/null "${URL[origin]}/v2/bench/warmup/blobs/$WARMUP_DIGEST"
}

# start_mirror_edge: an edge in mirror mode with an empty cache, docker.io aliased to the remote. Its origin is never asked.
start_mirror_edge() {
  local dir="$WORK/edge"
  rm -rf "$dir"; mkdir -p "$dir/cache"
  # shellcheck disable=SC2046 # one "-u NAME" per inherited EDGE_ variable
  launch edge "$dir" "$dir/edge.log" /healthz "$dir/config.yml" "listen: 127.0.0.1:@PORT@
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
  level: warning" env $(env | awk -F= '/^EDGE_/ { print "-u " $1 }') -u ASPNETCORE_URLS -u DOTNET_URLS \
    dotnet "$EDGE_DLL" --config "$dir/config.yml" \
    || { tail -15 "$dir/edge.log" >&2; log "the edge did not start"; exit 1; }
  log "edge up at ${URL[edge]}"
  # A cold pull means a blob the edge does not have, not a process that has never pulled: one small
  # fill first, as docker-registry (compiled ahead of time) needs none.
  curl -sf -o /dev/null "${URL[edge]}/v2/library/warmup/blobs/$WARMUP_DIGEST?ns=docker.io"
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

mibs() { mib_per_s "$SIZE" "$1"; }
# Unlike run.sh's ratio (which this replaces), a plain number: the report's column says what it is a ratio of.
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
  start=$(now)
  for i in $(seq 1 "$CONCURRENCY"); do pull "$url" >"$WORK/concurrent-$name-$i" & done
  wait_children
  end=$(now)
  sleep 2
  after=$(remote_bytes)
  for i in $(seq 1 "$CONCURRENCY"); do
    read -r _ bytes status <"$WORK/concurrent-$name-$i"
    { [ "$status" = 200 ] && [ "$bytes" = "$SIZE" ]; } || failed=$((failed + 1))
  done
  CONC_SECONDS[$name]=$(printf '%.2f' "$(elapsed "$start" "$end")")
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
start_target() { if [ "$MODE" = origin ]; then start_pullthrough_origin; else start_mirror_edge; fi; }

build_project "$PROJECT" || exit 1
LOAD_BEFORE=$(cut -d' ' -f1-3 /proc/loadavg)

start_fresh_registry remote ""
push_image library/warmup 1
WARMUP_DIGEST=$DIGEST
push_image library/big "$BLOB_MIB"
PROXY_YAML="proxy:
  remoteurl: ${URL[remote]}"

DIRECT=$(mibs "$(check_pull "$(pull "${URL[remote]}/v2/library/big/blobs/$DIGEST")" "direct pull from the remote")")
log "direct pull from the remote: $DIRECT MiB/s"
start_target
measure "$TARGET" "$(target_url)"
start_fresh_registry proxy "$PROXY_YAML"
warm_proxy
measure proxy "${URL[proxy]}/v2/library/big/blobs/$DIGEST"

# Fresh, empty servers for the concurrent cold pulls.
stop_target "$TARGET"; start_target
measure_concurrent "$TARGET" "$(target_url)"
stop_target proxy; start_fresh_registry proxy "$PROXY_YAML"; warm_proxy
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
