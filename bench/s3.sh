#!/usr/bin/env bash
# Benchmarks the origin on S3 storage (issue 6) against Debian's docker-registry on its s3 driver, both on the
# same s3rver on this machine; and manifest GET (and blob HEAD) with the blob-descriptor cache in process and
# in Redis. Not part of the test command. See bench/README.md ("S3 storage and Redis").
#
#   bench/s3.sh                                      1 GiB blobs, pulls median of 3, wrk 10 s at 64 connections
#   BENCH_BLOB_MIB=64 BENCH_WRK_SECONDS=3 bench/s3.sh   a quick run
#
# It sources run.sh for the temp dir, the cleanup, the free ports, the upload helpers and wrk/ab, and starts:
# s3rver (the tests' tests/Origin.Tests/Storage/S3/s3rver-atomic.js, loaded by bench/s3rver-uploads.js, which adds
# the multipart listings docker-registry needs) with one bucket, redis-server,
# the origin (Release build) and docker-registry, each on a free 127.0.0.1 port. Origin and docker-registry keep
# their objects in the same bucket under different root directories.
set -euo pipefail

# shellcheck source=bench/run.sh
source "$(dirname "${BASH_SOURCE[0]}")/run.sh"

PULL_RUNS="${BENCH_PULL_RUNS:-3}"
WARMUP_SECONDS="${BENCH_WARMUP_SECONDS:-2}"
S3_CHUNK_BYTES=$((16 * 1048576))
S3_BUCKET=bench
S3_KEY=S3RVER # s3rver's default account: access key and secret key
SHIM="$ROOT/tests/Origin.Tests/Storage/S3/s3rver-atomic.js"
S3RVER_VERSION=3.7.1
S3_URL=""
REDIS_ADDR=""
declare -A ROOTDIR=([origin]=/origin [registry]=/registry)
declare -A REDIS_DB=([origin]=0 [registry]=1)
LOAD=()   # "<phase>: <load averages>"

note_load() { LOAD+=("$1: $(cut -d' ' -f1-3 /proc/loadavg)"); }

s3_require_tools() {
  need_tools "apt-get install -y curl wrk apache2-utils docker-registry nodejs npm redis-server (and dotnet)" \
    curl wrk ab docker-registry node redis-server sha256sum awk split dotnet
}

# s3rver_package: the s3rver package directory, as S3rverServer finds it: where the s3rver command on PATH
# links to (scripts/test.sh installs it with npm install -g), else the tests' npm cache.
s3rver_package() {
  local command cached="$HOME/.cache/edgeregistry/npm/s3rver-$S3RVER_VERSION/node_modules/s3rver"
  if command=$(command -v s3rver); then
    dirname "$(dirname "$(readlink -f "$command")")"
  elif [ -d "$cached" ]; then
    echo "$cached"
  else
    echo "bench: s3rver is not installed (npm install -g s3rver@$S3RVER_VERSION)" >&2
    return 1
  fi
}

start_s3rver() {
  local package dir="$WORK/s3rver" port pid
  package=$(s3rver_package) || exit 1
  mkdir -p "$dir/data"
  for attempt in 1 2 3; do
    port=$(free_port)
    # s3rver 3.7 encrypts list continuation tokens with a cipher Node 17+ hides behind this flag.
    NODE_OPTIONS=--openssl-legacy-provider node "$ROOT/bench/s3rver-uploads.js" "$package" "$dir/data" "$port" "$S3_BUCKET" "$SHIM" \
      >"$dir/s3rver.log" 2>&1 &
    pid=$!
    for _ in $(seq 1 150); do
      grep -q 'listening' "$dir/s3rver.log" 2>/dev/null && break
      kill -0 "$pid" 2>/dev/null || break
      sleep 0.2
    done
    if grep -q 'listening' "$dir/s3rver.log"; then
      PIDS+=("$pid")
      SERVER_PID[s3rver]=$pid
      S3_URL="http://127.0.0.1:$port"
      log "s3rver up at $S3_URL (pid $pid, bucket $S3_BUCKET)"
      return 0
    fi
    stop "$pid"
    grep -q EADDRINUSE "$dir/s3rver.log" && [ "$attempt" -lt 3 ] && continue
    break
  done
  echo "bench: s3rver did not start:" >&2
  tail -15 "$dir/s3rver.log" >&2
  exit 1
}

