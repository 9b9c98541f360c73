#!/usr/bin/env bash
# Times pages over HTTP as one demo account sees them: signs in with the demo password, then
# asks each path three times and prints status and seconds. Against a running server, e.g.
#   target/release/xinzhi demo --scale large --data /tmp/large
#   target/release/xinzhi serve --demo --listen 127.0.0.1:8099 --data /tmp/large &
#   bash bench/page_times.sh http://127.0.0.1:8099 secadmin /admin/users /admin/security
set -euo pipefail
base=$1 user=$2
shift 2
jar=$(mktemp)
trap 'rm -f "$jar"' EXIT
csrf=$(curl -s -c "$jar" -b "$jar" "$base/login" | grep -o 'name="csrf" value="[^"]*"' | head -1 | sed 's/.*value="//;s/"//')
curl -s -o /dev/null -c "$jar" -b "$jar" --data-urlencode "csrf=$csrf" --data-urlencode "username=$user" \
  --data-urlencode "password=xinzhi-demo" --data-urlencode "next=/" "$base/login"
for path in "$@"; do
  for _ in 1 2 3; do
    curl -s -o /dev/null -b "$jar" -w "$user $path %{http_code} %{time_total}s\n" "$base$path"
  done
done
