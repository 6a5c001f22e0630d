#!/usr/bin/env bash
# Benchmarks the origin against Debian's docker-registry (and, for static bytes, nginx) on this machine.
# Not part of the test command. See bench/README.md for what is measured and the goals.
#
#   bench/run.sh                         everything (1 GiB blob, 1,000 and 10,000 repositories/tags)
#   BENCH_BLOB_MIB=64 BENCH_SIZES="100 1000" BENCH_WRK_SECONDS=3 bench/run.sh   a quick run
#   BENCH_TARGETS="registry nginx" bench/run.sh                                   skip the origin
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."
ROOT=$(pwd)

BLOB_MIB="${BENCH_BLOB_MIB:-1024}"
CHUNK_MIB="${BENCH_CHUNK_MIB:-16}"
SIZES="${BENCH_SIZES:-1000 10000}"
WRK_SECONDS="${BENCH_WRK_SECONDS:-10}"
WRK_CONNECTIONS="${BENCH_WRK_CONNECTIONS:-64}"
PAGE_SECONDS="${BENCH_PAGE_SECONDS:-1}"
PAGE_RUNS="${BENCH_PAGE_RUNS:-3}"
PULL_RUNS="${BENCH_PULL_RUNS:-7}"
PUSH_RUNS="${BENCH_PUSH_RUNS:-5}"
TARGETS="${BENCH_TARGETS:-origin registry nginx}"
ORIGIN_DLL="$ROOT/src/Origin/bin/Release/net10.0/EdgeRegistry.Origin.dll"
OUT="$ROOT/bench/out/$(date -u +%Y%m%dT%H%M%SZ)"

OCI_MANIFEST=application/vnd.oci.image.manifest.v1+json
OCI_CONFIG=application/vnd.oci.image.config.v1+json
OCI_LAYER=application/vnd.oci.image.layer.v1.tar+gzip

WORK=$(mktemp -d "${TMPDIR:-/tmp}/edgeregistry-bench-XXXXXX")
chmod 755 "$WORK" # nginx workers run as nobody and must read the blob below it
PIDS=()
declare -A RESULT=()   # "<metric>|<target>" -> value
declare -A URL=()      # target -> base URL without trailing slash
declare -A DOWN=()     # target -> why it is not measured
declare -A SERVER_PID=()   # target -> pid of a server started by launch

