#!/usr/bin/env bash
# Sets everything up and runs the service locally: Azurite (data kept in .local/azurite), MailDev
# (SMTP 127.0.0.1:1025, web http://127.0.0.1:1080) and the app on http://127.0.0.1:7071 with the local
# trigger runner. Ctrl-C stops all three.
#
# Ports can be moved with APP_PORT, BLOB_PORT, QUEUE_PORT, TABLE_PORT, SMTP_PORT and MAILDEV_WEB_PORT,
# and the data folder with LOCAL_DIR; SKIP_SETUP=1 skips the install and build step.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
root=$PWD

APP_PORT=${APP_PORT:-7071}
BLOB_PORT=${BLOB_PORT:-10000}; QUEUE_PORT=${QUEUE_PORT:-10001}; TABLE_PORT=${TABLE_PORT:-10002}
SMTP_PORT=${SMTP_PORT:-1025}; MAILDEV_WEB_PORT=${MAILDEV_WEB_PORT:-1080}
LOCAL_DIR=${LOCAL_DIR:-$root/.local}
CONFIGURATION=${CONFIGURATION:-Release}

[ "${SKIP_SETUP:-0}" = 1 ] || bash scripts/setup.sh

mkdir -p "$LOCAL_DIR/azurite" "$LOCAL_DIR/maildev"
settings="$LOCAL_DIR/local.settings.json"
[ -f "$settings" ] || cp functions/local.settings.sample.json "$settings"
# A local admin key, made once per machine and kept in the (ignored) settings file.
node -e '
  const fs = require("fs"), crypto = require("crypto"), file = process.argv[1];
  const s = JSON.parse(fs.readFileSync(file, "utf8")); s.Values = s.Values || {};
  if (!s.Values.Admin__Key) { s.Values.Admin__Key = "local-admin-" + crypto.randomBytes(18).toString("base64url"); fs.writeFileSync(file, JSON.stringify(s, null, 2) + "\n"); }
' "$settings"
keys_file="$LOCAL_DIR/tenant-api-keys.json"

port_busy() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }
for p in "$BLOB_PORT" "$QUEUE_PORT" "$TABLE_PORT" "$SMTP_PORT" "$MAILDEV_WEB_PORT" "$APP_PORT"; do
  if port_busy "$p"; then
    echo "run-local: port $p on 127.0.0.1 is already in use; stop whatever holds it (another run of this script?) or move it (see the top of this script)." >&2
    exit 1
  fi
done

pids=()
cleanup() {
  local rc=$?
  trap - EXIT INT TERM
  echo "run-local: stopping"
  kill -TERM "${pids[@]}" 2>/dev/null || true
  wait 2>/dev/null || true
  echo "run-local: stopped"
  exit "$rc"
}
trap cleanup EXIT INT TERM

node node_modules/azurite/dist/src/azurite.js --silent --disableTelemetry --location "$LOCAL_DIR/azurite" \
  --blobHost 127.0.0.1 --blobPort "$BLOB_PORT" --queueHost 127.0.0.1 --queuePort "$QUEUE_PORT" \
  --tableHost 127.0.0.1 --tablePort "$TABLE_PORT" > "$LOCAL_DIR/azurite.log" 2>&1 &
pids+=($!)
node node_modules/maildev/bin/maildev --ip 127.0.0.1 --smtp "$SMTP_PORT" --web-ip 127.0.0.1 --web "$MAILDEV_WEB_PORT" \
  --mail-directory "$LOCAL_DIR/maildev" > "$LOCAL_DIR/maildev.log" 2>&1 &
pids+=($!)

wait_port() {
  for _ in $(seq 1 300); do port_busy "$1" && return 0; sleep 0.1; done
  echo "run-local: $2 did not start on port $1; see $LOCAL_DIR/$3" >&2; exit 1
}
wait_port "$BLOB_PORT" Azurite azurite.log; wait_port "$QUEUE_PORT" Azurite azurite.log; wait_port "$TABLE_PORT" Azurite azurite.log
wait_port "$SMTP_PORT" MailDev maildev.log; wait_port "$MAILDEV_WEB_PORT" MailDev maildev.log

# The settings file names Azurite's default ports; other ports are passed explicitly.
account=devstoreaccount1
key='Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw=='
if [ "$BLOB_PORT$QUEUE_PORT$TABLE_PORT" != "100001000110002" ]; then
  export AzureWebJobsStorage="DefaultEndpointsProtocol=http;AccountName=$account;AccountKey=$key;BlobEndpoint=http://127.0.0.1:$BLOB_PORT/$account;QueueEndpoint=http://127.0.0.1:$QUEUE_PORT/$account;TableEndpoint=http://127.0.0.1:$TABLE_PORT/$account;"
fi
export Smtp__Host=127.0.0.1 Smtp__Port="$SMTP_PORT" Review__PublicBaseUrl="http://127.0.0.1:$APP_PORT"
export Seed__BuiltInTenants=true Seed__KeysFile="$keys_file"

cat <<MSG
run-local: Azurite  blob $BLOB_PORT, queue $QUEUE_PORT, table $TABLE_PORT on 127.0.0.1 (data in $LOCAL_DIR/azurite)
run-local: MailDev  http://127.0.0.1:$MAILDEV_WEB_PORT (SMTP 127.0.0.1:$SMTP_PORT)
run-local: settings $settings
run-local: the app  http://127.0.0.1:$APP_PORT  (health: /api/health, API docs: /api/docs)
run-local: admin key: Admin__Key in $settings (send it as 'Authorization: Bearer <key>')
MSG

touch "$LOCAL_DIR/.app-started"
LOCAL_SETTINGS_PATH="$settings" ASPNETCORE_ENVIRONMENT=Development DOTNET_ENVIRONMENT=Development \
  ASPNETCORE_URLS="http://127.0.0.1:$APP_PORT" \
  dotnet "functions/bin/$CONFIGURATION/net10.0/LandRedevelopment.Functions.dll" &
pids+=($!)

# The app onboards karamay, urumqi, zhongwei and jiamusi (idempotently) and writes their field-app keys.
for _ in $(seq 1 600); do
  if [ -s "$keys_file" ] && [ "$keys_file" -nt "$LOCAL_DIR/.app-started" ]; then break; fi
  kill -0 "${pids[2]}" 2>/dev/null || break
  sleep 0.1
done
if [ -s "$keys_file" ]; then
  echo "run-local: built-in tenants and their field-app API keys (X-Api-Key), also in $keys_file:"
  sed -n 's/^ *"\([a-z-]*\)": "\(.*\)",\{0,1\}$/run-local:   \1  \2/p' "$keys_file"
fi
set +e
wait -n "${pids[@]}"
echo "run-local: a process exited; stopping the rest" >&2