start_redis() {
  local dir="$WORK/redis" port pid
  mkdir -p "$dir"
  for attempt in 1 2 3; do
    port=$(free_port)
    redis-server --bind 127.0.0.1 --port "$port" --dir "$dir" --save '' --appendonly no --logfile "$dir/redis.log" &
    pid=$!
    for _ in $(seq 1 50); do
      (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null && break
      kill -0 "$pid" 2>/dev/null || break
      sleep 0.1
    done
    if kill -0 "$pid" 2>/dev/null && (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then
      PIDS+=("$pid")
      SERVER_PID[redis]=$pid
      REDIS_ADDR="127.0.0.1:$port"
      log "redis-server up at $REDIS_ADDR (pid $pid)"
      return 0
    fi
    stop "$pid"
    address_taken "$dir/redis.log" && [ "$attempt" -lt 3 ] && continue
    break
  done
  echo "bench: redis-server did not start:" >&2
  tail -15 "$dir/redis.log" >&2
  exit 1
}

# cache_yaml <target> <inmemory|redis>: storage.cache; redis_yaml <target> <inmemory|redis>: the redis section.
cache_yaml() {
  printf '  cache:\n    blobdescriptor: %s\n' "$2"
}
redis_yaml() {
  [ "$2" = redis ] || return 0
  printf 'redis:\n  addr: %s\n  db: %s\n' "$REDIS_ADDR" "${REDIS_DB[$1]}"
}

# start_origin_s3 <inmemory|redis>: the origin on s3rver (blobs under /origin in the bucket, served through the
# origin: redirect disabled), metadata in a SQLite file that survives a restart with the other cache.
start_origin_s3() {
  start_origin "storage:
  s3:
    accesskey: $S3_KEY
    secretkey: $S3_KEY
    region: us-east-1
    regionendpoint: $S3_URL
    forcepathstyle: true
    secure: false
    bucket: $S3_BUCKET
    chunksize: $S3_CHUNK_BYTES
    rootdirectory: ${ROOTDIR[origin]}
  delete:
    enabled: true
  redirect:
    disable: true
$(cache_yaml origin "$1")
  maintenance:
    uploadpurging:
      enabled: false
metadata:
  sqlite:
    path: $WORK/origin/metadata.db
$(redis_yaml origin "$1")"
  up origin || DOWN[origin]="$1 cache: ${DOWN[origin]}"
}

# start_registry_s3 <inmemory|redis>: docker-registry 2.8 on its s3 driver (s3-aws: regionendpoint implies
# path-style addressing; it has no forcepathstyle key), blobs under /registry in the same bucket, redirect disabled.
# multipartcopythresholdsize at its maximum (5 GiB): the move of a finished upload into place is one CopyObject, as
# the origin's, instead of UploadPartCopy calls, which s3rver does not implement.
start_registry_s3() {
  start_registry registry true "$(redis_yaml registry "$1")" "  s3:
    accesskey: $S3_KEY
    secretkey: $S3_KEY
    region: us-east-1
    regionendpoint: $S3_URL
    bucket: $S3_BUCKET
    secure: false
    v4auth: true
    chunksize: $S3_CHUNK_BYTES
    multipartcopythresholdsize: 5368709120
    rootdirectory: ${ROOTDIR[registry]}
  delete:
    enabled: true
  redirect:
    disable: true
$(cache_yaml registry "$1")"
  up registry || DOWN[registry]="$1 cache: ${DOWN[registry]}"
}

# cpu_seconds <pid>: user + system CPU time the process has used, in seconds.
cpu_seconds() {
  local ticks
  ticks=$(sed 's/^.*) //' "/proc/$1/stat" 2>/dev/null | awk '{ print $12 + $13 }') || ticks=0
  awk -v t="${ticks:-0}" -v hz="$(getconf CLK_TCK)" 'BEGIN { printf "%.3f", t / hz }'
}

# add <a> <b>: a + b, to 3 decimals.
add() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.3f", a + b }'; }

# mib_of <pid> <field>: a VmHWM / VmRSS line of /proc/<pid>/status, in MiB.
mib_of() { awk -v f="$2:" '$1 == f { printf "%.0f", $2 / 1024 }' "/proc/$1/status" 2>/dev/null || echo n/a; }

# ---------------------------------------------------------------------------------------------
# Data: two random blobs, so the chunked push writes a blob the server does not have yet (both servers skip
# the move into place of a blob that already exists, which on S3 is a server-side copy of the whole object).
# ---------------------------------------------------------------------------------------------

make_s3_data() {
  make_data # BLOB (monolithic push, pulls), its chunks, the tiny image
  rm -rf "$WORK/chunks"
  mkdir -p "$WORK/chunks2"
  log "writing a second ${BLOB_MIB} MiB random blob for the chunked push"
  head -c "$((BLOB_MIB * 1048576))" /dev/urandom >"$WORK/blob2.bin"
  CHUNKED_DIGEST="sha256:$(sha256sum "$WORK/blob2.bin" | awk '{ print $1 }')"
  split -b "${CHUNK_MIB}M" -a 4 -d "$WORK/blob2.bin" "$WORK/chunks2/chunk."
  rm -f "$WORK/blob2.bin"
  CHUNKS="$WORK/chunks2"
}

# ---------------------------------------------------------------------------------------------
# Measurements
# ---------------------------------------------------------------------------------------------

s3_object_url() { echo "$S3_URL/$S3_BUCKET/$1"; }

# s3_curl <args...>: curl signing for s3rver (SigV4, unsigned payload, as large uploads to S3 are signed).
s3_curl() {
  curl -s --aws-sigv4 "aws:amz:us-east-1:s3" --user "$S3_KEY:$S3_KEY" -H 'x-amz-content-sha256: UNSIGNED-PAYLOAD' "$@"
}

# measure_s3rver_direct: one PUT of the blob straight to s3rver and the GET of it (median of PULL_RUNS); the
# ceiling both registries work under. Prints "<put MiB/s> <get MiB/s>".
measure_s3rver_direct() {
  local url put code size speed speeds=()
  url=$(s3_object_url direct/blob)
  read -r code speed < <(s3_curl -o /dev/null -w '%{http_code} %{speed_upload}\n' -T "$BLOB" "$url")
  if [ "$code" = 200 ]; then put=$(awk -v s="$speed" 'BEGIN { printf "%.1f", s / 1048576 }'); else log "s3rver PUT answered $code"; put=n/a; fi
  for _ in $(seq "$PULL_RUNS"); do
    read -r code size speed < <(s3_curl -o /dev/null -w '%{http_code} %{size_download} %{speed_download}\n' "$url")
    if [ "$code" = 200 ] && [ "$size" = "$BLOB_BYTES" ]; then speeds+=("$(awk -v s="$speed" 'BEGIN { printf "%.1f", s / 1048576 }')"); else speeds+=(n/a); fi
  done
  log "s3rver direct: PUT $put MiB/s, GET runs (MiB/s): ${speeds[*]}"
  s3_curl -o /dev/null -X DELETE "$url" || true
  echo "$put $(printf '%s\n' "${speeds[@]}" | median)"
}

median() { grep -v '^$' | sort -g | awk '{ v[NR] = $1 } END { if (NR == 0 || v[1] == "n/a") print "n/a"; else print v[int((NR + 1) / 2)] }'; }

# pull_once <target>: one GET of the monolithic blob on a new connection; MiB/s, or n/a unless 200 with every byte.
pull_once() {
  local url="${URL[$1]}/v2/bench/monolithic/blobs/$BLOB_DIGEST" code size speed
  read -r code size speed < <(curl -s -o /dev/null -w '%{http_code} %{size_download} %{speed_download}\n' "$url")
  if [ "$code" != 200 ] || [ "$size" != "$BLOB_BYTES" ]; then log "GET $url: $code, $size bytes"; echo n/a; return; fi
  awk -v s="$speed" 'BEGIN { printf "%.1f", s / 1048576 }'
}

# verify_pull <target>: the bytes a GET returns hash to the digest (not timed).
verify_pull() {
  local got
  got="sha256:$(curl -s "${URL[$1]}/v2/bench/monolithic/blobs/$BLOB_DIGEST" | sha256sum | awk '{ print $1 }')"
  [ "$got" = "$BLOB_DIGEST" ] || { log "$1: the pulled bytes hash to $got, not $BLOB_DIGEST"; return 1; }
}

# measure_rates <cache>: manifest GET by tag (wrk) and blob HEAD (ab) on every server that is up, each after a
# short warm-up run (a restarted server has cold caches and, for .NET, code not yet tiered up).
measure_rates() {
  local cache=$1 target rps p99
  for target in origin registry; do
    up "$target" || continue
    note_load "$target, $cache cache: manifest GET and blob HEAD"
    if [ "$WARMUP_SECONDS" -gt 0 ]; then
      WRK_SECONDS=$WARMUP_SECONDS measure_manifest_get "$target" >/dev/null
      WRK_SECONDS=$WARMUP_SECONDS measure_blob_head "$target" >/dev/null
    fi
    log "$target ($cache cache): manifest GET (wrk)"
    read -r rps p99 < <(measure_manifest_get "$target")
    RESULT["manifest GET by tag, $cache cache (req/s)|$target"]=$rps
    RESULT["manifest GET by tag, $cache cache, p99 (ms)|$target"]=$p99
    log "$target ($cache cache): blob HEAD (ab)"
    read -r rps p99 < <(measure_blob_head "$target")
    RESULT["blob HEAD, $cache cache (req/s)|$target"]=$rps
    RESULT["blob HEAD, $cache cache, p99 (ms, whole ms)|$target"]=$p99
  done
}

measure_transfers() {
  local target run
  for target in origin registry; do
    up "$target" || continue
    note_load "$target: push monolithic"
    log "$target: push monolithic"
    RESULT["push monolithic ${BLOB_MIB} MiB (MiB/s)|$target"]=$(measure_push_monolithic "$target")
  done
  for target in origin registry; do
    up "$target" || continue
    note_load "$target: push chunked"
    log "$target: push chunked"
    RESULT["push chunked ${CHUNK_MIB} MiB PATCHes (MiB/s)|$target"]=$(BLOB_DIGEST=$CHUNKED_DIGEST measure_push_chunked "$target")
  done
  # Pulls alternate between the servers, so a burst of other load on the machine hits both. The CPU time the
  # server and s3rver spend on them is summed too: it changes little with the machine's other load.
  declare -A speeds=() cpu=() s3cpu=()
  local server_before s3_before
  note_load "pulls"
  for run in $(seq "$PULL_RUNS"); do
    for target in origin registry; do
      up "$target" || continue
      [ "${RESULT["push monolithic ${BLOB_MIB} MiB (MiB/s)|$target"]:-n/a}" != n/a ] || continue
      server_before=$(cpu_seconds "${SERVER_PID[$target]}")
      s3_before=$(cpu_seconds "${SERVER_PID[s3rver]}")
      speeds[$target]+="$(pull_once "$target")"$'\n'
      cpu[$target]=$(add "${cpu[$target]:-0}" "$(add "$(cpu_seconds "${SERVER_PID[$target]}")" "-$server_before")")
      s3cpu[$target]=$(add "${s3cpu[$target]:-0}" "$(add "$(cpu_seconds "${SERVER_PID[s3rver]}")" "-$s3_before")")
    done
    log "pull run $run (MiB/s): origin $(echo "${speeds[origin]:-}" | tail -n 2 | head -n 1) | docker-registry $(echo "${speeds[registry]:-}" | tail -n 2 | head -n 1)"
  done
  for target in origin registry; do
    [ -n "${speeds[$target]:-}" ] || continue
    RESULT["pull blob, median of $PULL_RUNS (MiB/s)|$target"]=$(echo "${speeds[$target]}" | median)
    RESULT["pull runs (MiB/s)|$target"]=$(echo "${speeds[$target]}" | grep -v '^$' | paste -sd ' ')
    RESULT["pull: server CPU seconds per GiB|$target"]=$(awk -v c="${cpu[$target]}" -v n="$PULL_RUNS" -v b="$BLOB_BYTES" 'BEGIN { printf "%.2f", c / (n * b / 1073741824) }')
    RESULT["pull: s3rver CPU seconds per GiB|$target"]=$(awk -v c="${s3cpu[$target]}" -v n="$PULL_RUNS" -v b="$BLOB_BYTES" 'BEGIN { printf "%.2f", c / (n * b / 1073741824) }')
    if ! verify_pull "$target"; then RESULT["pull blob, median of $PULL_RUNS (MiB/s)|$target"]="n/a (wrong bytes)"; fi
    RESULT["peak RSS after pushes and pulls (MiB)|$target"]=$(mib_of "${SERVER_PID[$target]}" VmHWM)
  done
  RESULT["peak RSS after pushes and pulls (MiB)|s3rver"]=$(mib_of "${SERVER_PID[s3rver]}" VmHWM)
}

# ---------------------------------------------------------------------------------------------
# Report
# ---------------------------------------------------------------------------------------------

s3_report() {
  local rows=(
    "push monolithic ${BLOB_MIB} MiB (MiB/s)"
    "push chunked ${CHUNK_MIB} MiB PATCHes (MiB/s)"
    "pull blob, median of $PULL_RUNS (MiB/s)"
    "pull runs (MiB/s)"
    "pull: server CPU seconds per GiB"
    "pull: s3rver CPU seconds per GiB"
    "manifest GET by tag, inmemory cache (req/s)"
    "manifest GET by tag, inmemory cache, p99 (ms)"
    "manifest GET by tag, redis cache (req/s)"
    "manifest GET by tag, redis cache, p99 (ms)"
    "blob HEAD, inmemory cache (req/s)"
    "blob HEAD, inmemory cache, p99 (ms, whole ms)"
    "blob HEAD, redis cache (req/s)"
    "blob HEAD, redis cache, p99 (ms, whole ms)"
    "peak RSS after pushes and pulls (MiB)"
  )
  local row o r
  {
    echo "# S3 bench run $(date -u +%Y-%m-%dT%H:%M:%SZ)"
    echo
    echo "Machine: $(nproc) cores, $(awk '/MemTotal/ { printf "%.0f GiB", $2 / 1048576 }' /proc/meminfo), $(uname -r); commit $(git -C "$ROOT" rev-parse --short HEAD)$(git -C "$ROOT" diff --quiet -- src || echo '+changes'); s3rver $S3RVER_VERSION (atomic shim), $(docker-registry --version 2>/dev/null | awk '{ print $1, $3 }'), $(redis-server --version | awk '{ print $1, $3 }'); blob ${BLOB_MIB} MiB, S3 chunksize 16 MiB on both; manifest GET: wrk -c$WRK_CONNECTIONS -t2 -d${WRK_SECONDS}s; blob HEAD: ab -i -k -c$WRK_CONNECTIONS -t$WRK_SECONDS; command: \`BENCH_BLOB_MIB=$BLOB_MIB BENCH_PULL_RUNS=$PULL_RUNS BENCH_WRK_SECONDS=$WRK_SECONDS bench/s3.sh\`."
    echo
    echo "Load average (1, 5, 15 min) at the start of each phase:"
    echo
    for line in "${LOAD[@]}"; do echo "- $line"; done
    for target in origin registry; do
      [ -n "${DOWN[$target]:-}" ] && echo && echo "Not measured: $target: ${DOWN[$target]}."
    done
    echo
    echo "s3rver directly (curl, SigV4, one PUT of the blob, then GETs; the ceiling of both registries): PUT $(value "s3rver PUT (MiB/s)" local) MiB/s, GET $(value "s3rver GET (MiB/s)" local) MiB/s (median of $PULL_RUNS); s3rver peak RSS $(value "peak RSS after pushes and pulls (MiB)" s3rver) MiB."
    echo
    echo "Ratios are origin / docker-registry: above 1 is better for MiB/s and req/s, below 1 is better for ms and MiB."
    echo
    echo "| metric | origin | docker-registry | origin / docker-registry |"
    echo "|---|---:|---:|---:|"
    for row in "${rows[@]}"; do
      o=$(value "$row" origin); r=$(value "$row" registry)
      if [ "$row" = "pull runs (MiB/s)" ]; then
        printf '| %s | %s | %s | |\n' "$row" "$o" "$r"
      else
        printf '| %s | %s | %s | %s |\n' "$row" "$o" "$r" "$(ratio "$o" "$r")"
      fi
    done
    echo
    echo "Redis / in-memory cache, requests/s: origin manifest GET $(ratio "$(value "manifest GET by tag, redis cache (req/s)" origin)" "$(value "manifest GET by tag, inmemory cache (req/s)" origin)"), blob HEAD $(ratio "$(value "blob HEAD, redis cache (req/s)" origin)" "$(value "blob HEAD, inmemory cache (req/s)" origin)"); docker-registry manifest GET $(ratio "$(value "manifest GET by tag, redis cache (req/s)" registry)" "$(value "manifest GET by tag, inmemory cache (req/s)" registry)"), blob HEAD $(ratio "$(value "blob HEAD, redis cache (req/s)" registry)" "$(value "blob HEAD, inmemory cache (req/s)" registry)")."
  } | tee "$OUT/s3-results.md"
  log "results written to $OUT/s3-results.md"
}

# ---------------------------------------------------------------------------------------------

s3_main() {
  s3_require_tools
  mkdir -p "$OUT"
  note_load "start"
  make_s3_data
  build_origin
  start_s3rver
  start_redis

  note_load "s3rver directly"
  local put get
  read -r put get < <(measure_s3rver_direct)
  RESULT["s3rver PUT (MiB/s)|local"]=$put
  RESULT["s3rver GET (MiB/s)|local"]=$get

  start_origin_s3 inmemory
  start_registry_s3 inmemory
  measure_transfers
  for target in origin registry; do
    up "$target" || continue
    push_tiny "$target" || { DOWN[$target]="could not push the tiny image for manifest GET and blob HEAD"; log "$target: ${DOWN[$target]}"; stop_target "$target"; }
  done
  measure_rates inmemory

  # The same storage and metadata, the blob-descriptor cache in Redis.
  stop_target origin
  stop_target registry
  [ -n "${DOWN[origin]:-}" ] || start_origin_s3 redis
  [ -n "${DOWN[registry]:-}" ] || start_registry_s3 redis
  measure_rates redis
  note_load "end"
  s3_report
}

# Sourced (for a one-off measurement), it only defines the functions.
if [ "${BASH_SOURCE[0]}" = "$0" ]; then
  s3_main "$@"
fi