cleanup() {
  # TERM first: an nginx master only takes its workers down when it is asked, not when it is killed.
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
has_target() { [[ " $TARGETS " == *" $1 "* ]]; }
up() { [ -n "${URL[$1]:-}" ]; }

# ---------------------------------------------------------------------------------------------
# Infrastructure
# ---------------------------------------------------------------------------------------------

# need_tools <install-hint> <tool>...: exits, naming <install-hint>, unless every tool is on PATH (or in /usr/sbin).
need_tools() {
  local hint=$1 missing=() tool
  shift
  for tool in "$@"; do
    command -v "$tool" >/dev/null 2>&1 || [ -x "/usr/sbin/$tool" ] || missing+=("$tool")
  done
  if [ "${#missing[@]}" -gt 0 ]; then
    echo "bench: missing ${missing[*]}; install them with: $hint" >&2
    exit 1
  fi
}

require_tools() {
  need_tools "apt-get install -y curl wrk apache2-utils openssl docker-registry nginx" \
    curl wrk ab openssl docker-registry nginx sha256sum awk split dd
}

# free_port: a port on 127.0.0.1 that nothing answers on.
free_port() {
  local port
  for _ in $(seq 1 200); do
    port=$((10000 + RANDOM % 20000)) # below Linux's ephemeral range (32768-60999)
    if ! (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then
      echo "$port"
      return
    fi
  done
  echo "bench: no free port found" >&2
  return 1
}

# wait_http <url> <pid> <timeout-seconds> <codes...>: waits until <url> answers one of <codes>.
wait_http() {
  local url=$1 pid=$2 timeout=$3 code
  shift 3
  local deadline=$((SECONDS + timeout))
  while [ "$SECONDS" -lt "$deadline" ]; do
    if ! kill -0 "$pid" 2>/dev/null; then return 1; fi
    code=$(curl -s -o /dev/null -m 2 -w '%{http_code}' "$url" || true)
    for want in "$@"; do [ "$code" = "$want" ] && return 0; done
    sleep 0.2
  done
  return 1
}

# stop <pid>: ends one server this script started and reaps it (no job-control notice).
stop() {
  kill -TERM "$1" 2>/dev/null || true
  for _ in $(seq 1 50); do kill -0 "$1" 2>/dev/null || break; sleep 0.1; done
  kill -KILL "$1" 2>/dev/null || true
  wait "$1" 2>/dev/null || true
}

# forget_pid <pid>: drops a server that was stopped from the cleanup list.
forget_pid() {
  local kept=() pid
  for pid in "${PIDS[@]}"; do [ "$pid" = "$1" ] || kept+=("$pid"); done
  PIDS=("${kept[@]}")
}

# stop_target <target>: stops one server started by launch and forgets its pid and URL.
stop_target() {
  [ -n "${SERVER_PID[$1]:-}" ] || return 0
  stop "${SERVER_PID[$1]}"
  forget_pid "${SERVER_PID[$1]}"
  unset "SERVER_PID[$1]"
  URL[$1]=""
}

# address_taken <log>: the server could not bind its port (another process took it since free_port).
address_taken() { grep -qi 'address already in use' "$1" 2>/dev/null; }

# launch <target> <dir> <log> <ready-path> <config-file> <config> <command...>: writes <config>, with @PORT@
# replaced by a free port, to <config-file>, then runs <command...> in <dir> (output appended to <log>) until
# GET http://127.0.0.1:<port><ready-path> answers 200, 30 s at most. Retries on another port, three tries in
# all, while <log> says the port was taken. Up: its pid is in PIDS and SERVER_PID[<target>], URL[<target>] is
# its base URL. Otherwise it logs why and returns 1.
launch() {
  local target=$1 dir=$2 logfile=$3 ready=$4 config=$5 template=$6 port pid attempt
  shift 6
  for attempt in 1 2 3; do
    port=$(free_port)
    printf '%s\n' "${template//@PORT@/$port}" >"$config"
    (cd "$dir" && exec "$@") >>"$logfile" 2>&1 &
    pid=$!
    if wait_http "http://127.0.0.1:$port$ready" "$pid" 30 200; then
      PIDS+=("$pid")
      SERVER_PID[$target]=$pid
      URL[$target]="http://127.0.0.1:$port"
      return 0
    fi
    if kill -0 "$pid" 2>/dev/null; then
      log "$target: no 200 from GET $ready on 127.0.0.1:$port within 30 s"
    else
      log "$target: exited before answering GET $ready on 127.0.0.1:$port"
    fi
    stop "$pid"
    address_taken "$logfile" && [ "$attempt" -lt 3 ] && { log "$target: port $port was taken, retrying"; continue; }
    break
  done
  return 1
}

# build_project <Project>: a Release build of src/<Project>; on failure shows the end of its log and returns 1.
build_project() {
  log "building the $1 (Release)"
  dotnet build "$ROOT/src/$1/$1.csproj" -c Release -nologo -v q -nodeReuse:false >"$WORK/build-$1.log" 2>&1 \
    || { tail -20 "$WORK/build-$1.log" >&2; return 1; }
}

build_origin() {
  build_project Origin || DOWN[origin]="build failed (see above)"
}

# start_origin [yaml]: the origin with <yaml> after its version, log and http sections (by default filesystem
# storage in $WORK/origin/storage, delete enabled), its output appended to $WORK/origin/origin.log. Up: URL[origin]
# and SERVER_PID[origin]; otherwise DOWN[origin] says why.
start_origin() {
  local dir="$WORK/origin" yaml=${1:-}
  URL[origin]=""
  if [ -n "${DOWN[origin]:-}" ]; then return 0; fi
  if [ ! -f "$ORIGIN_DLL" ]; then DOWN[origin]="$ORIGIN_DLL does not exist"; return 0; fi
  mkdir -p "$dir"
  if [ -z "$yaml" ]; then
    mkdir -p "$dir/storage"
    yaml="storage:
  filesystem:
    rootdirectory: $dir/storage
  delete:
    enabled: true"
  fi
  if launch origin "$dir" "$dir/origin.log" /healthz "$dir/config.yml" "version: 0.1
log:
  level: warn
http:
  addr: 127.0.0.1:@PORT@
$yaml" env -u ASPNETCORE_URLS -u DOTNET_URLS REGISTRY_CONFIGURATION_PATH="$dir/config.yml" dotnet "$ORIGIN_DLL"; then
    log "origin up at ${URL[origin]} (pid ${SERVER_PID[origin]})"
    return 0
  fi
  DOWN[origin]="it did not answer GET /healthz with 200 (see above)"
  echo "==================================================================" >&2
  echo "bench: THE ORIGIN IS NOT UP: ${DOWN[origin]}. Its log ends:" >&2
  tail -15 "$dir/origin.log" >&2 || true
  echo "bench: origin measurements are skipped (shown as n/a)" >&2
  echo "==================================================================" >&2
}

# start_registry [name] [access-log-disabled] [extra-yaml] [storage-yaml]: docker-registry in $WORK/<name> (default
# "registry"), its output appended to $WORK/<name>/registry.log; storage by default on the filesystem in
# $WORK/<name>/storage with delete enabled. bench/edge.sh and bench/pullthrough.sh start more than one (an upstream
# with its access log on, a pull-through cache with a "proxy:" section), bench/s3.sh one on its s3 driver.
# Up: URL[<name>] and SERVER_PID[<name>]; otherwise DOWN[<name>] says why.
start_registry() {
  local name=${1:-registry} accesslog_disabled=${2:-true} extra=${3:-} storage=${4:-}
  local dir="$WORK/$name"
  URL[$name]=""
  mkdir -p "$dir"
  if [ -z "$storage" ]; then
    mkdir -p "$dir/storage"
    storage="  filesystem:
    rootdirectory: $dir/storage
  delete:
    enabled: true"
  fi
  # AWS_CA_BUNDLE (set on some machines) makes the s3 driver's aws-sdk-go session load a CA bundle into the HTTP
  # client's transport, which fails with the driver's own transport ("LoadCustomCABundleError") and panics at start;
  # the bench's S3 is s3rver, plain HTTP on 127.0.0.1, so no CA applies.
  # shellcheck disable=SC2046 # one "-u NAME" per inherited REGISTRY_ variable
  if launch "$name" "$dir" "$dir/registry.log" /v2/ "$dir/config.yml" "version: 0.1
log:
  level: warn
  accesslog:
    disabled: $accesslog_disabled
storage:
$storage
  maintenance:
    uploadpurging:
      enabled: false
http:
  addr: 127.0.0.1:@PORT@
  secret: bench-$RANDOM$RANDOM
$extra" env -u AWS_CA_BUNDLE $(env | awk -F= '/^REGISTRY_/ { print "-u " $1 }') docker-registry serve "$dir/config.yml"; then
    log "docker-registry ($name) up at ${URL[$name]} (pid ${SERVER_PID[$name]})"
    return 0
  fi
  DOWN[$name]="docker-registry did not start"
  tail -15 "$dir/registry.log" >&2 || true
}

# start_nginx <directory>: nginx (sendfile on) serving <directory> read-only, in the foreground of a
# background job, with every path it writes inside the work dir. The edge's bench will sit beside it.
start_nginx() {
  local root=$1 dir="$WORK/nginx" port nginx pid
  nginx=$(command -v nginx || echo /usr/sbin/nginx)
  mkdir -p "$dir/logs" "$dir/tmp"
  for attempt in 1 2 3; do
    port=$(free_port)
    cat >"$dir/nginx.conf" <<CONF
worker_processes 1;
error_log $dir/logs/error.log warn;
pid $dir/nginx.pid;
events { worker_connections 1024; }
http {
  sendfile on;
  tcp_nopush on;
  access_log off;
  client_body_temp_path $dir/tmp/body;
  proxy_temp_path $dir/tmp/proxy;
  fastcgi_temp_path $dir/tmp/fastcgi;
  uwsgi_temp_path $dir/tmp/uwsgi;
  scgi_temp_path $dir/tmp/scgi;
  default_type application/octet-stream;
  server {
    listen 127.0.0.1:$port;
    root $root;
  }
}
CONF
    "$nginx" -c "$dir/nginx.conf" -p "$dir" -g 'daemon off;' >"$dir/logs/stdout.log" 2>&1 &
    pid=$!
    if wait_http "http://127.0.0.1:$port/" "$pid" 10 200 403 404; then
      PIDS+=("$pid")
      URL[nginx]="http://127.0.0.1:$port"
      log "nginx up at ${URL[nginx]}"
      return 0
    fi
    stop "$pid"
    cat "$dir/logs/stdout.log" "$dir/logs/error.log" 2>/dev/null | grep -qi 'address already in use' && [ "$attempt" -lt 3 ] && continue
    break
  done
  DOWN[nginx]="nginx did not start"
  cat "$dir/logs/stdout.log" "$dir/logs/error.log" >&2 || true
}

# ---------------------------------------------------------------------------------------------
# Registry client pieces (curl)
# ---------------------------------------------------------------------------------------------

now() { date +%s.%N; }
elapsed() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.6f", b - a }'; }
mib_per_s() { awk -v bytes="$1" -v s="$2" 'BEGIN { if (s <= 0) print "n/a"; else printf "%.1f", bytes / 1048576 / s }'; }

# absolute <base> <location>: a Location header made absolute.
absolute() {
  case "$2" in
    http://* | https://*) echo "$2" ;;
    *) echo "$1$2" ;;
  esac
}

# with_query <url> <key=value>: appends a query parameter.
with_query() {
  case "$1" in
    *\?*) echo "$1&$2" ;;
    *) echo "$1?$2" ;;
  esac
}

