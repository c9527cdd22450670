#!/usr/bin/env bash
# Synthesizes the RTL MAC array core (rtl/) at several sizes with Yosys and writes resources.csv and
# resources.md next to this script.
#
#   rtl/bench/synth_sizes.sh            # all sizes (about 10 minutes on 2 cores)
#   JOBS=4 rtl/bench/synth_sizes.sh     # parallel Yosys runs (default 2)
#   rtl/bench/synth_sizes.sh --report-only   # rewrite the tables from the last run's build/ folder
#
# Steps: compile the rtl module (Maven), emit the SystemVerilog of every configuration through the
# generator (org.cnnhls.rtl.RtlGenerator, the same code as `cnnhls rtl`), run
# `synth_xilinx -family <xcup|xc7> -flatten -noiopad` on each, and tabulate Yosys' `stat`.
# Needs: yosys (Debian: apt-get install yosys; tested with 0.23), Java 17, Maven, python3.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/../.." && pwd)"
build="$here/build"
jobs="${JOBS:-2}"
command -v yosys >/dev/null || { echo "synth_sizes: yosys is not on PATH (apt-get install yosys)" >&2; exit 1; }

# name family tm tn bits pack: 16-bit = 16-bit activations/weights/outputs; 8-bit likewise; pack =
# packMacs (two 8-bit MACs per multiplier)
configs=(
  "4x4_16_xcup xcup 4 4 16 true"
  "8x8_16_xcup xcup 8 8 16 true"
  "16x16_16_xcup xcup 16 16 16 true"
  "4x4_8_xcup xcup 4 4 8 true"
  "8x8_8_xcup xcup 8 8 8 true"
  "16x16_8_xcup xcup 16 16 8 true"
  "8x8_8_xcup_unpacked xcup 8 8 8 false"
  "8x8_16_xc7 xc7 8 8 16 true"
  "8x8_8_xc7 xc7 8 8 8 true"
)

report_only=false
[[ "${1:-}" == "--report-only" ]] && report_only=true

if ! $report_only; then
echo "synth_sizes: compiling the rtl module" >&2
(cd "$root" && mvn -q -B -ntp compile -pl rtl)
cpfile="$build/classpath.txt"
mkdir -p "$build"
(cd "$root" && mvn -q -B -ntp dependency:build-classpath -pl rtl -Dmdep.includeScope=runtime -Dmdep.outputFile="$cpfile")
cp="$root/rtl/target/classes:$(cat "$cpfile")"
yosys -V >"$build/yosys_version"

for c in "${configs[@]}"; do
  read -r name family tm tn bits pack <<<"$c"
  dir="$build/$name"
  mkdir -p "$dir"
  # accWidth is left to the generator's default: the contract's width for K = 32768 terms
  printf '{"tm": %d, "tn": %d, "actWidth": %d, "wgtWidth": %d, "outWidth": %d, "packMacs": %s}\n' \
    "$tm" "$tn" "$bits" "$bits" "$bits" "$pack" >"$dir/config.json"
  java -cp "$cp" org.cnnhls.rtl.RtlGenerator "$dir/config.json" "$dir" >/dev/null
done

synth() {
  local name="$1" family="$2" dir="$build/$1" start end
  start=$(date +%s)
  yosys -q -l "$dir/yosys.log" -p "read_verilog -sv $dir/cnnhls_mac_array.sv;
    synth_xilinx -family $family -top cnnhls_mac_array -flatten -noiopad;
    tee -q -o $dir/stat.txt stat" >/dev/null
  end=$(date +%s)
  echo $((end - start)) >"$dir/seconds"
  echo "synth_sizes: $name ($family) done in $((end - start)) s" >&2
}
export -f synth
export build
printf '%s\n' "${configs[@]}" | awk '{print $1, $2}' | xargs -P "$jobs" -n 2 bash -c 'synth "$0" "$1"'
fi

python3 - "$build" "$here" "${configs[@]}" <<'EOF'
import json, re, sys
build, here, configs = sys.argv[1], sys.argv[2], [c.split() for c in sys.argv[3:]]
LUTRAM_LUTS = {"RAM32M16": 8, "RAM64M8": 8, "RAM32M": 4, "RAM64M": 4, "RAM32X1D": 2, "RAM64X1D": 2,
               "RAM128X1D": 4, "RAM256X1D": 8, "RAM32X1S": 1, "RAM64X1S": 1, "RAM128X1S": 2, "RAM256X1S": 4}
