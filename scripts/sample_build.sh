#!/usr/bin/env bash
# Generates the synthetic sample (once), loads it into $FLOWS_CHDB_PATH and runs `dbt build`.
# Used by `make demo` (with --show: prints what was built) and `make dbt-check`.
set -euo pipefail
cd "$(dirname "$0")/.."
sample_dir=${SAMPLE_DIR:-data/sample}
blocks=${SAMPLE_BLOCKS:-400}
networks=${SAMPLE_NETWORKS:-torus bittensor polkadot}
mkdir -p "$sample_dir"
for network in $networks; do
  file="$sample_dir/$network.ndjson.gz"
  [ -f "$file" ] || substrate-loader generate --network "$network" --blocks "$blocks" --seed 42 "$file"
  substrate-loader load --network "$network" "$file"
done
dbt build
if [ "${1:-}" = "--show" ]; then
  substrate-loader status
  dbt run-operation show_built_tables --quiet
  cat <<MSG

Built on embedded ClickHouse (chDB) in ${FLOWS_CHDB_PATH}. The sample is SYNTHETIC
(substrate-loader generate, seed 42): real event shapes, made-up addresses and amounts.
Look at it:
  .venv/bin/dbt show --inline "select * from {{ ref('balance_transfers') }}" --limit 10
  make docs     # the dbt docs site with lineage, on http://localhost:8080
MSG
fi
