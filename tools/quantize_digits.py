#!/usr/bin/python3
"""Pre-quantized versions of the digits CNN (issue 16), written offline with Debian's torch and onnx.

1. digits_qdq_int8.onnx: PyTorch FX post-training quantization (prepare_fx / convert_to_reference_fx
   with the qnnpack backend config; qint8 per_tensor_symmetric activations, qint8
   per_channel_symmetric weights, MinMax observers) calibrated on the training split. torch 1.13's
   ONNX exporter cannot trace the reference model (it stores qscheme buffers), so the QDQ graph is
   written with onnx.helper from the reference model's own quantization parameters: the same
   QuantizeLinear/DequantizeLinear placement as the reference model's quantize_per_tensor /
   dequantize calls, int8 weights from get_quantized_weight() with per-channel DequantizeLinear
   (axis 0), int32 biases at s_x s_w[c] as torch.onnx exports quantized ops (requantize_bias_helper:
   Cast(b / (s_w s_x)) to int32, truncating; the reference model adds its float bias instead, the
   quantized kernels quantize it internally).
2. digits_qdq_pow2.onnx: the same with every scale rounded up to a power of two (weights re-rounded).
3. digits_qonnx_w{4,8}.onnx: QONNX (domain qonnx.custom_op.general) written by hand as Brevitas
   exports a fixed-point net: Quant(x, scale, zeropt, bitwidth; signed, narrow, rounding_mode=ROUND)
   on the input, on every weight (per output channel, narrow, power-of-two scales), on every bias
   (32-bit at s_x s_w[c], Brevitas' Int32Bias) and after every ReLU; the logits at 8 bits.

The reference accuracy of each model on the held-out split is computed here, independently of
cnnhls: PyTorch's reference quantized model itself (float bias), and for every exported model a
torch implementation of its QDQ / QONNX fake-quantization semantics. They go to digits_quant_meta.json; the Java test
(examples DigitsPreQuantizedTest) runs ONNX Runtime on the QDQ models and compares.
"""
import json
import os

import numpy as np
import onnx
import torch
import torch.ao.quantization as tq
import torch.nn as nn
import torch.nn.functional as F
from onnx import TensorProto, helper, numpy_helper
from sklearn.datasets import load_digits
from sklearn.model_selection import train_test_split
from torch.ao.quantization.backend_config import get_qnnpack_backend_config
from torch.ao.quantization.quantize_fx import convert_to_reference_fx, prepare_fx

HERE = os.path.dirname(os.path.abspath(__file__))
OUT = os.path.join(HERE, "..", "examples", "digits")


def float_model():
    m = onnx.load(os.path.join(OUT, "digits_cnn.onnx"))
    w = {i.name: numpy_helper.to_array(i).copy() for i in m.graph.initializer}
    model = nn.Sequential(
        nn.Conv2d(1, 8, 3, padding=1), nn.ReLU(), nn.MaxPool2d(2),
        nn.Conv2d(8, 16, 3, padding=1), nn.ReLU(), nn.MaxPool2d(2),
        nn.Flatten(), nn.Linear(64, 32), nn.ReLU(), nn.Linear(32, 10))
    model.load_state_dict({k: torch.from_numpy(v) for k, v in w.items()})
    return model.eval()


def data():
    d = load_digits()
    x = (d.images / 16.0).astype(np.float32).reshape(-1, 1, 8, 8)
    return train_test_split(x, d.target.astype(np.int64), test_size=0.25, random_state=0, stratify=d.target)


# ---------------------------------------------------------------- the net as (layer, params) steps

LAYERS = [("conv", "0"), ("pool", None), ("conv", "3"), ("pool", None), ("flatten", None), ("fc_relu", "7"), ("fc", "9")]


def ptq(model, x_tr):
    qc = tq.QConfig(
        activation=tq.MinMaxObserver.with_args(dtype=torch.qint8, qscheme=torch.per_tensor_symmetric,
                                               quant_min=-127, quant_max=127, eps=2 ** -12),
        weight=tq.PerChannelMinMaxObserver.with_args(dtype=torch.qint8, qscheme=torch.per_channel_symmetric,
                                                     quant_min=-127, quant_max=127, eps=2 ** -12))
    bc = get_qnnpack_backend_config()
    p = prepare_fx(model, tq.QConfigMapping().set_global(qc), (torch.zeros(1, 1, 8, 8),), backend_config=bc)
    with torch.no_grad():
        for i in range(0, len(x_tr), 64):
            p(torch.from_numpy(x_tr[i:i + 64]))
    return convert_to_reference_fx(p, backend_config=bc)