# Uploads time their requests by curl's own clock (time_total) and print the sum: a wall clock around the curl
# processes also counts their fork, exec and start-up and the shell's date calls, 10-15 ms a request here (3 % of
# a monolithic push to the origin, a quarter of a chunked one with its 64 PATCHes).

# start_upload <base> <repo>: POSTs a new upload session; prints its absolute Location, a space, the request's seconds.
start_upload() {
  local out location
  out=$(curl -s -o /dev/null -D - -w 'time_total=%{time_total}\n' -X POST "$1/v2/$2/blobs/uploads/" | tr -d '\r')
  location=$(echo "$out" | awk 'tolower($1) == "location:" { print $2 }')
  [ -n "$location" ] || { log "POST $1/v2/$2/blobs/uploads/ gave no Location"; return 1; }
  echo "$(absolute "$1" "$location") $(echo "$out" | sed -n 's/^time_total=//p')"
}

# add_seconds <a> <b>
add_seconds() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.6f", a + b }'; }

# put_blob <base> <repo> <file> <digest>: monolithic upload (POST, then PUT with the whole body); prints the seconds.
put_blob() {
  local started out
  started=$(start_upload "$1" "$2") || return 1
  # --upload-file streams the file; --data-binary @file would first read all of it into memory.
  out=$(curl -s -o /dev/null -w '%{http_code} %{time_total}' -X PUT -H 'Expect:' -H 'Content-Type: application/octet-stream' \
    --upload-file "$3" "$(with_query "${started% *}" "digest=$4")")
  [ "${out% *}" = 201 ] || { log "PUT blob to $1/v2/$2 answered ${out% *}"; return 1; }
  add_seconds "${started#* }" "${out#* }"
}

