#!/usr/bin/python3
"""cnnhls post-training quantization against PyTorch's, on the same models and data (issue 19).

Why: the claim "cnnhls's 8-bit PTQ is at least as good as PyTorch's" needs the same models, the
same calibration inputs and a separate evaluation set, measured one way for both.

How, per model:
  1. build it (torchvision, weights=None, torch.manual_seed(0)); set BatchNorm statistics by 64
     forward passes of seeded standard-normal batches in train mode (random weights with default
     BN statistics make activations explode or vanish with depth), then eval();
  2. export ONNX (opset 13, constant folding) and write calib.npy (16 inputs) and eval.npy (32
     inputs, a different seed), and the float outputs on eval;
  3. PyTorch: FX graph mode PTQ on the oneDNN engine (quint8 activations with zero points,
     per-channel symmetric qint8 weights), calibrated on calib, with a histogram and a min-max
     activation observer; outputs on eval;
  4. cnnhls: `cnnhls run MODEL --fixed --precision P --calibration calib.npy
     --calibration-method M --input eval.npy --output y.npy` for each variant asked: a variant is a
     calibration method, optionally with `+wmse` (--weight-clipping mse) and `+bc`
     (--bias-correction), e.g. `mse+wmse+bc`;
  5. SQNR = 10 log10(sum y_float^2 / sum (y_float - y_q)^2) over all eval outputs, for both.
Writes OUT/results.json and prints a Markdown table.

Usage: /usr/bin/python3 tools/ptq_compare.py [--models resnet18,resnet50,mobilenet_v2]
           [--size 224] [--methods max,mse,entropy] [--precision 8] [--repo .] [--out build/ptq]
"""
import argparse
import json
import os
import subprocess
import sys

import numpy as np
import torch
import torchvision


def build(name, size):
    torch.manual_seed(0)
    model = getattr(torchvision.models, name)(weights=None)
    g = torch.Generator().manual_seed(1)
    model.train()
    with torch.no_grad():
        for _ in range(64):
            model(torch.randn(8, 3, size, size, generator=g))
    return model.eval()


def sqnr(ref, q):
    ref = ref.astype(np.float64)
    q = q.astype(np.float64)
    noise = np.sum((ref - q) ** 2)
    return float("inf") if noise == 0 else 10 * np.log10(np.sum(ref ** 2) / noise)


def torch_ptq(model, calib, evals, observer):
    from torch.ao.quantization import QConfig, QConfigMapping
    from torch.ao.quantization.observer import (HistogramObserver, MinMaxObserver,
                                                PerChannelMinMaxObserver)
    from torch.ao.quantization.quantize_fx import convert_fx, prepare_fx
    torch.backends.quantized.engine = "onednn"
    act = (HistogramObserver if observer == "histogram" else MinMaxObserver).with_args(
        dtype=torch.quint8, reduce_range=False)
    wgt = PerChannelMinMaxObserver.with_args(dtype=torch.qint8, qscheme=torch.per_channel_symmetric)
    mapping = QConfigMapping().set_global(QConfig(activation=act, weight=wgt))
    import copy
    prepared = prepare_fx(copy.deepcopy(model), mapping, (torch.from_numpy(calib[:1]),))
    with torch.no_grad():
        for i in range(len(calib)):
            prepared(torch.from_numpy(calib[i:i + 1]))
        q = convert_fx(prepared)
        return np.concatenate([q(torch.from_numpy(evals[i:i + 1])).numpy() for i in range(len(evals))])


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--models", default="resnet18,resnet50,mobilenet_v2")
    ap.add_argument("--size", type=int, default=224)
    ap.add_argument("--methods", default="max,mse,entropy")
    ap.add_argument("--precision", default="8")
    ap.add_argument("--repo", default=os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
    ap.add_argument("--out", default="build/ptq")
    ap.add_argument("--skip-torch", action="store_true", help="only the cnnhls side (reuses the exports)")
    a = ap.parse_args()
    os.makedirs(a.out, exist_ok=True)
    tty = sys.stderr.isatty()
    results = {}
    for name in a.models.split(","):
        d = os.path.join(a.out, f"{name}_{a.size}")
        os.makedirs(d, exist_ok=True)
        onnx_path = os.path.join(d, "model.onnx")
        rng = np.random.default_rng(2)
        calib = rng.standard_normal((16, 3, a.size, a.size), dtype=np.float32)
        evals = np.random.default_rng(3).standard_normal((32, 3, a.size, a.size), dtype=np.float32)
        np.save(os.path.join(d, "calib.npy"), calib)
        np.save(os.path.join(d, "eval.npy"), evals)
        r = results.setdefault(name, {"size": a.size})
        if tty:
            print(f"{name}: building, exporting", file=sys.stderr)
        model = build(name, a.size)
        with torch.no_grad():
            ref = np.concatenate([model(torch.from_numpy(evals[i:i + 1])).numpy() for i in range(len(evals))])
        if not os.path.exists(onnx_path):
            torch.onnx.export(model, torch.zeros(1, 3, a.size, a.size), onnx_path, opset_version=13,
                              do_constant_folding=True, input_names=["input"], output_names=["output"])
        if not a.skip_torch:
            for obs in ("histogram", "minmax"):
                if tty:
                    print(f"{name}: PyTorch PTQ ({obs})", file=sys.stderr)
                r["torch_" + obs] = round(sqnr(ref, torch_ptq(model, calib, evals, obs)), 2)
        for m in a.methods.split(","):
            if tty:
                print(f"{name}: cnnhls --calibration-method {m}", file=sys.stderr)
            y = os.path.join(d, f"cnnhls_{m}_{a.precision}.npy")
            method, *extras = m.split("+")
            flags = {"wmse": ["--weight-clipping", "mse"], "bc": ["--bias-correction"]}
            unknown = [e for e in extras if e not in flags]
            if unknown:
                sys.exit(f"ptq_compare: variant '{m}': unknown part(s) {unknown} (known: {sorted(flags)})")
            cmd = [os.path.join(a.repo, "cnnhls"), "run", onnx_path, "--fixed", "--precision", a.precision,
                   "--calibration", os.path.join(d, "calib.npy"), "--calibration-method", method,
                   "--input", os.path.join(d, "eval.npy"), "--output", y] + sum((flags[e] for e in extras), [])
            env = dict(os.environ, CNNHLS_JAVA_OPTS=os.environ.get("CNNHLS_JAVA_OPTS", "-Xmx8g"))
            p = subprocess.run(cmd, capture_output=True, text=True, env=env)
            if p.returncode != 0:
                r["cnnhls_" + m] = "error: " + (p.stderr.strip().splitlines() or ["?"])[-1]
                continue
            r["cnnhls_" + m] = round(sqnr(ref, np.load(y).reshape(ref.shape)), 2)
        with open(os.path.join(a.out, f"results_{a.precision}.json"), "w") as f:  # after every model: long runs keep what they measured
            json.dump(results, f, indent=1)
    cols = [f"cnnhls_{m}" for m in a.methods.split(",")] + ([] if a.skip_torch else ["torch_histogram", "torch_minmax"])
    print(f"| model ({a.precision}-bit, output SQNR dB on 32 eval inputs) | " + " | ".join(cols) + " |")
    print("|---" * (len(cols) + 1) + "|")
    for name, r in results.items():
        print(f"| {name} {r['size']} | " + " | ".join(str(r.get(c, "-")) for c in cols) + " |")


if __name__ == "__main__":
    main()