def qparams(ref):
    """Activation scales in graph order and per layer (int8 weights, per-channel scales, float bias)."""
    b = dict(ref.named_buffers())
    act = [float(b[k]) for k in ["0_input_scale_0", "0_scale_0", "2_scale_0", "3_scale_0", "5_scale_0", "6_scale_0",
                                 "7_scale_0", "9_scale_0"]]
    for k in [k for k in b if k.endswith("zero_point_0")]:
        assert int(b[k]) == 0, k
    mods = dict(ref.named_modules())
    layers = {}
    for name, mod in [("0", mods["0.0"]), ("3", mods["3.0"]), ("7", mods["7.0"]), ("9", mods["9"])]:
        qw = mod.get_quantized_weight()
        assert qw.qscheme() == torch.per_channel_symmetric or qw.qscheme() == torch.per_channel_affine
        assert int(qw.q_per_channel_zero_points().abs().max()) == 0
        layers[name] = (qw.int_repr().numpy().astype(np.int8), qw.q_per_channel_scales().numpy().astype(np.float32),
                        mod.bias.detach().numpy().astype(np.float32))
    return act, layers


def pow2(s):
    return np.float32(2.0 ** np.ceil(np.log2(s)))


def pow2_params(act, layers, model):
    fl = {k: v.detach().numpy() for k, v in model.state_dict().items()}
    act2 = [float(pow2(s)) for s in act]
    lay2 = {}
    for name, (q, s, b) in layers.items():
        w = fl[name + ".weight"]
        s2 = np.array([pow2(v) for v in s], dtype=np.float32)
        shape = (-1,) + (1,) * (w.ndim - 1)
        q2 = np.clip(np.rint(w / s2.reshape(shape)), -127, 127).astype(np.int8)
        lay2[name] = (q2, s2, b)
    return act2, lay2


# ---------------------------------------------------------------- QDQ model

