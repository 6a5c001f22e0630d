#!/usr/bin/env bash
# The project's one test command: installs what the tests need when it is missing, builds the solution
# once in Release, runs every test project without rebuilding, and ends with "N passed, N failed".
#
#   scripts/test.sh                      all test projects
#   scripts/test.sh tests/Origin.Tests   only the projects named
#
# Tests start their own servers (docker-registry, redis-server, nginx, ...) on free 127.0.0.1 ports;
# this script never starts a system service.
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."

# What the tests need on the machine, one requirement per line: "<kind> <package>".
#   apt  a Debian package (installed with apt-get)
#   npm  a global npm package (installed with npm install -g; needs "apt nodejs" above it, and Debian's
#        npm package when that nodejs has no npm of its own: NodeSource's nodejs bundles it and conflicts with it)
# nodejs brings node and npm: the CloudFront cross-check runs @aws-sdk/cloudfront-signer, the S3 tests s3rver.
REQUIREMENTS=(
  "apt skopeo"
  "apt docker-registry"
  "apt redis-server"
  "apt postgresql"
  "apt nginx"
  "apt wrk"
  "apt openssl"
  "apt nodejs"
  "npm s3rver"
)

LOG_DIR=TestResults
LOG="$LOG_DIR/test.log"
HANG_TIMEOUT="${TEST_HANG_TIMEOUT:-5m}"        # one test that runs this long dumps and aborts its project
PROJECT_TIMEOUT="${TEST_PROJECT_TIMEOUT:-20m}" # backstop for a project whose runner itself hangs

export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1
export DEBIAN_FRONTEND=noninteractive

as_root() {
  if [ "$(id -u)" -eq 0 ]; then
    "$@"
  elif command -v sudo >/dev/null 2>&1; then
    sudo -n "$@"
  else
    echo "test.sh: installing test prerequisites needs root (or sudo): $*" >&2
    return 1
  fi
}

apt_installed() {
  dpkg-query -W -f='${Status}' "$1" 2>/dev/null | grep -q "install ok installed"
}

npm_installed() {
  command -v npm >/dev/null 2>&1 && npm ls -g --depth=0 "$1" >/dev/null 2>&1
}

install_requirements() {
  local missing_apt=() missing_npm=() kind package
  for requirement in "${REQUIREMENTS[@]}"; do
    read -r kind package <<<"$requirement"
    case "$kind" in
      apt) apt_installed "$package" || missing_apt+=("$package") ;;
      npm) npm_installed "$package" || missing_npm+=("$package") ;;
      *) echo "test.sh: unknown requirement kind '$kind' in '$requirement'" >&2; return 1 ;;
    esac
  done

  if [ "${#missing_apt[@]}" -gt 0 ]; then
    echo "test.sh: installing ${missing_apt[*]}"
    # Package scripts must not start system services (redis, nginx, docker-registry would grab their
    # default ports): policy-rc.d answering 101 forbids it for the duration of the install.
    local policy=/usr/sbin/policy-rc.d created_policy=""
    if [ ! -e "$policy" ]; then
      as_root sh -c "printf '#!/bin/sh\nexit 101\n' > $policy && chmod 755 $policy"
      created_policy=1
    fi
    local status=0
    as_root apt-get update -qq && as_root apt-get install -y -qq "${missing_apt[@]}" || status=$?
    if [ -n "$created_policy" ]; then
      as_root rm -f "$policy"
    fi
    [ "$status" -eq 0 ] || { echo "test.sh: apt-get install failed ($status)" >&2; return "$status"; }
  fi

  if [ "${#missing_npm[@]}" -gt 0 ]; then
    if ! command -v npm >/dev/null 2>&1; then
      as_root apt-get install -y -qq npm
    fi
    echo "test.sh: installing npm packages ${missing_npm[*]}"
    as_root npm install -g --no-fund --no-audit "${missing_npm[@]}"
  fi
}

