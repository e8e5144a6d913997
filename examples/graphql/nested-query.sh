#!/usr/bin/env sh
# The source material's nested GraphQL query with curl: log in as Alice, then
# one request for her orders with their products.
#   sh examples/graphql/nested-query.sh
# Settings: POLYFACE_URL (default http://127.0.0.1:3000), DEMO_PASSWORD (default demo-password).
set -eu
GQL=${POLYFACE_URL:-http://127.0.0.1:3000}/graphql
DEMO_PASSWORD=${DEMO_PASSWORD:-demo-password}

TOKEN=$(curl -sf "$GQL" -H 'Content-Type: application/json' \
  -d "{\"query\":\"mutation { login(username: \\\"alice@example.com\\\", password: \\\"$DEMO_PASSWORD\\\") { access_token } }\"}" \
  | node -pe 'JSON.parse(require("fs").readFileSync(0)).data.login.access_token')

curl -sf -w '\n' "$GQL" -H 'Content-Type: application/json' -H "Authorization: Bearer $TOKEN" \
  -d '{"query":"{ user(id: \"1\") { id name email orders { id createdAt items { product { name price } quantity } totalAmount } } }"}'
