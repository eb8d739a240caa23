#!/usr/bin/env bash
# Proves the README's `npm start` on the embedded default: no DATABASE_URL, a fresh DATA_DIR;
# waits for /health/ready, sends Ctrl-C (SIGINT) to the whole process group, and checks that every
# process ended, the port closed and the embedded PostgreSQL stopped. Used by CI.
set -uo pipefail
cd "$(dirname "$0")/.."
PORT=${PROVE_PORT:-3998}
DATA=$(mktemp -d /tmp/soar2-start-XXXXXX)
chmod 755 "$DATA"   # as root, the embedded PostgreSQL runs as the postgres user and must reach it
LOG="$DATA/start.log"
( exec setsid env -u DATABASE_URL PORT=$PORT DATA_DIR="$DATA" EMBEDDED_PG_PORT=$((PORT + 20000)) npm start ) >"$LOG" 2>&1 &
PID=$!
ready=
for _ in $(seq 1 240); do
  if curl -fsS "http://127.0.0.1:$PORT/health/ready" >"$DATA/ready.json" 2>/dev/null; then ready=1; break; fi
  kill -0 $PID 2>/dev/null || break
  sleep 0.5
done
if [ -z "$ready" ]; then
  echo "npm start did not become ready; last lines:"; tail -30 "$LOG"; kill -KILL -- -$PID 2>/dev/null; exit 1
fi
echo "ready: $(cat "$DATA/ready.json")"
curl -fsS "http://127.0.0.1:$PORT/" | grep -q '<div id="root">' && echo "console served at /" || { echo "console is not served at /"; tail -20 "$LOG"; kill -KILL -- -$PID; exit 1; }
grep -q "Demo staff" "$LOG" && echo "demo credentials printed" || { echo "demo credentials were not printed"; kill -KILL -- -$PID; exit 1; }
kill -INT -- -$PID
for _ in $(seq 1 40); do
  pgrep -g $PID >/dev/null 2>&1 || break
  sleep 0.5
done
if pgrep -g $PID >/dev/null 2>&1 || curl -fs "http://127.0.0.1:$PORT/health" >/dev/null 2>&1; then
  echo "still running 20 s after Ctrl-C; last lines:"; tail -15 "$LOG"; kill -KILL -- -$PID 2>/dev/null; exit 1
fi
if pgrep -f "postgres -D $DATA/pg" >/dev/null; then echo "the embedded PostgreSQL is still running"; exit 1; fi
grep -q '"stopped cleanly"' "$LOG" && echo "stopped cleanly on Ctrl-C" || { echo "no clean stop logged"; tail -15 "$LOG"; exit 1; }
rm -rf "$DATA"