rows = []
for name, family, tm, tn, bits, pack in configs:
    d = f"{build}/{name}"
    cells = {m.group(1): int(m.group(2)) for m in re.finditer(r"^\s+(\w+)\s+(\d+)$", open(f"{d}/stat.txt").read(), re.M)}
    cfg = json.load(open(f"{d}/cnnhls_mac_array.json"))
    g = lambda *ks: sum(cells.get(k, 0) for k in ks)
    rows.append(dict(
        config=name, family=family, tm=int(tm), tn=int(tn), bits=int(bits), accWidth=cfg["accWidth"],
        multipliers=cfg["multipliers"],
        dsp=g("DSP48E2", "DSP48E1"), lut=g("LUT1", "LUT2", "LUT3", "LUT4", "LUT5", "LUT6"),
        lutram=sum(n * cells.get(k, 0) for k, n in LUTRAM_LUTS.items()), srl=g("SRL16E", "SRLC32E"),
        ff=g("FDRE", "FDSE", "FDCE", "FDPE"), bram18=g("RAMB18E2", "RAMB18E1") + 2 * g("RAMB36E2", "RAMB36E1"),
        carry=g("CARRY4", "CARRY8"), muxf=g("MUXF7", "MUXF8", "MUXF9"), seconds=int(open(f"{d}/seconds").read())))
keys = list(rows[0].keys())
with open(f"{here}/resources.csv", "w") as f:
    f.write(",".join(keys) + "\n")
    for r in rows:
        f.write(",".join(str(r[k]) for k in keys) + "\n")