def qdq_model(act, layers, name):
    nodes, inits = [], []
    zp = numpy_helper.from_array(np.array(0, dtype=np.int8), "zp_i8")
    inits.append(zp)

    def qdq(x, i):
        s = f"act{i}_scale"
        inits.append(numpy_helper.from_array(np.array(act[i], dtype=np.float32), s))
        nodes.append(helper.make_node("QuantizeLinear", [x, s, "zp_i8"], [f"act{i}_q"], name=f"quant{i}"))
        nodes.append(helper.make_node("DequantizeLinear", [f"act{i}_q", s, "zp_i8"], [f"act{i}_dq" if i < 7 else "logits"],
                                      name=f"dequant{i}"))
        return f"act{i}_dq" if i < 7 else "logits"

    def weights(lname, s_x):
        q, s, b = layers[lname]
        inits.append(numpy_helper.from_array(q, f"w{lname}_q"))
        inits.append(numpy_helper.from_array(s, f"w{lname}_scale"))
        inits.append(numpy_helper.from_array(np.zeros(len(s), dtype=np.int8), f"w{lname}_zp"))
        nodes.append(helper.make_node("DequantizeLinear", [f"w{lname}_q", f"w{lname}_scale", f"w{lname}_zp"], [f"w{lname}"],
                                      name=f"dequant_w{lname}", axis=0))
        qb, sb = int32_bias(b, s, s_x)
        inits.append(numpy_helper.from_array(qb, f"b{lname}_q"))
        inits.append(numpy_helper.from_array(sb, f"b{lname}_scale"))
        inits.append(numpy_helper.from_array(np.zeros(len(s), dtype=np.int32), f"b{lname}_zp"))
        nodes.append(helper.make_node("DequantizeLinear", [f"b{lname}_q", f"b{lname}_scale", f"b{lname}_zp"], [f"b{lname}"],
                                      name=f"dequant_b{lname}", axis=0))
        return f"w{lname}", f"b{lname}"

    x = qdq("input", 0)
    i = 1
    for kind, lname in LAYERS:
        if kind == "conv":
            w, b = weights(lname, act[i - 1])
            nodes.append(helper.make_node("Conv", [x, w, b], [f"conv{lname}"], name=f"conv{lname}", kernel_shape=[3, 3],
                                          pads=[1, 1, 1, 1]))
            nodes.append(helper.make_node("Relu", [f"conv{lname}"], [f"relu{lname}"], name=f"relu{lname}"))
            x = f"relu{lname}"
        elif kind == "pool":
            nodes.append(helper.make_node("MaxPool", [x], [f"pool{i}"], name=f"pool{i}", kernel_shape=[2, 2], strides=[2, 2]))
            x = f"pool{i}"
        elif kind == "flatten":
            nodes.append(helper.make_node("Flatten", [x], ["flat"], name="flatten"))
            x = "flat"
        else:
            w, b = weights(lname, act[i - 1])
            nodes.append(helper.make_node("Gemm", [x, w, b], [f"fc{lname}"], name=f"fc{lname}", transB=1))
            x = f"fc{lname}"
            if kind == "fc_relu":
                nodes.append(helper.make_node("Relu", [x], [f"relu{lname}"], name=f"relu{lname}"))
                x = f"relu{lname}"
        x = qdq(x, i)
        i += 1
    g = helper.make_graph(nodes, name, [helper.make_tensor_value_info("input", TensorProto.FLOAT, [1, 1, 8, 8])],
                          [helper.make_tensor_value_info("logits", TensorProto.FLOAT, [1, 10])], inits)
    m = helper.make_model(g, opset_imports=[helper.make_opsetid("", 13)], producer_name="cnnhls tools/quantize_digits.py")
    m.ir_version = 8
    onnx.checker.check_model(m)
    return m


def int32_bias(b, s_w, s_x):
    """The bias as torch.onnx exports a quantized op's (symbolic_helper.requantize_bias_helper): scale
    s_w * s_x in float32, integers Cast(b / scale) to int32, which truncates toward zero."""
    sb = (s_w * np.float32(s_x)).astype(np.float32)
    return np.trunc(b / sb).astype(np.int32), sb


def fake_quant(x, s, qmin=-128, qmax=127):
    """ONNX QuantizeLinear then DequantizeLinear (float32 division, ties to even)."""
    return torch.clamp(torch.round(x / s), qmin, qmax) * s


def qdq_accuracy(act, layers, x, y):
    """The QDQ model's semantics in torch (an implementation independent of cnnhls and of ONNX Runtime)."""
    t = fake_quant(torch.from_numpy(x), np.float32(act[0]))
    i = 1
    for kind, lname in LAYERS:
        if kind in ("conv", "fc", "fc_relu"):
            q, s, b = layers[lname]
            w = torch.from_numpy(q.astype(np.float32)) * torch.from_numpy(s).reshape((-1,) + (1,) * (q.ndim - 1))
            qb, sb = int32_bias(b, s, act[i - 1])
            b = qb.astype(np.float32) * sb
            t = F.relu(F.conv2d(t, w, torch.from_numpy(b), padding=1)) if kind == "conv" else F.linear(t, w, torch.from_numpy(b))
            if kind == "fc_relu":
                t = F.relu(t)
        elif kind == "pool":
            t = F.max_pool2d(t, 2)
        else:
            t = t.flatten(1)
        t = fake_quant(t, np.float32(act[i]))
        i += 1
    return float((t.argmax(1).numpy() == y).mean())


# ---------------------------------------------------------------- QONNX model