# put_blob_chunked <base> <repo> <chunk-dir> <digest>: PATCH each chunk with Content-Range, then PUT; prints the seconds.
put_blob_chunked() {
  local started location seconds offset=0 size end out code
  started=$(start_upload "$1" "$2") || return 1
  location=${started% *}
  seconds=${started#* }
  for chunk in "$3"/chunk.*; do
    size=$(stat -c %s "$chunk")
    end=$((offset + size - 1))
    out=$(curl -s -o /dev/null -D - -w 'time_total=%{time_total}\n' -X PATCH -H 'Expect:' -H 'Content-Type: application/octet-stream' \
      -H "Content-Range: $offset-$end" --upload-file "$chunk" "$location" | tr -d '\r')
    code=$(echo "$out" | awk 'NR == 1 { print $2 }')
    [ "$code" = 202 ] || { log "PATCH at $offset to $1/v2/$2 answered $code"; return 1; }
    location=$(absolute "$1" "$(echo "$out" | awk 'tolower($1) == "location:" { print $2 }')")
    seconds=$(add_seconds "$seconds" "$(echo "$out" | sed -n 's/^time_total=//p')")
    offset=$((end + 1))
  done
  out=$(curl -s -o /dev/null -w '%{http_code} %{time_total}' -X PUT "$(with_query "$location" "digest=$4")")
  [ "${out% *}" = 201 ] || { log "closing PUT to $1/v2/$2 answered ${out% *}"; return 1; }
  add_seconds "$seconds" "${out#* }"
}

# put_manifest <base> <repo> <reference> <file> <media-type>
put_manifest() {
  local code
  code=$(curl -s -o /dev/null -w '%{http_code}' -X PUT -H "Content-Type: $5" --data-binary "@$4" "$1/v2/$2/manifests/$3")
  [ "$code" = 201 ] || { log "PUT manifest $1/v2/$2/manifests/$3 answered $code"; return 1; }
}

# drop_trailing_next <config-file>: a curl -K file ends after its last request, not with "next".
drop_trailing_next() {
  if [ "$(tail -n 1 "$1")" = next ]; then sed -i '$ d' "$1"; fi
}

# curl_batch <config-file>: runs a curl -K batch (one connection, keep-alive) and fails unless every
# response had one of the status codes in $BATCH_OK.
curl_batch() {
  local bad
  drop_trailing_next "$1"
  bad=$(curl -s -K "$1" | awk -v ok=" ${BATCH_OK:-201} " 'index(ok, " " $1 " ") == 0' | sort | uniq -c)
  [ -z "$bad" ] || { log "batch $1 had unexpected answers (count status): $bad"; return 1; }
}

# ---------------------------------------------------------------------------------------------
# Measurements: each prints one value (or n/a) on stdout and logs what it does on stderr.
# ---------------------------------------------------------------------------------------------

measure_cat() {
  local start end
  start=$(now); cat "$BLOB" >/dev/null; end=$(now)
  mib_per_s "$BLOB_BYTES" "$(elapsed "$start" "$end")"
}

# median_of <values...>: the middle value (n/a when any is n/a).
median_of() {
  if [[ " $* " == *" n/a "* ]]; then echo n/a; return; fi
  printf '%s\n' "$@" | sort -g | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }'
}

# measure_sha256: the median of $PUSH_RUNS runs, as the pushes it is compared with.
measure_sha256() {
  local start end runs=()
  for _ in $(seq "$PUSH_RUNS"); do
    start=$(now); openssl dgst -sha256 "$BLOB" >/dev/null; end=$(now)
    runs+=("$(mib_per_s "$BLOB_BYTES" "$(elapsed "$start" "$end")")")
  done
  log "openssl dgst -sha256 runs (MiB/s): ${runs[*]}"
  median_of "${runs[@]}"
}

