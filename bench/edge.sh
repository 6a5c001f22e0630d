#!/usr/bin/env bash
# Benchmarks the edge (issue 4) on this machine, beside nginx and Debian's docker-registry. Not part of
# the test command. See bench/README.md ("The edge") for what is measured and the goals.
#
#   bench/edge.sh                                   1 GiB blob, 16 clients, 9 cache-hit runs per server
#   BENCH_BLOB_MIB=128 BENCH_HIT_RUNS=3 bench/edge.sh   a quick run
#
# It sources run.sh for the servers (origin, docker-registry, nginx) and the curl helpers, so the temp
# dir, the cleanup and the free-port logic are the same.
set -euo pipefail

# shellcheck source=bench/run.sh
source "$(dirname "${BASH_SOURCE[0]}")/run.sh"

CLIENTS="${BENCH_CLIENTS:-16}"
HIT_RUNS="${BENCH_HIT_RUNS:-9}"
declare -A SERVER_PID=()   # target -> pid of the server process (nginx: its master)
EDGE_DLL="$ROOT/src/Edge/bin/Release/net10.0/EdgeRegistry.Edge.dll"
EDGE_PID=""
REPOSITORY=bench/edge
LOAD=()   # "<phase>: <load averages>"

note_load() { LOAD+=("$1: $(cut -d' ' -f1-3 /proc/loadavg)"); }

build_edge() {
  log "building the edge (Release)"
  dotnet build "$ROOT/src/Edge/Edge.csproj" -c Release -nologo -v q -nodeReuse:false >"$WORK/build-edge.log" 2>&1 \
    || { tail -20 "$WORK/build-edge.log" >&2; DOWN[edge]="build failed (see above)"; return 0; }
}

# start_edge <cache-dir>: the edge process in front of the origin, cache in <cache-dir>; sets URL[edge],
# SERVER_PID[edge] and EDGE_PID (started by run.sh's launch). Release build, default authorization TTL (30 s)
# and watermarks, log level warning.
start_edge() {
  local cache=$1 dir="$WORK/edge"
  URL[edge]=""
  if [ -n "${DOWN[edge]:-}" ]; then return 0; fi
  if [ ! -f "$EDGE_DLL" ]; then DOWN[edge]="$EDGE_DLL does not exist"; return 0; fi
  mkdir -p "$dir" "$cache"
  if launch edge "$dir" "$dir/edge.log" /healthz "$dir/edge.yml" "listen: 127.0.0.1:@PORT@
origin:
  url: ${URL[origin]}
cache:
  directory: $cache
  maxSize: $(((BLOB_MIB + 1024) * 1048576))
log:
  level: warning" env -u ASPNETCORE_URLS -u DOTNET_URLS dotnet "$EDGE_DLL" --config "$dir/edge.yml"; then
    EDGE_PID=${SERVER_PID[edge]}
    log "edge up at ${URL[edge]} (pid $EDGE_PID, cache $cache)"
    return 0
  fi
  DOWN[edge]="the edge did not answer GET /healthz"
  tail -15 "$dir/edge.log" >&2 || true
}

stop_edge() {
  stop_target edge
  EDGE_PID=""
}

# cpu_seconds <pid>: user + system CPU time of the process and its children that are alive (nginx's
# worker), in seconds.
cpu_seconds() {
  local ticks=0 pid
  for pid in "$1" $(pgrep -P "$1" || true); do
    [ -r "/proc/$pid/stat" ] || continue
    ticks=$((ticks + $(sed 's/^.*) //' "/proc/$pid/stat" | awk '{ print $12 + $13 }')))
  done
  awk -v t="$ticks" -v hz="$(getconf CLK_TCK)" 'BEGIN { printf "%.3f", t / hz }'
}

# mib_of <pid> <field>: a VmHWM / VmRSS line of /proc/<pid>/status, in MiB.
mib_of() { awk -v f="$2:" '$1 == f { printf "%.0f", $2 / 1024 }' "/proc/$1/status"; }