def qonnx_model(model, x_tr, bits, name):
    """Brevitas-style fixed-point QONNX: power-of-two scales from the float model's ranges on the training split."""
    qmax = 2 ** (bits - 1) - 1
    sd = {k: v.detach().numpy() for k, v in model.state_dict().items()}
    # activation ranges of the float model on the training split, at each quantized point
    with torch.no_grad():
        t = torch.from_numpy(x_tr)
        ranges = [float(t.abs().max())]
        for idx, mod in enumerate(model):
            t = mod(t)
            if idx in (1, 4, 8, 9):
                ranges.append(float(t.abs().max()))
    nodes, inits = [], []
    counter = [0]

    def quant(x, scale, bw, signed, narrow, out=None):
        k = counter[0]
        counter[0] += 1
        out = out or f"{x}_quant"
        inits.append(numpy_helper.from_array(np.asarray(scale, dtype=np.float32), f"q{k}_scale"))
        inits.append(numpy_helper.from_array(np.array(0, dtype=np.float32), f"q{k}_zeropt"))
        inits.append(numpy_helper.from_array(np.array(bw, dtype=np.float32), f"q{k}_bitwidth"))
        nodes.append(helper.make_node("Quant", [x, f"q{k}_scale", f"q{k}_zeropt", f"q{k}_bitwidth"], [out], name=f"quant{k}",
                                      domain="qonnx.custom_op.general", signed=int(signed), narrow=int(narrow),
                                      rounding_mode="ROUND"))
        return out

    act_scales = []
    # the input in [0, 1]: unsigned at 4 bit (16 levels), signed at 8 (the engine stores 8 bits)
    in_signed = bits == 8
    s_in = float(pow2(ranges[0] / (qmax if in_signed else 2 ** bits - 1)))
    x = quant("input", s_in, bits, in_signed, False)
    act_scales.append(s_in)
    s_prev = s_in
    r = 1
    params = []
    for kind, lname in LAYERS:
        if kind in ("conv", "fc", "fc_relu"):
            w = sd[lname + ".weight"]
            b = sd[lname + ".bias"]
            sw = np.array([pow2(max(np.abs(c).max(), 1e-8) / qmax) for c in w], dtype=np.float32)
            shape = (-1,) + (1,) * (w.ndim - 1)
            inits.append(numpy_helper.from_array(w, f"w{lname}"))
            inits.append(numpy_helper.from_array(b, f"b{lname}"))
            wq = quant(f"w{lname}", sw.reshape(shape), bits, True, True)
            bq = quant(f"b{lname}", (np.float32(s_prev) * sw).astype(np.float32), 32, True, False)
            if kind == "conv":
                nodes.append(helper.make_node("Conv", [x, wq, bq], [f"conv{lname}"], name=f"conv{lname}", kernel_shape=[3, 3],
                                              pads=[1, 1, 1, 1]))
                nodes.append(helper.make_node("Relu", [f"conv{lname}"], [f"relu{lname}"], name=f"relu{lname}"))
                x = f"relu{lname}"
            else:
                nodes.append(helper.make_node("Gemm", [x, wq, bq], [f"fc{lname}"], name=f"fc{lname}", transB=1))
                x = f"fc{lname}"
                if kind == "fc_relu":
                    nodes.append(helper.make_node("Relu", [x], [f"relu{lname}"], name=f"relu{lname}"))
                    x = f"relu{lname}"
            last = lname == "9"
            # ReLU outputs unsigned at 4 bit (Brevitas' QuantReLU), signed at 8 (8-bit storage); logits signed 8-bit
            obits = 8 if last else bits
            osigned = last or bits == 8
            levels = (2 ** (obits - 1) - 1) if osigned else (2 ** obits - 1)
            s_out = float(pow2(ranges[r] / levels))
            r += 1
            x = quant(x, s_out, obits, osigned, False, out="logits" if last else None)
            params.append((kind, w, sw, b, s_prev, s_out, obits, osigned))
            act_scales.append(s_out)
            s_prev = s_out
        elif kind == "pool":
            nodes.append(helper.make_node("MaxPool", [x], [f"{x}_pool"], name=f"pool_{x}", kernel_shape=[2, 2], strides=[2, 2]))
            x = f"{x}_pool"
            params.append(("pool",))
        else:
            nodes.append(helper.make_node("Flatten", [x], ["flat"], name="flatten"))
            x = "flat"
            params.append(("flatten",))
    g = helper.make_graph(nodes, name, [helper.make_tensor_value_info("input", TensorProto.FLOAT, [1, 1, 8, 8])],
                          [helper.make_tensor_value_info("logits", TensorProto.FLOAT, [1, 10])], inits)
    m = helper.make_model(g, opset_imports=[helper.make_opsetid("", 13), helper.make_opsetid("qonnx.custom_op.general", 1)],
                          producer_name="cnnhls tools/quantize_digits.py")
    m.ir_version = 8
    return m, (s_in, bits, in_signed, params)