# measure_push_monolithic <target>: the median of $PUSH_RUNS pushes of the blob, to bench/monolithic (which the
# pulls read) and then to bench/monolithic-2, -3, ...; a sync (untimed) before each. One push to bench/warm-up
# comes first, logged but not counted, as the warm-up pull: the first pushes into a fresh .NET process also
# pay for compiling its hot code again, optimized (measured: 0.3 CPU seconds during the second push).
measure_push_monolithic() {
  local seconds run repository runs=()
  sync
  if seconds=$(put_blob "${URL[$1]}" bench/warm-up "$BLOB" "$BLOB_DIGEST"); then
    log "$1: warm-up push (MiB/s, not counted): $(mib_per_s "$BLOB_BYTES" "$seconds")"
  fi
  for run in $(seq "$PUSH_RUNS"); do
    repository=bench/monolithic
    [ "$run" -gt 1 ] && repository="bench/monolithic-$run"
    sync
    if seconds=$(put_blob "${URL[$1]}" "$repository" "$BLOB" "$BLOB_DIGEST"); then
      runs+=("$(mib_per_s "$BLOB_BYTES" "$seconds")")
    else
      runs+=(n/a)
    fi
  done
  log "$1: push monolithic runs (MiB/s): ${runs[*]}"
  median_of "${runs[@]}"
}

measure_push_chunked() {
  local seconds
  seconds=$(put_blob_chunked "${URL[$1]}" bench/chunked "$CHUNKS" "$BLOB_DIGEST") || { echo n/a; return; }
  mib_per_s "$BLOB_BYTES" "$seconds"
}

# pull_once <target>: one GET of the blob pushed by measure_push_monolithic (nginx: the file itself) on a
# fresh connection; prints bytes/s, or n/a on an error answer.
pull_once() {
  local url code speed
  if [ "$1" = nginx ]; then url="${URL[nginx]}/$(basename "$BLOB")"; else url="${URL[$1]}/v2/bench/monolithic/blobs/$BLOB_DIGEST"; fi
  read -r code speed < <(curl -s -L -o /dev/null -w '%{http_code} %{speed_download}\n' "$url")
  [ "$code" = 200 ] || { log "GET $url answered $code"; echo n/a; return; }
  echo "$speed"
}

# measure_pulls <target>...: PULL_RUNS rounds, each pulling once from every target in turn, so a change
# in the machine's load falls on all of them alike; records the median MiB/s of each target.
measure_pulls() {
  declare -A runs=()
  local target speed
  # One untimed pull each first: every server then serves from the page cache. Without it the origin's first
  # pull reads from disk (its uploads bypass the page cache) while docker-registry's copy is still cached
  # from its buffered push; the cold figure is logged.
  for target in "$@"; do
    log "$target: warm-up pull (B/s, not counted): $(pull_once "$target")"
  done
  for _ in $(seq "$PULL_RUNS"); do
    for target in "$@"; do
      speed=$(pull_once "$target")
      runs[$target]="${runs[$target]:-} $speed"
    done
  done
  for target in "$@"; do
    log "$target: pull runs (B/s):${runs[$target]}"
    if [[ "${runs[$target]}" == *n/a* ]]; then
      RESULT["pull blob (MiB/s)|$target"]=n/a
    else
      RESULT["pull blob (MiB/s)|$target"]=$(printf '%s\n' ${runs[$target]} | sort -g | awk '{ v[NR] = $1 } END { printf "%.1f", v[int((NR + 1) / 2)] / 1048576 }')
    fi
  done
}

# wrk_run <url> <method> [header]: prints "<requests/s> <p99 ms>".
wrk_run() {
  local url=$1 method=$2 header=${3:-} script="$WORK/wrk-$2.lua" out
  printf 'wrk.method = "%s"\n' "$method" >"$script"
  local args=(-c "$WRK_CONNECTIONS" -t 2 -d "${WRK_SECONDS}s" --latency -s "$script")
  [ -n "$header" ] && args+=(-H "$header")
  out=$(wrk "${args[@]}" "$url" 2>&1)
  echo "$out" >>"$WORK/wrk.log"
  if echo "$out" | grep -q 'Non-2xx or 3xx responses'; then
    log "wrk $method $url got error responses: $(echo "$out" | grep 'Non-2xx')"
    echo "n/a n/a"
    return
  fi
  echo "$out" | awk '
    /Requests\/sec:/ { rps = $2 }
    $1 == "99%" {
      v = $2
      if (v ~ /us$/) { sub(/us$/, "", v); p99 = v / 1000 }
      else if (v ~ /ms$/) { sub(/ms$/, "", v); p99 = v }
      else if (v ~ /s$/) { sub(/s$/, "", v); p99 = v * 1000 }
    }
    END { printf "%.0f %.2f\n", rps, p99 }'
}

measure_manifest_get() {
  wrk_run "${URL[$1]}/v2/bench/tiny/manifests/latest" GET "Accept: $OCI_MANIFEST"
}