# the MAC-array terms of codegen-hls ResourceModel (DSP: one per MAC, halved at 8 bit on xcup,
# plus DSP_PER_REQUANT = 2 per output lane; LUT_PER_MAC16/8 = 120/70; FF_PER_MAC16/8 = 250/140)
def model(r):
    macs, eight = r["tm"] * r["tn"], r["bits"] <= 8
    dsp = ((macs + 1) // 2 if eight and r["family"] == "xcup" else macs) + 2 * r["tm"]
    return dsp, macs * (70 if eight else 120), macs * (140 if eight else 250)
def err(model_v, y):
    return f"{100.0 * (model_v - y) / y:+.0f}%" if y else "n/a"

# per-size fit: resource = a * Tm*Tn + b * Tm + c over the three xcup sizes of one precision
def fit(rs, key):
    import fractions
    A = [[fractions.Fraction(r["tm"] * r["tn"]), fractions.Fraction(r["tm"]), fractions.Fraction(1)] for r in rs]
    y = [fractions.Fraction(r[key]) for r in rs]
    n = 3
    M = [A[i] + [y[i]] for i in range(n)]
    for c in range(n):
        p = next(i for i in range(c, n) if M[i][c] != 0)
        M[c], M[p] = M[p], M[c]
        for i in range(n):
            if i != c and M[i][c] != 0:
                f = M[i][c] / M[c][c]
                M[i] = [a - f * b for a, b in zip(M[i], M[c])]
    return [float(M[i][n] / M[i][i]) for i in range(n)]

out = []
out.append("# RTL MAC array core: Yosys resource counts\n")
out.append("Written by `rtl/bench/synth_sizes.sh` (" + open(f"{build}/yosys_version").read().strip()
           + ", `synth_xilinx -family <family> -flatten -noiopad` on the generated SystemVerilog).\n"
           "The core is the Tm x Tn MAC array with its output stage (bias preload, per-channel requantize with"
           " a runtime multiplier and shift, saturation, activation clamp), stream handshakes and a 6-beat output"
           " queue; no on-chip tile buffers or AXI plumbing. 16-bit = 16-bit activations, weights and outputs"
           " with a 48-bit accumulator; 8-bit likewise with 32 bits (the contract's width for K = 32768 terms);"
           " 16-bit requantize multiplier, 8-bit shift.\n")
out.append("| config | family | Tm x Tn | bits | MAC multipliers | DSP | LUT (logic) | LUTRAM (LUTs) | FF | BRAM18 | carry | MUXF7/8/9 | Yosys s |")
out.append("|---|---|---|---|---|---|---|---|---|---|---|---|---|")
for r in rows:
    out.append(f"| {r['config']} | {r['family']} | {r['tm']}x{r['tn']} | {r['bits']} | {r['multipliers']} | {r['dsp']} | {r['lut']} |"
               f" {r['lutram']} | {r['ff']} | {r['bram18']} | {r['carry']} | {r['muxf']} | {r['seconds']} |")
out.append("\nDSP is DSP48E2 on xcup (Zynq UltraScale+) and DSP48E1 on xc7 (Zynq-7000). Yosys 0.23 writes"
           " CARRY4 cells for both families (Vivado would use CARRY8 on UltraScale+); they are not LUTs.\n")

out.append("## Where the resources go\n")
out.append("Exact fit of each resource to `a * Tm*Tn + b * Tm + c` over the three UltraScale+ sizes of one"
           " precision (per MAC, per output lane, fixed):\n")
out.append("| bits | resource | per MAC | per output lane | fixed |")
out.append("|---|---|---|---|---|")
for bits in (16, 8):
    rs = [r for r in rows if r["bits"] == bits and r["family"] == "xcup" and r["config"].count("_") == 2]
    if len(rs) == 3:
        for key in ("dsp", "lut", "ff"):
            a, b, c = fit(rs, key)
            out.append(f"| {bits} | {key.upper()} | {a:.1f} | {b:.1f} | {c:.0f} |")
out.append("")

out.append("## Against the resource model's MAC-array terms\n")
out.append("codegen-hls `ResourceModel` estimates the whole engine; its terms that scale with the array are"
           " DSP = MACs (halved at 8 bit on UltraScale+, two MACs per DSP48E2) + 2 per output lane, LUT = 120"
           " (16-bit) / 70 (8-bit) per MAC, FF = 250 / 140 per MAC. Error = (model - Yosys) / Yosys:\n")
out.append("| config | DSP model / Yosys | err | LUT model / Yosys | err | FF model / Yosys | err |")
out.append("|---|---|---|---|---|---|---|")
for r in rows:
    md, ml, mf = model(r)
    out.append(f"| {r['config']} | {md} / {r['dsp']} | {err(md, r['dsp'])} | {ml} / {r['lut'] + r['lutram']} |"
               f" {err(ml, r['lut'] + r['lutram'])} | {mf} / {r['ff']} | {err(mf, r['ff'])} |")
out.append("")

out.append("## Findings\n")
for bits in (16, 8):
    rs = [r for r in rows if r["bits"] == bits and r["family"] == "xcup" and r["config"].count("_") == 2]
    if len(rs) != 3:
        continue
    a, b, c = fit(rs, "dsp")
    out.append(f"- {bits} bit: {a:.2f} DSP48E2 per MAC and {b:.2f} per output lane (the requantize product"
               f" acc x M, {rs[0]['accWidth']} x 17 bits, split by the generator into 24-bit pieces).")
    if bits == 8:
        up = [r for r in rows if r["config"] == "8x8_8_xcup_unpacked"]
        pk = [r for r in rows if r["config"] == "8x8_8_xcup"]
        note = ("  Two 8-bit MACs share one DSP48E2 because the generator packs them: the weights of output"
                " channels 2j and 2j+1 enter one 25 x 8 product (w1 * 2^16 + w2) * x, and w1*x, w2*x are split"
                " off the 33-bit result with a one-bit borrow correction (Xilinx WP486's INT8 packing, without"
                " the DSP pre-adder).")
        if up and pk:
            note += (f" Yosys 0.23 does not pack on its own: with packMacs off, 8x8 at 8 bit takes {up[0]['dsp']}"
                     f" DSP48E2 (one per 8 x 8 product) against {pk[0]['dsp']} packed; packing costs"
                     f" {pk[0]['lut'] - up[0]['lut']:+d} LUT and {pk[0]['ff'] - up[0]['ff']:+d} FF.")
        out.append(note)
    al, bl, cl = fit(rs, "lut")
    af, bf, cf = fit(rs, "ff")
    out.append(f"  LUT: {al:.0f} per MAC (adder tree{', unpacking' if bits == 8 else ''}) and {bl:.0f} per output lane (accumulator with bias"
               " preload, the partial-product sum of acc x M, the runtime requantize shifter, rounding,"
               f" saturation, clamp). FF: {af:.0f} per MAC (the multiplier output register, which Yosys 0.23 does"
               f" not absorb into DSP48E2's MREG) and {bf:.0f} per output lane (adder-tree sum, accumulator,"
               " acc x M register).")
for x in [r for r in rows if r["family"] == "xc7"]:
    same = [r for r in rows if r["family"] == "xcup" and r["config"] == x["config"].replace("xc7", "xcup")]
    if same:
        u = same[0]
        out.append(f"- Zynq-7000 ({x['config']}): {x['dsp']} DSP48E1 against {u['dsp']} DSP48E2, {x['ff']} FF against"
                   f" {u['ff']}: on xc7 Yosys absorbs the multiplier output register into the DSP48E1 (MREG), on"
                   " xcup it leaves it in fabric.")
x8 = [r for r in rows if r["family"] == "xc7" and r["bits"] == 8]
if x8:
    out.append(f"- The packing works on DSP48E1 too (a 25 x 8 product fits its 25 x 18 multiplier): {x8[0]['config']}"
               f" takes {x8[0]['dsp']} DSP48E1. ResourceModel halves 8-bit MACs only on UltraScale+, so for this core"
               " its Zynq-7000 DSP estimate is high by the halving.")
out.append("- ResourceModel's LUT and FF terms are per MAC of the whole HLS engine (buffer banking, operand"
           " muxing, HLS pipeline registers, calibrated to CNNA16), so they are not expected to match the bare"
           " core: the core's LUTs grow with the output lanes (requantize) as much as with the MACs, and its FFs"
           " are about one multiplier output register per MAC. The per-MAC and per-lane fits above are the"
           " numbers to calibrate a core-only model with.")
out.append("- The 16-bit products and acc x M are written as `$signed(a) * $signed(b)` in their own module"
           " (`cnnhls_smul`): firtool lowers a Chisel SInt product to an unsigned product of sign-extended"
           " operands, which Yosys maps to three DSPs per 16 x 16 product instead of one.")
out.append("")
open(f"{here}/resources.md", "w").write("\n".join(out) + "\n")
EOF
echo "synth_sizes: wrote $here/resources.csv and $here/resources.md" >&2
