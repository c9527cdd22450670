#!/bin/sh
# cnnhls: FIFO depths sized by SystemC simulation. Usage: size_fifos.sh SC_SIM_BIN DATA_DIR
# Runs the model with a whole image per FIFO (no stage waits on a full FIFO), takes each FIFO's
# largest occupancy (FINN's rule: those depths reproduce that run), then shrinks one FIFO at a time,
# by bisection, to the smallest depth that keeps the steady-state interval at that run's.
# Prints "SIZED depths=<d0,..> interval=<n> latency=<n> bits=<n>" (bits: sum of depth x word bits).
set -e
bin=$1
data=$2
field() { sed -n "s/^$1.* $2=\([0-9,]*\).*/\1/p"; }
interval_of() { "$bin" "$data" "$1" 2>/dev/null | field SYSTEMC interval || true; }
maxes=$("$bin" "$data" image 2>/dev/null | field FIFOS max)
target=$(interval_of "$maxes")
if [ -z "$maxes" ] || [ -z "$target" ]; then
  echo "ERROR: the SystemC model failed with whole-image FIFOs; run ./$bin $data image" >&2
  exit 1
fi
depths=$maxes
n=$(echo "$depths" | tr ',' '\n' | wc -l)
i=1
while [ "$i" -le "$n" ]; do
  lo=1
  hi=$(echo "$depths" | cut -d, -f"$i")
  while [ "$lo" -lt "$hi" ]; do
    mid=$(( (lo + hi) / 2 ))
    try=$(echo "$depths" | awk -F, -v i="$i" -v d="$mid" 'BEGIN { OFS = "," } { $i = d; print }')
    got=$(interval_of "$try")
    if [ -n "$got" ] && [ "$got" -le "$target" ]; then
      hi=$mid
      depths=$try
    else
      lo=$((mid + 1))
    fi
  done
  i=$((i + 1))
done
out=$("$bin" "$data" "$depths" 2>/dev/null)
echo "SIZED depths=$depths interval=$(echo "$out" | field SYSTEMC interval) latency=$(echo "$out" | field SYSTEMC latency) bits=$(echo "$out" | field FIFOS bits)"