def qonnx_quant(x, s, bits, signed, narrow):
    """QONNX Quant with rounding_mode ROUND, zero point 0: clip(round(x / s)) * s (numpy's round: ties to even)."""
    lo = (-(2 ** (bits - 1)) + (1 if narrow else 0)) if signed else 0
    hi = (2 ** (bits - 1) - 1) if signed else (2 ** bits - 1 - (1 if narrow else 0))
    return torch.clamp(torch.round(x / s), lo, hi) * s


def qonnx_accuracy(spec, x, y):
    s_in, bits, in_signed, params = spec
    t = qonnx_quant(torch.from_numpy(x), np.float32(s_in), bits, in_signed, False)
    for p in params:
        if p[0] == "pool":
            t = F.max_pool2d(t, 2)
        elif p[0] == "flatten":
            t = t.flatten(1)
        else:
            kind, w, sw, b, s_x, s_out, obits, osigned = p
            shape = (-1,) + (1,) * (w.ndim - 1)
            wq = qonnx_quant(torch.from_numpy(w), torch.from_numpy(sw.reshape(shape)), bits, True, True)
            bq = qonnx_quant(torch.from_numpy(b), torch.from_numpy((np.float32(s_x) * sw).astype(np.float32)), 32, True, False)
            t = F.relu(F.conv2d(t, wq, bq, padding=1)) if kind == "conv" else F.linear(t, wq, bq)
            if kind == "fc_relu":
                t = F.relu(t)
            t = qonnx_quant(t, np.float32(s_out), obits, osigned, False)
    return float((t.argmax(1).numpy() == y).mean())


def main():
    torch.manual_seed(0)
    torch.set_num_threads(1)
    x_tr, x_te, y_tr, y_te = data()
    model = float_model()
    ref = ptq(model, x_tr)
    with torch.no_grad():
        ref_acc = float((ref(torch.from_numpy(x_te)).argmax(1).numpy() == y_te).mean())
        float_acc = float((model(torch.from_numpy(x_te)).argmax(1).numpy() == y_te).mean())
    act, layers = qparams(ref)
    meta = {"float_accuracy": float_acc, "torch_version": torch.__version__, "onnx_version": onnx.__version__,
            "test_count": int(len(y_te)), "calibration": "training split (1347 samples)"}
    m = qdq_model(act, layers, "digits_qdq_int8")
    onnx.save(m, os.path.join(OUT, "digits_qdq_int8.onnx"))
    meta["digits_qdq_int8"] = {"source": "PyTorch FX PTQ reference model (qnnpack backend config, qint8 symmetric)",
                               "source_accuracy": ref_acc, "qdq_semantics_accuracy": qdq_accuracy(act, layers, x_te, y_te)}
    act2, layers2 = pow2_params(act, layers, model)
    onnx.save(qdq_model(act2, layers2, "digits_qdq_pow2"), os.path.join(OUT, "digits_qdq_pow2.onnx"))
    meta["digits_qdq_pow2"] = {"source": "the PTQ scales rounded up to powers of two, weights re-rounded",
                               "qdq_semantics_accuracy": qdq_accuracy(act2, layers2, x_te, y_te)}
    for bits in (4, 8):
        qm, spec = qonnx_model(model, x_tr, bits, f"digits_qonnx_w{bits}")
        onnx.save(qm, os.path.join(OUT, f"digits_qonnx_w{bits}.onnx"))
        meta[f"digits_qonnx_w{bits}"] = {"source": "hand-written QONNX, Brevitas fixed-point style, power-of-two scales",
                                         "qonnx_semantics_accuracy": qonnx_accuracy(spec, x_te, y_te)}
    with open(os.path.join(OUT, "digits_quant_meta.json"), "w") as f:
        json.dump(meta, f, indent=2, sort_keys=True)
        f.write("\n")
    print(json.dumps(meta, indent=2, sort_keys=True))


if __name__ == "__main__":
    main()
