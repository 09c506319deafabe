# Sourced by the benchmark scripts: a Staging environment as on a real dyno. Staging has no development defaults, so
# every variable contract.md requires is set here, the secrets freshly generated per run (never the public dev values).
rnd() { head -c 24 /dev/urandom | base64 | tr -d '/+='; }
export ASPNETCORE_ENVIRONMENT=Staging Logging__LogLevel__Default=Warning
export PUBLIC_BASE_URL=${PUBLIC_BASE_URL:-https://bench.example.test}
export SECRETS_KEY=$(head -c 32 /dev/urandom | base64) ADMIN_JWT_SIGNING_KEY=$(rnd)$(rnd)
export ADMIN_JWT_ISSUER=addon-provider ADMIN_JWT_AUDIENCE=addon-provider-admin
export SMTP_URL=smtp://127.0.0.1:2525 MAIL_FROM=bench@example.test OPERATORS_EMAIL=ops@example.test SECURITY_EMAIL=security@example.test
export KAFKA_BROKERS_US=localhost:9092 KAFKA_BROKERS_EU=localhost:9092
for p in MOBILOUD KAFKACLUSTER INFERENCE; do
  export "ADDON_${p}_PASSWORD=$(rnd)" "ADDON_${p}_SSO_SALT=$(rnd)" "ADDON_${p}_OAUTH_CLIENT_SECRET=$(rnd)"
done