strip_colors() {
  sed -e 's/\x1b\[[0-9;]*[A-Za-z]//g'
}

main() {
  command -v dotnet >/dev/null 2>&1 || { echo "test.sh: the .NET SDK (dotnet) is not on PATH" >&2; exit 1; }
  install_requirements

  mkdir -p "$LOG_DIR"
  : >"$LOG"

  local projects=()
  if [ "$#" -gt 0 ]; then
    projects=("$@")
  else
    while IFS= read -r project; do projects+=("$(dirname "$project")"); done \
      < <(find tests -mindepth 2 -maxdepth 2 -name '*.Tests.csproj' | sort)
  fi
  [ "${#projects[@]}" -gt 0 ] || { echo "test.sh: no test projects under tests/" >&2; exit 1; }

  echo "test.sh: building EdgeRegistry.sln (Release)" | tee -a "$LOG"
  if ! dotnet build EdgeRegistry.sln -c Release -nologo -v minimal -nodeReuse:false 2>&1 | tee -a "$LOG"; then
    echo "test.sh: build failed" | tee -a "$LOG"
    echo "0 passed, 1 failed"
    exit 1
  fi

  local passed=0 failed=0 skipped=0 crashed=() out rc line
  out=$(mktemp)
  trap 'rm -f "$out"' EXIT
  for project in "${projects[@]}"; do
    echo "test.sh: testing $project" | tee -a "$LOG"
    set +e
    timeout --kill-after=30s "$PROJECT_TIMEOUT" \
      dotnet test "$project" -c Release --no-build --nologo \
        --blame-hang-timeout "$HANG_TIMEOUT" --blame-hang-dump-type none \
        --results-directory "$LOG_DIR/$(basename "$project")" 2>&1 \
      | strip_colors | tee -a "$LOG" >"$out"
    rc=${PIPESTATUS[0]}
    set -e
    cat "$out"

    # VSTest's closing line: "Passed!  - Failed:     0, Passed:    12, Skipped:     0, Total: ..."
    local summaries=0
    while IFS= read -r line; do
      if [[ "$line" =~ (Passed|Failed)!\ +-\ +Failed:\ +([0-9]+),\ +Passed:\ +([0-9]+),\ +Skipped:\ +([0-9]+) ]]; then
        failed=$((failed + BASH_REMATCH[2]))
        passed=$((passed + BASH_REMATCH[3]))
        skipped=$((skipped + BASH_REMATCH[4]))
        summaries=$((summaries + 1))
      fi
    done <"$out"

    if grep -q "Test Run Aborted" "$out"; then
      crashed+=("$project (test run aborted: crash or hang)")
    elif [ "$rc" -ne 0 ] && [ "$summaries" -eq 0 ]; then
      crashed+=("$project (exit $rc, no test summary)")
    elif [ "$rc" -ne 0 ] && ! grep -q "^Failed!" "$out"; then
      crashed+=("$project (exit $rc although no test failed)")
    elif [ "$summaries" -eq 0 ]; then
      echo "test.sh: $project has no tests yet" | tee -a "$LOG"
    fi
  done

  local status=0
  if [ "${#crashed[@]}" -gt 0 ]; then
    for entry in "${crashed[@]}"; do echo "test.sh: CRASHED: $entry" | tee -a "$LOG"; done
    # A crashed project counts as one failure so the closing line never looks green.
    failed=$((failed + ${#crashed[@]}))
    status=1
  fi
  if [ "$failed" -gt 0 ]; then
    status=1
  fi
  if [ $((passed + failed)) -eq 0 ]; then
    echo "test.sh: no test ran" | tee -a "$LOG"
    status=1
  fi

  echo "test.sh: full log in $LOG"
  local summary="$passed passed, $failed failed"
  if [ "$skipped" -gt 0 ]; then
    summary="$summary, $skipped skipped"
  fi
  echo "$summary" | tee -a "$LOG"
  exit "$status"
}

main "$@"
