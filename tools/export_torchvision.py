#!/usr/bin/python3
"""Export torchvision CNNs to ONNX with random (seeded) weights.

Why: cnnhls must handle the graphs of real large networks (VGG16, ResNet18,
MobileNetV2), but there is no internet access to fetch pretrained weights.
The graph structure and tensor shapes are what matter for the compiler, so
the models are built with weights=None and initialised after
torch.manual_seed(0), which makes the exports reproducible.

How: each model is put in eval mode and exported with a fixed 1x3xSxS input
(S = --size, 224 by default), opset 13, constant folding (BatchNorm is folded into Conv), input
name "input" and output name "output", no dynamic axes.  With --inputs it
also writes <name>_input.npy (1,3,S,S) and <name>_calib.npy
(8,3,S,S), seeded float32 standard-normal data.  It prints each file's
size and the set of ONNX op types used.

Usage: /usr/bin/python3 tools/export_torchvision.py vgg16 resnet18 mobilenet_v2
           [--all] [--inputs] [--size 224] [--out build/models]
       /usr/bin/python3 tools/export_torchvision.py shufflenet_v2_x0_5 --size 64 --inputs
(VGG16 is ~528 MB; build/ must not be committed.  ShuffleNetV2 exercises the
channel split (Split or Slice), the channel shuffle (Reshape, Transpose,
Reshape) and ReduceMean pooling.)
"""
import argparse
import collections
import os

import numpy as np
import onnx
import torch
import torchvision

MODELS = ["vgg16", "resnet18", "mobilenet_v2"]
OPSET = 13


def export(name, out_dir, write_inputs, size=224):
    torch.manual_seed(0)
    model = getattr(torchvision.models, name)(weights=None).eval()
    path = os.path.normpath(os.path.join(out_dir, name + ".onnx"))
    with torch.no_grad():
        torch.onnx.export(model, torch.zeros(1, 3, size, size), path,
                          opset_version=OPSET, do_constant_folding=True,
                          input_names=["input"], output_names=["output"])
    # check_model on the path also works for models close to the 2 GB limit
    onnx.checker.check_model(path)
    graph = onnx.load(path).graph
    ops = collections.Counter(n.op_type for n in graph.node)
    print(f"{name}: {path} {os.path.getsize(path) / 2**20:.1f} MiB, "
          f"{len(graph.node)} nodes")
    print("  ops:", ", ".join(f"{op} x{c}" for op, c in sorted(ops.items())))

    if write_inputs:
        rng = np.random.default_rng(0)
        np.save(os.path.join(out_dir, name + "_input.npy"),
                rng.standard_normal((1, 3, size, size), dtype=np.float32))
        np.save(os.path.join(out_dir, name + "_calib.npy"),
                rng.standard_normal((8, 3, size, size), dtype=np.float32))


def main():
    here = os.path.dirname(os.path.abspath(__file__))
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("models", nargs="*", help="torchvision model names")
    ap.add_argument("--all", action="store_true", help="export " + " ".join(MODELS))
    ap.add_argument("--out", default=os.path.join(here, "..", "build", "models"))
    ap.add_argument("--inputs", action="store_true",
                    help="also write <name>_input.npy and <name>_calib.npy")
    ap.add_argument("--size", type=int, default=224, help="input height and width")
    args = ap.parse_args()
    names = list(dict.fromkeys(args.models + (MODELS if args.all else [])))
    if not names:
        ap.error("give model names or --all")
    os.makedirs(args.out, exist_ok=True)
    for name in names:
        export(name, args.out, args.inputs, args.size)


if __name__ == "__main__":
    main()
