#!/bin/sh
# Checks that Portico's nginx export is configuration the real nginx accepts.
#
#   tests/foreign/check-nginx-export.sh [BUILD_DIR]     (default: build)
#
# The unit test tst_foreign_formats writes the nginx exports of its samples (tests/data/foreign
# and a few edge cases) into $PORTICO_FOREIGN_OUT; each is then wrapped in a minimal nginx.conf
# (events {}, http { include ...; }) and checked with `nginx -t`. Works without root: the pid
# file, logs and temp paths all live in a temporary directory. Needs nginx (nginx-light is
# enough); not part of ctest, so the suite does not depend on it.
set -eu

build=${1:-build}
test_binary="$build/tests/tst_foreign_formats"
nginx=$(command -v nginx || true)
[ -n "$nginx" ] || nginx=/usr/sbin/nginx
if [ ! -x "$nginx" ]; then
    echo "check-nginx-export: nginx not found (apt install nginx-light)" >&2
    exit 2
fi
if [ ! -x "$test_binary" ]; then
    echo "check-nginx-export: $test_binary not found; build first" >&2
    exit 2
fi

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
mkdir -p "$work/out" "$work/tmp" "$work/logs"

PORTICO_FOREIGN_OUT="$work/out" QT_QPA_PLATFORM=offscreen \
    "$test_binary" nginxExportFiles >"$work/test.log" 2>&1 || {
    cat "$work/test.log" >&2
    exit 1
}

status=0
count=0
for conf in "$work"/out/*.conf; do
    name=$(basename "$conf" .conf)
    main="$work/nginx-$name.conf"
    cat >"$main" <<EOF
pid $work/nginx-$name.pid;
error_log $work/logs/error.log;
events {}
http {
    access_log off;
    client_body_temp_path $work/tmp/body;
    proxy_temp_path $work/tmp/proxy;
    fastcgi_temp_path $work/tmp/fastcgi;
    uwsgi_temp_path $work/tmp/uwsgi;
    scgi_temp_path $work/tmp/scgi;
    include $conf;
}
EOF
    count=$((count + 1))
    if "$nginx" -t -q -e "$work/logs/error.log" -p "$work" -c "$main"; then
        echo "ok   $name ($(grep -c 'location ' "$conf") locations, $(grep -c '^upstream ' "$conf") upstreams)"
    else
        echo "FAIL $name: nginx -t refused it (config in $conf):" >&2
        status=1
    fi
done
[ "$count" -gt 0 ] || { echo "check-nginx-export: no exports written" >&2; exit 1; }
exit $status