# ab_head <url>: prints "<requests/s> <p99 ms>" for HEAD requests. wrk cannot do HEAD: it waits for
# the body a HEAD response announces but never sends. ab (-i) can, single-threaded, whole-ms percentiles.
ab_head() {
  local out
  out=$(ab -i -k -q -c "$WRK_CONNECTIONS" -t "$WRK_SECONDS" -n 10000000 "$1" 2>&1)
  echo "$out" >>"$WORK/ab.log"
  if echo "$out" | grep -Eq 'Non-2xx responses|^Failed requests: +[1-9]'; then
    log "ab HEAD $1 got failures: $(echo "$out" | grep -E 'Non-2xx|Failed requests')"
    echo "n/a n/a"
    return
  fi
  echo "$out" | awk '/^Requests per second:/ { rps = $4 } $1 == "99%" { p99 = $2 } END { printf "%.0f %s\n", rps, p99 }'
}

measure_blob_head() {
  ab_head "${URL[$1]}/v2/bench/tiny/blobs/$LAYER_DIGEST"
}

# push_tiny <target>: the small image every repository and tag of the listing benchmarks points at.
push_tiny() {
  put_blob "${URL[$1]}" bench/tiny "$WORK/tiny/config.json" "$CONFIG_DIGEST" >/dev/null \
    && put_blob "${URL[$1]}" bench/tiny "$WORK/tiny/layer" "$LAYER_DIGEST" >/dev/null \
    && put_manifest "${URL[$1]}" bench/tiny latest "$WORK/tiny/manifest.json" "$OCI_MANIFEST"
}

# mount_entries <base> <repository>: curl -K entries that mount the tiny image's blobs from bench/tiny.
mount_entries() {
  for digest in "$CONFIG_DIGEST" "$LAYER_DIGEST"; do
    printf 'url = "%s/v2/%s/blobs/uploads/?mount=%s&from=bench/tiny"\nrequest = "POST"\noutput = "/dev/null"\nwrite-out = "%%{http_code}\\n"\nnext\n' \
      "$1" "$2" "$digest"
  done
}

# populate_repositories <target> <from> <to>: repositories bench/r<i> holding the tiny image
# (blobs mounted from bench/tiny, then the manifest put), over one keep-alive connection.
populate_repositories() {
  local base=${URL[$1]} config="$WORK/populate-repos-$1.curl" name
  : >"$config"
  for ((i = $2; i <= $3; i++)); do
    name=$(printf 'bench/r%06d' "$i")
    mount_entries "$base" "$name" >>"$config"
    printf 'url = "%s/v2/%s/manifests/latest"\nrequest = "PUT"\nheader = "Content-Type: %s"\ndata-binary = "@%s"\noutput = "/dev/null"\nwrite-out = "%%{http_code}\\n"\nnext\n' \
      "$base" "$name" "$OCI_MANIFEST" "$WORK/tiny/manifest.json" >>"$config"
  done
  BATCH_OK=201 curl_batch "$config"
}

# populate_tags <target> <from> <to>: tags t<i> on bench/tags, all the tiny manifest.
populate_tags() {
  local base=${URL[$1]} config="$WORK/populate-tags-$1.curl"
  mount_entries "$base" bench/tags >"$config"
  for ((i = $2; i <= $3; i++)); do
    printf 'url = "%s/v2/bench/tags/manifests/t%06d"\nrequest = "PUT"\nheader = "Content-Type: %s"\ndata-binary = "@%s"\noutput = "/dev/null"\nwrite-out = "%%{http_code}\\n"\nnext\n' \
      "$base" "$i" "$OCI_MANIFEST" "$WORK/tiny/manifest.json" >>"$config"
  done
  BATCH_OK=201 curl_batch "$config"
}

