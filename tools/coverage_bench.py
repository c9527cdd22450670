#!/usr/bin/python3
"""Model coverage benchmark (issue 14): which real CNNs cnnhls compiles, how well they quantize, and
whether their projects C-simulate bit-exact.

Why: "supports modern CNNs" is a claim about real exported graphs, not about hand-built test
fixtures. This runs the CLI as a user would on torchvision's models and a few hand-written ones
(squeeze-excitation CNN, UNets with nearest / bilinear upsampling and transposed convs, a small
YOLO-style detector), all with seeded random weights.

How, per model:
  1. build it (weights=None, torch.manual_seed(0)); set BatchNorm statistics by 16 train-mode
     forward passes of seeded standard-normal batches (random weights with default statistics make
     activations explode or vanish with depth), then eval(); segmentation models return 'out';
  2. export ONNX (opset --opset, constant folding, batch 1) with calib.npy (--calib inputs, default
     8 as issue 14 asks) and eval.npy (4 other inputs), and PyTorch's float outputs on eval;
  3. `cnnhls run` (float): the largest |error| against PyTorch, over every output;
  4. per precision (16, 8): `cnnhls compile --board B --precision P --calibration calib.npy`
     (exit code, the error line when refused, modeled ms per image from report.json), and
     `cnnhls run --fixed` on eval: output SQNR against PyTorch's float (a model with several
     outputs: the worst output's, each one in results.json), top-1 agreement;
  5. with --csim, `cnnhls csim` of each project (exit 0 = bit-exact against the golden model).
Writes OUT/results.json and prints a Markdown table. Progress goes to stderr on a terminal only.

Usage: /usr/bin/python3 tools/coverage_bench.py [--models a,b,...] [--size 224] [--board ultra96]
           [--precisions 16,8] [--csim] [--opset 13] [--out build/coverage] [--clean]
(build/ must not be committed.)
"""
import argparse
import warnings
import json
import os
import re
import shutil
import subprocess
import sys
import time

import numpy as np
import onnx
import torch
import torch.nn as nn
import torchvision

TORCHVISION = [
    "alexnet", "vgg11_bn", "resnet18", "resnet34", "resnet50", "resnext50_32x4d", "wide_resnet50_2",
    "densenet121", "googlenet", "inception_v3", "regnet_x_400mf", "squeezenet1_0", "mobilenet_v2",
    "mobilenet_v3_small", "mobilenet_v3_large", "efficientnet_b0", "regnet_y_400mf", "mnasnet1_0",
    "shufflenet_v2_x1_0", "convnext_tiny",
]
SEGMENTATION = ["fcn_resnet50", "lraspp_mobilenet_v3_large"]
HANDWRITTEN = ["se_cnn", "unet_nearest", "unet_bilinear", "unet_convt", "yolo_small"]


