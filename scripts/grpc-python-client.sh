#!/usr/bin/env bash
# The source material's Python gRPC client against the real gateway:
#   1. compiles the source material's own proto/user.proto with protoc and grpc_python_plugin,
#   2. starts a fresh `npm start` (new SQLite file, free ports),
#   3. gets an admin token from the REST API and runs test-python/seed_client.py with it,
#      once on GRPC_PORT and once as h2c on the HTTP PORT (a fresh gateway each time,
#      since the client expects Charlie to become user 3),
#   4. checks what it printed, and that Charlie is gone afterwards (NOT_FOUND).
# Needs Debian's python3-grpcio, python3-protobuf, protobuf-compiler and protobuf-compiler-grpc
# (.ci/run installs them) and uses /usr/bin/python3 (the one with those modules). Not part of `npm test`.
set -euo pipefail
cd "$(dirname "$0")/.."
PY=/usr/bin/python3
work=$(mktemp -d)
server_pid=''

stop_server() {
  if [[ -n "$server_pid" ]]; then
    kill -TERM -- "-$server_pid" 2>/dev/null || true
    wait "$server_pid" 2>/dev/null || true
    server_pid=''
  fi
}
cleanup() {
  stop_server
  rm -rf "$work"
}
trap cleanup EXIT

free_port() { "$PY" -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()'; }

protoc -Iproto --python_out="$work" --grpc_out="$work" --plugin=protoc-gen-grpc="$(command -v grpc_python_plugin)" proto/user.proto
cp test-python/seed_client.py "$work/"

npm run build --silent

run_against() {
  local via="$1"
  local port grpc_port target
  port=$(free_port)
  grpc_port=$(free_port)
  # Its own process group, so stopping it stops npm and the gateway under it.
  setsid env PORT="$port" GRPC_PORT="$grpc_port" HOST=127.0.0.1 DATABASE_URL="$work/polyface-$via.db" \
    ADMIN_PASSWORD=python-admin-pass DEMO_PASSWORD=python-demo-pass LOG_LEVEL=warn \
    npm start --silent >"$work/server-$via.log" 2>&1 &
  server_pid=$!
  for _ in $(seq 1 150); do
    curl -sf "http://127.0.0.1:$port/healthz" >/dev/null && break
    sleep 0.2
  done
  curl -sf "http://127.0.0.1:$port/healthz" >/dev/null || { cat "$work/server-$via.log"; echo "gateway did not start" >&2; exit 1; }

  local token
  token=$(curl -sf -X POST "http://127.0.0.1:$port/api/v1/auth/token" -H 'Content-Type: application/json' \
    -d '{"username":"admin","password":"python-admin-pass"}' | node -pe 'JSON.parse(require("fs").readFileSync(0, "utf8")).access_token')

  if [[ "$via" == grpc-port ]]; then target="127.0.0.1:$grpc_port"; else target="127.0.0.1:$port"; fi
  echo "== seed client via $via ($target)"
  (cd "$work" && GRPC_TARGET="$target" POLYFACE_TOKEN="$token" "$PY" seed_client.py) | tee "$work/out-$via.txt"

  grep -q 'Получен пользователь: id: "1"' "$work/out-$via.txt"
  grep -q 'name: "Alice"' "$work/out-$via.txt"
  grep -q 'Создан пользователь: id: "3"' "$work/out-$via.txt"
  grep -q 'email: "bob@example.com"' "$work/out-$via.txt"
  grep -q 'email: "charlie.updated@example.com"' "$work/out-$via.txt"
  grep -q 'Пользователь удален' "$work/out-$via.txt"
  (cd "$work" && GRPC_TARGET="$target" POLYFACE_TOKEN="$token" "$PY" - <<'PYEOF'
import os, grpc, user_pb2, user_pb2_grpc
with grpc.insecure_channel(os.environ['GRPC_TARGET']) as channel:
    stub = user_pb2_grpc.UserServiceStub(channel)
    md = [('authorization', 'Bearer ' + os.environ['POLYFACE_TOKEN'])]
    try:
        stub.GetUser(user_pb2.GetUserRequest(id='3'), metadata=md)
        raise SystemExit('user 3 still exists after DeleteUser')
    except grpc.RpcError as e:
        assert e.code() == grpc.StatusCode.NOT_FOUND, e.code()
        kind = dict(e.trailing_metadata()).get('error-kind')
        assert kind == 'NOT_FOUND', kind
    try:
        stub.GetUser(user_pb2.GetUserRequest(id='1'))
        raise SystemExit('a call without a token succeeded')
    except grpc.RpcError as e:
        assert e.code() == grpc.StatusCode.UNAUTHENTICATED, e.code()
print('after the flow: user 3 is NOT_FOUND, and a call without a token is UNAUTHENTICATED')
PYEOF
  )
  stop_server
}

run_against grpc-port
run_against h2c
echo "seed-client: 2 passed, 0 failed"