blob_url() {
  case "$1" in
    nginx) echo "${URL[nginx]}/$(basename "$BLOB")" ;;
    *) echo "${URL[$1]}/v2/$REPOSITORY/blobs/$BLOB_DIGEST" ;;
  esac
}

# probe_url <target>: a cheap GET answered by the server itself, to open a connection before the pull.
probe_url() {
  case "$1" in
    edge) echo "${URL[edge]}/healthz" ;;
    *) echo "${URL[$1]}/" ;;
  esac
}

# pull_speed <url> [probe-url]: one GET, MiB/s, or n/a unless 200 with every byte. On a new connection;
# with a probe URL, as the second request of a keep-alive connection whose first was the probe.
pull_speed() {
  local code size speed
  if [ -n "${2:-}" ]; then
    read -r code size speed < <(curl -s -w '%{http_code} %{size_download} %{speed_download}\n' -o /dev/null "$2" -o /dev/null "$1" | tail -n 1)
  else
    read -r code size speed < <(curl -s -o /dev/null -w '%{http_code} %{size_download} %{speed_download}\n' "$1")
  fi
  if [ "$code" != 200 ] || [ "$size" != "$BLOB_BYTES" ]; then log "GET $1: $code, $size bytes"; echo n/a; return; fi
  awk -v s="$speed" 'BEGIN { printf "%.1f", s / 1048576 }'
}

median() { tr ' ' '\n' | grep -v '^$' | sort -g | awk '{ v[NR] = $1 } END { if (NR == 0 || v[1] == "n/a") print "n/a"; else print v[int((NR + 1) / 2)] }'; }

# concurrent_pulls <url>: $CLIENTS GETs at once, one connection each; prints the wall time in seconds,
# or n/a when any answer was not 200 with every byte.
concurrent_pulls() {
  local url=$1 start end pids=() bad
  rm -f "$WORK"/client.*
  start=$(now)
  for i in $(seq 1 "$CLIENTS"); do
    curl -s -o /dev/null -w '%{http_code} %{size_download}\n' "$url" >"$WORK/client.$i" &
    pids+=("$!")
  done
  wait "${pids[@]}" || true
  end=$(now)
  bad=$(cat "$WORK"/client.* | awk -v size="$BLOB_BYTES" '$1 != 200 || $2 != size' | sort | uniq -c)
  if [ -n "$bad" ] || [ "$(cat "$WORK"/client.* | wc -l)" != "$CLIENTS" ]; then
    log "$CLIENTS pulls of $url: unexpected answers (count status bytes): $bad"
    echo n/a
    return
  fi
  awk -v a="$start" -v b="$end" 'BEGIN { printf "%.2f", b - a }'
}

origin_bytes_sent() {
  curl -s "${URL[origin]}/metrics" | awk '$1 == "edgeregistry_origin_blob_bytes_sent_total" { printf "%.0f", $2 }'
}

# upstream_bytes_sent: the response bytes of blob GETs in the upstream docker-registry's access log
# (combined format: ... "GET <path> HTTP/1.1" <status> <bytes> ...).
upstream_bytes_sent() {
  awk '$6 == "\"GET" && $7 ~ /\/blobs\/sha256:/ && $10 ~ /^[0-9]+$/ { sum += $10 } END { printf "%.0f", sum }' "$WORK/upstream/registry.log"
}

ratio_of() { awk -v a="$1" -v b="$2" 'BEGIN { if (a == "" || b == "" || b + 0 == 0) print "n/a"; else printf "%.2f", a / b }'; }

# ---------------------------------------------------------------------------------------------