def conv_bn(cin, cout, k=3, s=1, act=None):
    return nn.Sequential(nn.Conv2d(cin, cout, k, s, k // 2, bias=False), nn.BatchNorm2d(cout), act or nn.ReLU())


class SeCnn(nn.Module):
    """Conv stages with squeeze-excitation gates (sigmoid), as in MobileNetV3/EfficientNet."""

    def __init__(self):
        super().__init__()
        self.stages = nn.ModuleList([conv_bn(3, 16, s=2), conv_bn(16, 32, s=2), conv_bn(32, 64, s=2)])
        self.se = nn.ModuleList([nn.Sequential(nn.AdaptiveAvgPool2d(1), nn.Conv2d(c, c // 4, 1), nn.ReLU(),
                                               nn.Conv2d(c // 4, c, 1), nn.Sigmoid()) for c in (16, 32, 64)])
        self.fc = nn.Linear(64, 10)

    def forward(self, x):
        for conv, se in zip(self.stages, self.se):
            x = conv(x)
            x = x * se(x)
        return self.fc(torch.flatten(nn.functional.adaptive_avg_pool2d(x, 1), 1))


class UNet(nn.Module):
    """Two-level UNet: encoder with max-pool, decoder with `up` upsampling and skip concats."""

    def __init__(self, up):
        super().__init__()
        self.e1, self.e2, self.mid = conv_bn(3, 16), conv_bn(16, 32), conv_bn(32, 64)
        self.upmode = up
        if up == "convt":
            self.u2, self.u1 = nn.ConvTranspose2d(64, 64, 2, 2), nn.ConvTranspose2d(32, 32, 2, 2)
        self.d2, self.d1 = conv_bn(96, 32), conv_bn(48, 16)
        self.head = nn.Conv2d(16, 2, 1)

    def up(self, x, i):
        if self.upmode == "convt":
            return (self.u2 if i == 2 else self.u1)(x)
        if self.upmode == "nearest":
            return nn.functional.interpolate(x, scale_factor=2, mode="nearest")
        return nn.functional.interpolate(x, scale_factor=2, mode="bilinear", align_corners=False)

    def forward(self, x):
        a = self.e1(x)
        b = self.e2(nn.functional.max_pool2d(a, 2))
        m = self.mid(nn.functional.max_pool2d(b, 2))
        y = self.d2(torch.cat([self.up(m, 2), b], 1))
        y = self.d1(torch.cat([self.up(y, 1), a], 1))
        return self.head(y)


class YoloSmall(nn.Module):
    """YOLOv3-tiny-like: LeakyReLU conv stack with max-pools, two heads joined by upsample + concat."""

    def __init__(self):
        super().__init__()
        leaky = lambda: nn.LeakyReLU(0.1)
        self.b1 = nn.Sequential(conv_bn(3, 16, act=leaky()), nn.MaxPool2d(2), conv_bn(16, 32, act=leaky()), nn.MaxPool2d(2),
                                conv_bn(32, 64, act=leaky()), nn.MaxPool2d(2))
        self.b2 = nn.Sequential(conv_bn(64, 128, act=leaky()), nn.MaxPool2d(2))
        self.h2 = nn.Conv2d(128, 3 * 7, 1)
        self.lat = conv_bn(128, 32, k=1, act=leaky())
        self.h1 = nn.Conv2d(96, 3 * 7, 1)

    def forward(self, x):
        f1 = self.b1(x)
        f2 = self.b2(f1)
        up = nn.functional.interpolate(self.lat(f2), scale_factor=2, mode="nearest")
        return self.h1(torch.cat([up, f1], 1)), self.h2(f2)


class OutOnly(nn.Module):
    def __init__(self, m):
        super().__init__()
        self.m = m

    def forward(self, x):
        return self.m(x)["out"]


def build(name):
    torch.manual_seed(0)
    if name == "se_cnn":
        model = SeCnn()
    elif name.startswith("unet_"):
        model = UNet(name[5:])
    elif name == "yolo_small":
        model = YoloSmall()
    elif name in SEGMENTATION:
        kw = {"weights_backbone": None} if name == "fcn_resnet50" else {"weights_backbone": None}
        model = OutOnly(getattr(torchvision.models.segmentation, name)(weights=None, num_classes=21, **kw))
    elif name == "googlenet":
        model = torchvision.models.googlenet(weights=None, aux_logits=False, init_weights=True)
    elif name == "inception_v3":
        model = torchvision.models.inception_v3(weights=None, aux_logits=False, init_weights=True)
    else:
        model = getattr(torchvision.models, name)(weights=None)
    return model


def calibrate_bn(model, size, passes=16):
    g = torch.Generator().manual_seed(1)
    for m in model.modules():
        if isinstance(m, nn.modules.batchnorm._BatchNorm):
            m.momentum = None  # cumulative average over the passes
    model.train()
    with torch.no_grad():
        for _ in range(passes):
            model(torch.randn(2, 3, size, size, generator=g))
    return model.eval()


def sqnr(ref, y):
    return float(10 * np.log10((ref.astype(np.float64) ** 2).sum() / max(((ref - y).astype(np.float64) ** 2).sum(), 1e-300)))


def outputs_of(out):
    return list(out) if isinstance(out, (tuple, list)) else [out]


def output_files(first, names):
    """The files `cnnhls run --output FIRST` writes: FIRST for the first output, FIRST.<name>.npy for the others."""
    stem = first[:-4] if first.endswith(".npy") else first
    return [first] + [f"{stem}.{re.sub(r'[^A-Za-z0-9_.-]', '_', n)}.npy" for n in names[1:]]


def load_outputs(first, names, refs):
    return [np.load(f).reshape(r.shape) for f, r in zip(output_files(first, names), refs)]


def cli(repo, args, timeout):
    env = dict(os.environ, CNNHLS_JAVA_OPTS=os.environ.get("CNNHLS_JAVA_OPTS", "-Xmx10g"))
    t = time.time()
    try:
        p = subprocess.run([os.path.join(repo, "cnnhls")] + args, capture_output=True, text=True, env=env, timeout=timeout)
        code, err = p.returncode, p.stderr
    except subprocess.TimeoutExpired:
        code, err = "timeout", f"timed out after {timeout} s"
    lines = [l for l in err.strip().splitlines() if not l.startswith("cnnhls: warning")]
    return code, (lines[-1] if lines else ""), round(time.time() - t, 1)


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--models", default=",".join(TORCHVISION + SEGMENTATION + HANDWRITTEN))
    ap.add_argument("--size", type=int, default=224)
    ap.add_argument("--board", default="ultra96")
    ap.add_argument("--precisions", default="16,8")
    ap.add_argument("--opset", type=int, default=13)
    ap.add_argument("--calib", type=int, default=8, help="calibration inputs (seeded standard normal)")
    ap.add_argument("--csim", action="store_true", help="also C-simulate every compiled project")
    ap.add_argument("--timeout", type=int, default=3600, help="seconds per cnnhls command")
    ap.add_argument("--repo", default=os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
    ap.add_argument("--out", default="build/coverage")
    ap.add_argument("--clean", action="store_true", help="re-export models that already exist in OUT")
    a = ap.parse_args()
    warnings.filterwarnings("ignore")  # the exporter's shape-inference chatter; errors still surface
    tty = sys.stderr.isatty()
    torch.set_num_threads(max(1, os.cpu_count() or 1))
    os.makedirs(a.out, exist_ok=True)
    results = {}
    for name in a.models.split(","):
        d = os.path.join(a.out, f"{name}_{a.size}")
        if a.clean and os.path.isdir(d):
            shutil.rmtree(d)
        os.makedirs(d, exist_ok=True)
        r = results.setdefault(name, {"size": a.size})
        onnx_path = os.path.join(d, "model.onnx")
        if tty:
            print(f"{name}: build, export", file=sys.stderr)
        calib = np.random.default_rng(2).standard_normal((a.calib, 3, a.size, a.size), dtype=np.float32)
        evals = np.random.default_rng(3).standard_normal((4, 3, a.size, a.size), dtype=np.float32)
        np.save(os.path.join(d, "calib.npy"), calib)
        np.save(os.path.join(d, "eval.npy"), evals)
        try:
            model = calibrate_bn(build(name), a.size)
            with torch.no_grad():
                runs = [outputs_of(model(torch.from_numpy(evals[i:i + 1]))) for i in range(len(evals))]
                # every output of the model, each stacked over the evaluation inputs (in the export's order)
                refs = [np.concatenate([run[k].numpy() for run in runs]) for k in range(len(runs[0]))]
                ref = refs[0]
            if not os.path.exists(onnx_path):
                torch.onnx.export(model, torch.zeros(1, 3, a.size, a.size), onnx_path, opset_version=a.opset,
                                  do_constant_folding=True, input_names=["input"])
        except Exception as e:  # a model PyTorch cannot build or export at this size is reported, not fatal
            r["export"] = f"error: {type(e).__name__}: {str(e).splitlines()[0][:160]}"
            continue
        names = [o.name for o in onnx.load(onnx_path).graph.output]
        r["outputs"] = len(names)
        fy = os.path.join(d, "float.npy")
        code, err, _ = cli(a.repo, ["run", onnx_path, "--input", os.path.join(d, "eval.npy"), "--output", fy], a.timeout)
        if code != 0:
            r["float"] = f"exit {code}: {err}"
        else:
            r["float_max_abs_err"] = max(float(np.abs(y - rf).max()) for y, rf in zip(load_outputs(fy, names, refs), refs))
        for p in a.precisions.split(","):
            proj = os.path.join(d, f"proj{p}")
            shutil.rmtree(proj, ignore_errors=True)
            if tty:
                print(f"{name}: compile at {p} bit", file=sys.stderr)
            code, err, secs = cli(a.repo, ["compile", onnx_path, "--board", a.board, "--precision", p, "--calibration",
                                           os.path.join(d, "calib.npy"), "-o", proj], a.timeout)
            r[f"compile{p}"] = "ok" if code == 0 else f"exit {code}: {err}"
            r[f"compile{p}_s"] = secs
            if code == 0:
                try:
                    with open(os.path.join(proj, "report.json")) as f:
                        rep = json.load(f)
                    r[f"ms{p}"] = rep.get("latencyMs")
                except (OSError, ValueError):
                    pass
            qy = os.path.join(d, f"fixed{p}.npy")
            code, err, _ = cli(a.repo, ["run", onnx_path, "--fixed", "--precision", p, "--calibration",
                                        os.path.join(d, "calib.npy"), "--input", os.path.join(d, "eval.npy"), "--output", qy],
                               a.timeout)
            if code == 0:
                ys = load_outputs(qy, names, refs)
                y = ys[0]
                # several outputs: the worst one's SQNR (each is in sqnr{p}_each)
                each = [round(sqnr(rf, yk), 2) for rf, yk in zip(refs, ys)]
                r[f"sqnr{p}"] = min(each)
                if len(each) > 1:
                    r[f"sqnr{p}_each"] = each
                if ref.ndim == 2:
                    r[f"top1_{p}"] = float((y.argmax(1) == ref.argmax(1)).mean())
            else:
                r[f"sqnr{p}"] = f"exit {code}"
            if a.csim and r[f"compile{p}"] == "ok":
                if tty:
                    print(f"{name}: csim at {p} bit", file=sys.stderr)
                code, err, secs = cli(a.repo, ["csim", proj], a.timeout)
                r[f"csim{p}"] = "bit-exact" if code == 0 else f"exit {code}: {err}"
        with open(os.path.join(a.out, f"results_{a.size}.json"), "w") as f:
            json.dump(results, f, indent=1)
    precs = a.precisions.split(",")
    cols = ["float |err|"] + sum(([f"compile {p}", f"SQNR {p} dB", f"ms {p}"] + ([f"C-sim {p}"] if a.csim else []) for p in precs), [])
    print(f"| model ({a.size}x{a.size}, {a.board}) | " + " | ".join(cols) + " |")
    print("|---" * (len(cols) + 1) + "|")
    for name, r in results.items():
        if "export" in r:
            print(f"| {name} | {r['export']} |" + " |" * (len(cols) - 1))
            continue
        cells = [f"{r['float_max_abs_err']:.1e}" if "float_max_abs_err" in r else r.get("float", "-")]
        for p in precs:
            cells += [r.get(f"compile{p}", "-"), str(r.get(f"sqnr{p}", "-")),
                      f"{r[f'ms{p}']:.2f}" if isinstance(r.get(f"ms{p}"), (int, float)) else "-"]
            if a.csim:
                cells.append(r.get(f"csim{p}", "-"))
        print(f"| {name} | " + " | ".join(c.replace("|", "/") for c in cells) + " |")


if __name__ == "__main__":
    main()
