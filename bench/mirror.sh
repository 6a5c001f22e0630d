#!/usr/bin/env bash
# The edge in mirror mode against docker-registry's proxy mode: bench/pullthrough.sh's "mirror" mode.
#   BENCH_BLOB_MIB=32 BENCH_CONCURRENCY=4 bench/mirror.sh   a quick run
exec "$(dirname "${BASH_SOURCE[0]}")/pullthrough.sh" mirror "$@"