# page_time <url>: milliseconds of a GET of <url>: the median of $PAGE_RUNS runs of wrk -c1 (GETs one after the
# other on one connection) for $PAGE_SECONDS seconds each, each run giving its 50th percentile. A page takes a
# tenth of a millisecond: the median of thousands of requests, timed by wrk rather than by a curl process per
# batch, is steady to a few microseconds, and the median of runs drops a run that met a passing burst of other
# work (one 3-second run once read 0.100 ms where 1-second runs around it read 0.076-0.094).
page_time() {
  local out runs=()
  for _ in $(seq "$PAGE_RUNS"); do
    out=$(wrk -c 1 -t 1 -d "${PAGE_SECONDS}s" --latency "$1" 2>&1)
    echo "$out" >>"$WORK/wrk.log"
    if echo "$out" | grep -q 'Non-2xx or 3xx responses'; then
      log "wrk GET $1 got error responses: $(echo "$out" | grep 'Non-2xx')"
      echo n/a
      return
    fi
    runs+=("$(echo "$out" | awk '
      $1 == "50%" {
        v = $2
        if (v ~ /us$/) { sub(/us$/, "", v); ms = v / 1000 }
        else if (v ~ /ms$/) { sub(/ms$/, "", v); ms = v }
        else if (v ~ /s$/) { sub(/s$/, "", v); ms = v * 1000 }
      }
      END { if (ms == "") print "n/a"; else printf "%.3f", ms }')")
  done
  median_of "${runs[@]}"
}

# measure_listings <target> <count>: catalog and tag-list page times once <count> repositories and
# tags exist; first page (n=100) and a page from the middle (last=<middle entry>).
measure_listings() {
  local target=$1 count=$2 middle base=${URL[$1]}
  middle=$((count / 2))
  RESULT["catalog first page @$count (ms)|$target"]=$(page_time "$base/v2/_catalog?n=100")
  RESULT["catalog middle page @$count (ms)|$target"]=$(page_time "$base/v2/_catalog?n=100&last=$(printf 'bench/r%06d' "$middle")")
  RESULT["tags first page @$count (ms)|$target"]=$(page_time "$base/v2/bench/tags/tags/list?n=100")
  RESULT["tags middle page @$count (ms)|$target"]=$(page_time "$base/v2/bench/tags/tags/list?n=100&last=$(printf 't%06d' "$middle")")
}

# ---------------------------------------------------------------------------------------------
# Data
# ---------------------------------------------------------------------------------------------

make_data() {
  mkdir -p "$WORK/blob" "$WORK/chunks" "$WORK/tiny"
  chmod 755 "$WORK/blob"
  BLOB="$WORK/blob/blob.bin"
  log "writing a ${BLOB_MIB} MiB random blob"
  head -c "$((BLOB_MIB * 1048576))" /dev/urandom >"$BLOB"
  chmod 644 "$BLOB"
  BLOB_BYTES=$(stat -c %s "$BLOB")
  BLOB_DIGEST="sha256:$(sha256sum "$BLOB" | awk '{ print $1 }')"
  split -b "${CHUNK_MIB}M" -a 4 -d "$BLOB" "$WORK/chunks/chunk."
  CHUNKS="$WORK/chunks"

  head -c 1024 /dev/urandom >"$WORK/tiny/layer"
  printf '{"architecture":"amd64","os":"linux","rootfs":{"type":"layers","diff_ids":["sha256:%s"]}}' \
    "$(sha256sum "$WORK/tiny/layer" | awk '{ print $1 }')" >"$WORK/tiny/config.json"
  CONFIG_DIGEST="sha256:$(sha256sum "$WORK/tiny/config.json" | awk '{ print $1 }')"
  LAYER_DIGEST="sha256:$(sha256sum "$WORK/tiny/layer" | awk '{ print $1 }')"
  printf '{"schemaVersion":2,"mediaType":"%s","config":{"mediaType":"%s","digest":"%s","size":%d},"layers":[{"mediaType":"%s","digest":"%s","size":%d}]}' \
    "$OCI_MANIFEST" "$OCI_CONFIG" "$CONFIG_DIGEST" "$(stat -c %s "$WORK/tiny/config.json")" \
    "$OCI_LAYER" "$LAYER_DIGEST" 1024 >"$WORK/tiny/manifest.json"
}

# ---------------------------------------------------------------------------------------------
# Report
# ---------------------------------------------------------------------------------------------

value() { echo "${RESULT["$1|$2"]:-n/a}"; }

ratio() {
  awk -v a="$1" -v b="$2" 'BEGIN { if (a == "n/a" || b == "n/a" || a == "" || b == "" || b + 0 == 0) print "n/a"; else printf "%.2fx", a / b }'
}

# goal <description> <awk condition over a and b> <a> <b>
goal() {
  local verdict
  verdict=$(awk -v a="$3" -v b="$4" "BEGIN { if (a == \"n/a\" || b == \"n/a\") print \"n/a\"; else if ($2) print \"PASS\"; else print \"FAIL\" }")
  printf '| %s | %s |\n' "$1" "$verdict"
}

report() {
  local metrics=(
    "push monolithic ${BLOB_MIB} MiB (MiB/s)"
    "push chunked ${CHUNK_MIB} MiB PATCHes (MiB/s)"
    "pull blob (MiB/s)"
    "manifest GET by tag (req/s)"
    "manifest GET by tag p99 (ms)"
    "blob HEAD (req/s)"
    "blob HEAD p99 (ms, whole ms)"
  )
  for size in $SIZES; do
    metrics+=("catalog first page @$size (ms)" "catalog middle page @$size (ms)" "tags first page @$size (ms)" "tags middle page @$size (ms)")
  done

  {
    echo "# Bench run $(date -u +%Y-%m-%dT%H:%M:%SZ)"
    echo
    echo "Machine: $(nproc) cores, $(awk '/MemTotal/ { printf "%.0f GiB", $2 / 1048576 }' /proc/meminfo), $(uname -r); blob ${BLOB_MIB} MiB; manifest GET: wrk -c$WRK_CONNECTIONS -t2 -d${WRK_SECONDS}s; blob HEAD: ab -i -k -c$WRK_CONNECTIONS -t$WRK_SECONDS."
    for target in origin registry nginx; do
      [ -n "${DOWN[$target]:-}" ] && echo "Not measured: $target: ${DOWN[$target]}."
    done
    echo
    echo "Machine baselines on the same file: cat > /dev/null $(value "cat file > /dev/null (MiB/s)" local) MiB/s, openssl dgst -sha256 $(value "openssl dgst -sha256 (MiB/s)" local) MiB/s."
    echo
    echo "Ratios are origin / docker-registry: above 1 is better for MiB/s and req/s, below 1 is better for ms."
    echo
    echo "| metric | origin | docker-registry | nginx | origin / docker-registry |"
    echo "|---|---:|---:|---:|---:|"
    for metric in "${metrics[@]}"; do
      printf '| %s | %s | %s | %s | %s |\n' "$metric" "$(value "$metric" origin)" "$(value "$metric" registry)" \
        "$(value "$metric" nginx)" "$(ratio "$(value "$metric" origin)" "$(value "$metric" registry)")"
    done
    echo
    echo "| goal (issue 2) | verdict |"
    echo "|---|---|"
    goal "pull >= 1.0x docker-registry" "a >= b" "$(value "pull blob (MiB/s)" origin)" "$(value "pull blob (MiB/s)" registry)"
    goal "monolithic push >= 0.8x openssl sha256" "a >= 0.8 * b" "$(value "push monolithic ${BLOB_MIB} MiB (MiB/s)" origin)" "$(value "openssl dgst -sha256 (MiB/s)" local)"
    goal "manifest GET >= 10x docker-registry req/s" "a >= 10 * b" "$(value "manifest GET by tag (req/s)" origin)" "$(value "manifest GET by tag (req/s)" registry)"
    goal "manifest GET p99 < 10 ms" "a < 10" "$(value "manifest GET by tag p99 (ms)" origin)" 0
    local small large
    small=$(echo "$SIZES" | awk '{ print $1 }')
    large=$(echo "$SIZES" | awk '{ print $NF }')
    # "No slower" with 10 % of slack for timer noise on a shared machine.
    goal "catalog page at $large no slower than at $small" "a <= b * 1.1" \
      "$(value "catalog middle page @$large (ms)" origin)" "$(value "catalog middle page @$small (ms)" origin)"
  } | tee "$OUT/results.md"
  log "results written to $OUT/results.md"
}

# ---------------------------------------------------------------------------------------------

main() {
  require_tools
  mkdir -p "$OUT"
  make_data
  sync # the blob and its chunks are on disk before anything is timed

  log "measuring cat and openssl on the blob"
  cat "$BLOB" >/dev/null # warm the page cache first
  RESULT["cat file > /dev/null (MiB/s)|local"]=$(measure_cat)
  RESULT["openssl dgst -sha256 (MiB/s)|local"]=$(measure_sha256)

  has_target origin && { build_origin; start_origin; } || DOWN[origin]=${DOWN[origin]:-"not in BENCH_TARGETS"}
  has_target registry && start_registry || DOWN[registry]=${DOWN[registry]:-"not in BENCH_TARGETS"}
  has_target nginx && start_nginx "$WORK/blob" || DOWN[nginx]=${DOWN[nginx]:-"not in BENCH_TARGETS"}

  for target in origin registry; do
    up "$target" || continue
    # Each push starts with no dirty pages left by the data files or by the push before it: the kernel's
    # writeback of gigabytes would otherwise run on the same two cores and disk during the push timed next.
    log "$target: push monolithic"
    RESULT["push monolithic ${BLOB_MIB} MiB (MiB/s)|$target"]=$(measure_push_monolithic "$target")
    sync
    log "$target: push chunked"
    RESULT["push chunked ${CHUNK_MIB} MiB PATCHes (MiB/s)|$target"]=$(measure_push_chunked "$target")
  done

  local pulled=()
  for target in origin registry nginx; do up "$target" && pulled+=("$target"); done
  log "pulls, interleaved: ${pulled[*]}"
  [ "${#pulled[@]}" -gt 0 ] && measure_pulls "${pulled[@]}"

  for target in origin registry; do
    up "$target" || continue
    if push_tiny "$target"; then
      log "$target: manifest GET (wrk)"
      read -r rps p99 < <(measure_manifest_get "$target")
      RESULT["manifest GET by tag (req/s)|$target"]=$rps
      RESULT["manifest GET by tag p99 (ms)|$target"]=$p99
      log "$target: blob HEAD (ab)"
      read -r rps p99 < <(measure_blob_head "$target")
      RESULT["blob HEAD (req/s)|$target"]=$rps
      RESULT["blob HEAD p99 (ms, whole ms)|$target"]=$p99
      local done=0
      for size in $SIZES; do
        log "$target: creating repositories and tags $((done + 1))..$size"
        if populate_repositories "$target" $((done + 1)) "$size" && populate_tags "$target" $((done + 1)) "$size"; then
          done=$size
          log "$target: listing pages at $size"
          measure_listings "$target" "$size"
        else
          log "$target: could not create $size repositories/tags; listings skipped"
          break
        fi
      done
    else
      log "$target: could not push the tiny image; request-rate and listing benchmarks skipped"
    fi
  done

  report
}

# bench/edge.sh sources this file for its servers and helpers, and runs its own main.
if [ "${BASH_SOURCE[0]}" = "$0" ]; then
  main "$@"
fi