# hit_runs <row> <mode>: $HIT_RUNS rounds of one pull from each of edge, nginx, docker-registry; mode
# "probe" makes the pull the second request of its connection (the edge then copies with Kestrel).
hit_runs() {
  local row=$1 mode=$2 before probe
  local -A speeds=() cpu=()
  for run in $(seq 1 "$HIT_RUNS"); do
    for target in edge nginx registry; do
      up "$target" || continue
      probe=""
      [ "$mode" = probe ] && probe=$(probe_url "$target")
      before=$(cpu_seconds "${SERVER_PID[$target]}")
      speeds[$target]+=" $(pull_speed "$(blob_url "$target")" "$probe")"
      cpu[$target]=$(awk -v sum="${cpu[$target]:-0}" -v a="$before" -v b="$(cpu_seconds "${SERVER_PID[$target]}")" 'BEGIN { printf "%.3f", sum + b - a }')
    done
    log "$row, run $run: edge${speeds[edge]:-} | nginx${speeds[nginx]:-} | docker-registry${speeds[registry]:-}"
  done
  for target in edge nginx registry; do
    RESULT["$row (MiB/s, median of $HIT_RUNS)|$target"]=$(echo "${speeds[$target]:-}" | median)
    RESULT["$row (MiB/s, best of $HIT_RUNS)|$target"]=$(echo "${speeds[$target]:-}" | tr ' ' '\n' | grep -v '^$' | sort -g | tail -1)
    RESULT["$row runs (MiB/s)|$target"]=$(echo "${speeds[$target]:-}" | sed 's/^ //')
    # CPU of the server per GiB sent: what the copy costs, which the machine's other load hardly changes.
    if [ -n "${cpu[$target]:-}" ]; then
      RESULT["$row: server CPU seconds per GiB|$target"]=$(awk -v c="${cpu[$target]}" -v n="$HIT_RUNS" -v b="$BLOB_BYTES" 'BEGIN { printf "%.3f", c / (n * b / 1073741824) }')
    fi
  done
}

measure_cache_hits() {
  log "edge: first GET fills the cache"
  [ "$(pull_speed "$(blob_url edge)")" != n/a ] || { DOWN[edge]="the first GET through the edge failed"; return 0; }
  note_load "cache-hit pulls"
  hit_runs "cache-hit pull" ""
  note_load "cache-hit pulls, second request of a connection"
  hit_runs "cache-hit pull, 2nd request on a connection" probe

  # The edge's own concurrent cache hits are measured in measure_edge_cold, in a fresh process (for VmHWM).
  for target in nginx registry; do
    up "$target" || continue
    log "$target: $CLIENTS concurrent pulls"
    RESULT["$CLIENTS cache-hit pulls: wall time (s)|$target"]=$(concurrent_pulls "$(blob_url "$target")")
  done
}

measure_edge_cold() {
  local cache="$WORK/edge-cold-cache" before after wall
  rm -rf "$cache"
  start_edge "$cache"
  up edge || return 0
  RESULT["RSS after start (MiB)|edge"]=$(mib_of "$EDGE_PID" VmRSS)
  note_load "$CLIENTS cold pulls through the edge"
  before=$(origin_bytes_sent)
  log "edge: $CLIENTS concurrent cold pulls"
  wall=$(concurrent_pulls "$(blob_url edge)")
  after=$(origin_bytes_sent)
  RESULT["$CLIENTS cold pulls: wall time (s)|edge"]=$wall
  RESULT["$CLIENTS cold pulls: origin bytes sent / blob size|edge"]=$([ "$wall" = n/a ] && echo n/a || ratio_of "$((after - before))" "$BLOB_BYTES")
  RESULT["$CLIENTS cold pulls: peak RSS (MiB)|edge"]=$(mib_of "$EDGE_PID" VmHWM)
  stop_edge

  # A fresh process on the now warm cache, so VmHWM is the peak of the cache hits alone.
  start_edge "$cache"
  up edge || return 0
  note_load "$CLIENTS cache-hit pulls through the edge"
  log "edge: $CLIENTS concurrent cache-hit pulls"
  before=$(origin_bytes_sent)
  wall=$(concurrent_pulls "$(blob_url edge)")
  after=$(origin_bytes_sent)
  RESULT["$CLIENTS cache-hit pulls: wall time (s)|edge"]=$wall
  RESULT["$CLIENTS cache-hit pulls: origin bytes sent / blob size|edge"]=$([ "$wall" = n/a ] && echo n/a || ratio_of "$((after - before))" "$BLOB_BYTES")
  RESULT["$CLIENTS cache-hit pulls: peak RSS (MiB)|edge"]=$(mib_of "$EDGE_PID" VmHWM)
  stop_edge
}

