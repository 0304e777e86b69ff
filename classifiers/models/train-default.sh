#!/usr/bin/env bash
# Rebuilds the shipped tenant model from the shared captures, reproducibly (fixed seed, one SDCA thread):
#   bash classifiers/models/train-default.sh [SHARED_PCAPS_DIR]
# 1. `sensor analyze` each scenario capture with its key log, exporting one feature row per AI session,
#    labelled from the scenario's labels file (the row's capture group is the scenario);
# 2. `sensor train` holds out 30% of the scenarios whole and trains on the rest;
# 3. `sensor eval` measures the model on the held-out scenarios and writes the HTML report.
# Outputs in classifiers/models/: tenant-features.jsonl, tenant-model.zip (+ .json metadata,
# .heldout.jsonl) and tenant-model.eval.html / tenant-model.eval.txt, quoted in MODEL_CARD.md.
set -euo pipefail
repo="$(cd "$(dirname "$0")/../.." && pwd)"
pcaps="${1:-$repo/../shared/pcaps}"
models="$repo/classifiers/models"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

dotnet build "$repo/sensor/Sensor.Host" -c Release -o "$work/bin" 2>&1 | grep -E " error |rror\(s\)" || true
sensor=("dotnet" "$work/bin/sensor.dll")

: > "$models/tenant-features.jsonl"
for labels in "$pcaps"/*.labels.json; do
  scenario="$(basename "$labels" .labels.json)"
  "${sensor[@]}" analyze "$pcaps/$scenario.pcap" --keylog "$pcaps/$scenario.keys.log" -q -o /dev/null \
    --features "$work/$scenario.jsonl" --labels "$labels"
  cat "$work/$scenario.jsonl" >> "$models/tenant-features.jsonl"
done

"${sensor[@]}" train --data "$models/tenant-features.jsonl" --out "$models/tenant-model.zip" --holdout 0.3
"${sensor[@]}" eval --model "$models/tenant-model.zip" --data "$models/tenant-model.zip.heldout.jsonl" \
  --report "$models/tenant-model.eval.html" | tee "$models/tenant-model.eval.txt"
