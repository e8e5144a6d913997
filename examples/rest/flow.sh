#!/usr/bin/env sh
# The source material's REST client flow with curl: authenticate, list users,
# create Charlie, change his email, delete him. Runs on its own against a
# gateway started as in the README's Quick Start:
#   sh examples/rest/flow.sh
# Settings: POLYFACE_URL (default http://127.0.0.1:3000), ADMIN_PASSWORD (default change-me).
set -eu
API=${POLYFACE_URL:-http://127.0.0.1:3000}/api/v1
ADMIN_PASSWORD=${ADMIN_PASSWORD:-change-me}
# Node stands in for jq.
field() { node -pe "JSON.parse(require('fs').readFileSync(0, 'utf8')).$1"; }

# 1. Authenticate: {username, password} → {access_token, token_type: "Bearer", expires_in}
TOKEN=$(curl -sf -X POST "$API/auth/token" -H 'Content-Type: application/json' \
  -d "{\"username\": \"admin\", \"password\": \"$ADMIN_PASSWORD\"}" | field access_token)

# 2. List users → {"data": [Alice, Bob, …], "page": {"limit": 10, "offset": 0, "total": …}, "links": {…}}
curl -sf -w '\n' "$API/users" -H "Authorization: Bearer $TOKEN"

# 3. Create Charlie → 201 Created, Location: /api/v1/users/<id>; a unique email so the script can run again
EMAIL="charlie-$(date +%s)-$$@example.com"
CHARLIE=$(curl -sf -X POST "$API/users" -H "Authorization: Bearer $TOKEN" -H 'Content-Type: application/json' \
  -d "{\"name\": \"Charlie\", \"email\": \"$EMAIL\"}")
echo "$CHARLIE"; ID=$(echo "$CHARLIE" | field id)

# 4. Change his email with a JSON merge patch (RFC 7396) → 200 and the updated user, "version": 2
curl -sf -w '\n' -X PATCH "$API/users/$ID" -H "Authorization: Bearer $TOKEN" \
  -H 'Content-Type: application/merge-patch+json' -d "{\"email\": \"updated-$EMAIL\"}"

# 5. Delete him → 204
curl -s -o /dev/null -w '%{http_code}\n' -X DELETE "$API/users/$ID" -H "Authorization: Bearer $TOKEN"