measure_registry_proxy() {
  start_registry upstream false
  up upstream || return 0
  put_blob "${URL[upstream]}" "$REPOSITORY" "$BLOB" "$BLOB_DIGEST" >/dev/null || { DOWN[proxy]="push to the upstream failed"; return 0; }
  start_registry proxy true "proxy:
  remoteurl: ${URL[upstream]}"
  up proxy || return 0
  note_load "$CLIENTS cold pulls through docker-registry as a pull-through cache"
  local before after wall
  before=$(upstream_bytes_sent)
  log "docker-registry pull-through cache: $CLIENTS concurrent cold pulls"
  wall=$(concurrent_pulls "$(blob_url proxy)")
  # The access log line is written when a response ends; the proxy may still be reading.
  sleep 2
  after=$(upstream_bytes_sent)
  RESULT["$CLIENTS cold pulls: wall time (s)|proxy"]=$wall
  RESULT["$CLIENTS cold pulls: origin bytes sent / blob size|proxy"]=$([ "$wall" = n/a ] && echo n/a || ratio_of "$((after - before))" "$BLOB_BYTES")
}

# ---------------------------------------------------------------------------------------------

edge_report() {
  local rows=(
    "cache-hit pull (MiB/s, median of $HIT_RUNS)"
    "cache-hit pull (MiB/s, best of $HIT_RUNS)"
    "cache-hit pull runs (MiB/s)"
    "cache-hit pull: server CPU seconds per GiB"
    "cache-hit pull, 2nd request on a connection (MiB/s, median of $HIT_RUNS)"
    "cache-hit pull, 2nd request on a connection (MiB/s, best of $HIT_RUNS)"
    "cache-hit pull, 2nd request on a connection runs (MiB/s)"
    "cache-hit pull, 2nd request on a connection: server CPU seconds per GiB"
    "$CLIENTS cold pulls: wall time (s)"
    "$CLIENTS cold pulls: origin bytes sent / blob size"
    "$CLIENTS cold pulls: peak RSS (MiB)"
    "$CLIENTS cache-hit pulls: wall time (s)"
    "$CLIENTS cache-hit pulls: origin bytes sent / blob size"
    "$CLIENTS cache-hit pulls: peak RSS (MiB)"
    "RSS after start (MiB)"
  )
  local hit="cache-hit pull (MiB/s, median of $HIT_RUNS)"
  {
    echo "# Edge bench run $(date -u +%Y-%m-%dT%H:%M:%SZ)"
    echo
    echo "Machine: $(nproc) cores, $(awk '/MemTotal/ { printf "%.0f GiB", $2 / 1048576 }' /proc/meminfo), $(uname -r); commit $(git -C "$ROOT" rev-parse --short HEAD)$(git -C "$ROOT" diff --quiet || echo '+changes'); blob ${BLOB_MIB} MiB; $CLIENTS clients; command: \`BENCH_BLOB_MIB=$BLOB_MIB BENCH_CLIENTS=$CLIENTS BENCH_HIT_RUNS=$HIT_RUNS bench/edge.sh\`."
    echo
    echo "Load average (1, 5, 15 min) at the start of each phase:"
    echo
    for line in "${LOAD[@]}"; do echo "- $line"; done
    for target in origin edge registry nginx upstream proxy; do
      [ -n "${DOWN[$target]:-}" ] && echo && echo "Not measured: $target: ${DOWN[$target]}."
    done
    echo
    echo "\"docker-registry\" is docker-registry serving the blob from its own storage; \"pull-through\" is a second"
    echo "docker-registry with \`proxy: remoteurl:\` pointing at a third that holds the blob (its \"origin\")."
    echo
    echo "| metric | edge | nginx (sendfile) | docker-registry | docker-registry pull-through |"
    echo "|---|---:|---:|---:|---:|"
    for row in "${rows[@]}"; do
      printf '| %s | %s | %s | %s | %s |\n' "$row" "$(value "$row" edge)" "$(value "$row" nginx)" "$(value "$row" registry)" "$(value "$row" proxy)"
    done
    echo
    echo "| goal (issue 4) | measured | verdict |"
    echo "|---|---|---|"
    local e n r
    e=$(value "$hit" edge); n=$(value "$hit" nginx); r=$(value "$hit" registry)
    printf '| cache-hit pull >= 0.9x nginx | %s | %s |\n' "$(ratio "$e" "$n")" "$(goal_verdict "a >= 0.9 * b" "$e" "$n")"
    printf '| cache-hit pull >= 1.0x docker-registry | %s | %s |\n' "$(ratio "$e" "$r")" "$(goal_verdict "a >= b" "$e" "$r")"
    e=$(value "$CLIENTS cold pulls: origin bytes sent / blob size" edge)
    printf '| %s cold pulls: origin bytes / blob size = 1.0 | %s (docker-registry pull-through: %s) | %s |\n' "$CLIENTS" "$e" \
      "$(value "$CLIENTS cold pulls: origin bytes sent / blob size" proxy)" "$(goal_verdict "a == 1" "$e" 0)"
    local cold hot
    cold=$(value "$CLIENTS cold pulls: peak RSS (MiB)" edge); hot=$(value "$CLIENTS cache-hit pulls: peak RSS (MiB)" edge)
    printf '| peak RSS < 200 MiB serving %s concurrent pulls | %s MiB cold, %s MiB cache hits | %s |\n' "$CLIENTS" "$cold" "$hot" \
      "$(goal_verdict "a < 200 && b < 200" "$cold" "$hot")"
  } | tee "$OUT/edge-results.md"
  log "results written to $OUT/edge-results.md"
}

