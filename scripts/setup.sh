#!/usr/bin/env bash
# Portico: install missing Debian 12 build dependencies, configure (once) and build.
#
#   scripts/setup.sh            check packages, configure if needed, build
#   source scripts/setup.sh     only defines the functions below; call portico_setup yourself
#
# Idempotent and fast when nothing changed: dpkg-query decides which packages are missing,
# apt-get runs (update + install) only for those, CMake configures only when build/ has no
# build.ninja yet (after that, ninja re-runs CMake itself when a CMakeLists.txt changes).
#
# Environment:
#   PORTICO_SKIP_PACKAGES=1     skip the package check (non-Debian machines, offline work)
#   PORTICO_EXTRA_PACKAGES="a b" more Debian packages to ensure (run-demo adds qt6-wayland)
#   PORTICO_BUILD_JOBS=N        build parallelism (default: ninja's own, sized to the cores)

# The Debian 12 packages Portico builds and tests against.
# (libqt6charts6-dev is not listed: in Debian 12 it is only a virtual name provided by
# qt6-charts-dev, so dpkg never reports it installed and apt would be run every time.)
# redis-server: the Redis tests run the binary themselves (tests/support/RedisTestServer), each
# on a free 127.0.0.1 port with a throw-away directory. The service the package installs (and
# starts, where an init system lets it) is never used: started or not, on 6379 or not, it
# changes nothing for the tests.
# libqt6svg6: the plugin that draws the desktop app's SVG icons (found at run time, not linked).
# curl: tst_curl_command runs the curl commands the inspector copies against a test backend.
PORTICO_PACKAGES=(
    build-essential cmake ninja-build ccache pkg-config
    qt6-base-dev qt6-base-dev-tools libqt6sql6-sqlite qt6-charts-dev qt6-tools-dev libgl-dev
    libqt6svg6
    node-llhttp libyaml-cpp-dev libhiredis-dev libssl-dev libsqlite3-dev
    valgrind redis-server curl
)

PORTICO_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
PORTICO_BUILD_DIR="$PORTICO_ROOT/build" # binaryDir of the "default" preset

portico_log() { printf '[setup] %s\n' "$*" >&2; }

# Prints the packages among "$@" that dpkg does not report as installed.
portico_missing_packages() {
    local pkg status
    for pkg in "$@"; do
        # One line per installed architecture; any "... installed" line counts.
        status="$(dpkg-query -W -f='${Status}\n' "$pkg" 2>/dev/null || true)"
        if ! grep -q ' installed$' <<<"$status"; then
            printf '%s\n' "$pkg"
        fi
    done
}

portico_install_packages() {
    if [[ "${PORTICO_SKIP_PACKAGES:-0}" == 1 ]]; then
        portico_log "PORTICO_SKIP_PACKAGES=1: not checking Debian packages"
        return 0
    fi
    if ! command -v dpkg-query >/dev/null 2>&1 || ! command -v apt-get >/dev/null 2>&1; then
        portico_log "not a Debian system (no dpkg-query/apt-get): install the equivalents of"
        portico_log "  ${PORTICO_PACKAGES[*]}"
        portico_log "yourself; continuing without the package check"
        return 0
    fi

    local wanted=("${PORTICO_PACKAGES[@]}")
    if [[ -n "${PORTICO_EXTRA_PACKAGES:-}" ]]; then
        # shellcheck disable=SC2206 # word splitting intended: a space-separated list
        wanted+=(${PORTICO_EXTRA_PACKAGES})
    fi

    local missing=()
    mapfile -t missing < <(portico_missing_packages "${wanted[@]}")
    if ((${#missing[@]} == 0)); then
        portico_log "Debian packages: all ${#wanted[@]} present"
        return 0
    fi

    local sudo=()
    if ((EUID != 0)); then
        if ! command -v sudo >/dev/null 2>&1; then
            portico_log "missing packages: ${missing[*]}"
            portico_log "not root and no sudo: install them as root, then run this again"
            return 1
        fi
        sudo=(sudo)
    fi
    portico_log "installing missing packages: ${missing[*]}"
    "${sudo[@]}" env DEBIAN_FRONTEND=noninteractive apt-get update -q </dev/null || return 1
    "${sudo[@]}" env DEBIAN_FRONTEND=noninteractive \
        apt-get install -y -q "${missing[@]}" </dev/null || return 1
}

portico_configure() {
    # Once build.ninja exists, ninja itself re-runs CMake whenever a CMakeLists.txt or a
    # CONFIGURE_DEPENDS glob changes, so configuring again here would only cost time.
    if [[ -f "$PORTICO_BUILD_DIR/build.ninja" ]]; then
        return 0
    fi
    if [[ -f "$PORTICO_BUILD_DIR/CMakeCache.txt" ]] &&
        ! grep -q '^CMAKE_GENERATOR:INTERNAL=Ninja$' "$PORTICO_BUILD_DIR/CMakeCache.txt"; then
        portico_log "$PORTICO_BUILD_DIR was configured with another generator;"
        portico_log "remove it (rm -rf build) and run this again"
        return 1
    fi
    portico_log "configuring: cmake --preset default"
    (cd "$PORTICO_ROOT" && cmake --preset default) || return 1
}

portico_build() {
    local args=(--build --preset default)
    if [[ -n "${PORTICO_BUILD_JOBS:-}" ]]; then
        args+=(--parallel "$PORTICO_BUILD_JOBS")
    fi
    portico_log "building: cmake ${args[*]}"
    (cd "$PORTICO_ROOT" && cmake "${args[@]}") || return 1
}

portico_setup() {
    portico_install_packages || return 1
    portico_configure || return 1
    portico_build || return 1
}

# Run directly (not sourced): do everything.
if [[ "${BASH_SOURCE[0]}" == "$0" ]]; then
    set -euo pipefail
    portico_setup
fi
