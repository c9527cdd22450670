#!/usr/bin/python3
"""Train a tiny CNN on scikit-learn's bundled 8x8 digits and export it to ONNX.

Why: cnnhls needs a small, real, *trained* network with a known reference
accuracy so the compiler/simulator output can be checked end to end without
any downloads (load_digits ships inside scikit-learn).

How: pixels are scaled /16 to [0,1] (float32, shape (N,1,8,8)), a 25%
stratified test split is held out, and the model
    Conv(1->8,3x3,p1)-ReLU-MaxPool2-Conv(8->16,3x3,p1)-ReLU-MaxPool2
    -Flatten-Linear(64->32)-ReLU-Linear(32->10)
is trained with Adam, single-threaded with fixed seeds and deterministic
algorithms.  It is exported with opset 13, constant folding, batch fixed to 1,
input "input" and output "logits", so the graph only uses
Conv/Relu/MaxPool/Flatten/Gemm.

Outputs (in examples/digits/ by default): digits_cnn.onnx, test_x.npy,
test_y.npy and digits_meta.json (accuracy of the float32 torch model on
test_x, versions, names).

Usage: /usr/bin/python3 tools/train_digits.py [--out DIR] [--epochs N]
"""
import argparse
import json
import os
import random

import numpy as np
import onnx
import torch
import torch.nn as nn
from sklearn.datasets import load_digits
from sklearn.model_selection import train_test_split

SEED = 0
OPSET = 13
INPUT_NAME = "input"
OUTPUT_NAME = "logits"


def make_model():
    return nn.Sequential(
        nn.Conv2d(1, 8, 3, padding=1), nn.ReLU(), nn.MaxPool2d(2),   # 8x4x4
        nn.Conv2d(8, 16, 3, padding=1), nn.ReLU(), nn.MaxPool2d(2),  # 16x2x2
        nn.Flatten(),                                                # 64
        nn.Linear(64, 32), nn.ReLU(),
        nn.Linear(32, 10),
    )


def count_correct(model, x, y):
    with torch.no_grad():
        return int((model(torch.from_numpy(x)).argmax(1).numpy() == y).sum())


def main():
    here = os.path.dirname(os.path.abspath(__file__))
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--out", default=os.path.join(here, "..", "examples", "digits"))
    ap.add_argument("--epochs", type=int, default=40)
    args = ap.parse_args()

    random.seed(SEED)
    np.random.seed(SEED)
    torch.manual_seed(SEED)
    torch.use_deterministic_algorithms(True)
    torch.set_num_threads(1)

    digits = load_digits()
    x = (digits.images / 16.0).astype(np.float32).reshape(-1, 1, 8, 8)
    y = digits.target.astype(np.int64)
    x_tr, x_te, y_tr, y_te = train_test_split(
        x, y, test_size=0.25, random_state=0, stratify=y)

    model = make_model()
    opt = torch.optim.Adam(model.parameters(), lr=1e-3)
    loss_fn = nn.CrossEntropyLoss()
    xt, yt = torch.from_numpy(x_tr), torch.from_numpy(y_tr)
    gen = torch.Generator().manual_seed(SEED)
    for epoch in range(args.epochs):
        model.train()
        perm = torch.randperm(len(xt), generator=gen)
        for i in range(0, len(xt), 32):
            idx = perm[i:i + 32]
            opt.zero_grad()
            loss = loss_fn(model(xt[idx]), yt[idx])
            loss.backward()
            opt.step()
        if (epoch + 1) % 10 == 0:
            model.eval()
            print(f"epoch {epoch + 1}: loss {loss.item():.4f} "
                  f"test acc {count_correct(model, x_te, y_te) / len(y_te):.4f}")

    model.eval()
    test_correct = count_correct(model, x_te, y_te)
    train_correct = count_correct(model, x_tr, y_tr)

    os.makedirs(args.out, exist_ok=True)
    onnx_path = os.path.join(args.out, "digits_cnn.onnx")
    torch.onnx.export(model, torch.zeros(1, 1, 8, 8), onnx_path,
                      opset_version=OPSET, do_constant_folding=True,
                      input_names=[INPUT_NAME], output_names=[OUTPUT_NAME])
    m = onnx.load(onnx_path)
    onnx.checker.check_model(m)
    ops = [n.op_type for n in m.graph.node]

    np.save(os.path.join(args.out, "test_x.npy"), x_te)
    np.save(os.path.join(args.out, "test_y.npy"), y_te)
    meta = {
        "test_count": len(y_te),
        "test_correct": test_correct,
        "test_accuracy": test_correct / len(y_te),
        "train_accuracy": train_correct / len(y_tr),
        "epochs": args.epochs,
        "opset": OPSET,
        "seed": SEED,
        "input_name": INPUT_NAME,
        "output_name": OUTPUT_NAME,
        "input_scaling": "pixels / 16.0 -> [0,1], float32, (N,1,8,8)",
        "torch_version": torch.__version__,
        "onnx_version": onnx.__version__,
    }
    with open(os.path.join(args.out, "digits_meta.json"), "w") as f:
        json.dump(meta, f, indent=2)
        f.write("\n")
    print("ops:", ops)
    print(json.dumps(meta, indent=2))


if __name__ == "__main__":
    main()