# goal_verdict <awk condition over a and b> <a> <b>
goal_verdict() {
  awk -v a="$2" -v b="$3" "BEGIN { if (a == \"n/a\" || b == \"n/a\" || a == \"\" || b == \"\") print \"n/a\"; else if ($1) print \"PASS\"; else print \"FAIL\" }"
}

edge_main() {
  require_tools
  command -v dotnet >/dev/null 2>&1 || { echo "bench: dotnet is missing" >&2; exit 1; }
  mkdir -p "$OUT" "$WORK/blob"
  chmod 755 "$WORK/blob"
  BLOB="$WORK/blob/blob.bin"
  log "writing a ${BLOB_MIB} MiB random blob"
  head -c "$((BLOB_MIB * 1048576))" /dev/urandom >"$BLOB"
  chmod 644 "$BLOB"
  BLOB_BYTES=$(stat -c %s "$BLOB")
  BLOB_DIGEST="sha256:$(sha256sum "$BLOB" | awk '{ print $1 }')"

  note_load "start"
  build_origin
  build_edge
  start_origin
  up origin || { echo "bench: the edge needs the origin: ${DOWN[origin]}" >&2; exit 1; }
  put_blob "${URL[origin]}" "$REPOSITORY" "$BLOB" "$BLOB_DIGEST" >/dev/null || { echo "bench: push to the origin failed" >&2; exit 1; }
  start_registry
  up registry && { SERVER_PID[registry]=${PIDS[-1]}; put_blob "${URL[registry]}" "$REPOSITORY" "$BLOB" "$BLOB_DIGEST" >/dev/null || DOWN[registry]="push failed"; }
  start_nginx "$WORK/blob"
  up nginx && SERVER_PID[nginx]=${PIDS[-1]}

  start_edge "$WORK/edge-hit-cache"
  if up edge; then
    measure_cache_hits
    stop_edge
  fi
  measure_edge_cold
  measure_registry_proxy
  note_load "end"
  edge_report
}

edge_main "$@"
