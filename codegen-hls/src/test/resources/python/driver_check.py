"""Runs the generated PYNQ driver against the stand-in pynq module: python3 driver_check.py <project dir>.

Prints one line per passed check; exits non-zero at the first failure."""
import os
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
project = sys.argv[1]
sys.path[:0] = [HERE, os.path.join(project, "driver")]

import numpy as np  # noqa: E402
import pynq  # noqa: E402  (the stand-in: HERE comes first)
import cnnhls_driver  # noqa: E402

assert pynq.__file__.startswith(HERE), "the stand-in pynq must be imported, not " + pynq.__file__
DATA = os.path.join(project, "hls", "data")
POINTERS = ("weights", "bias", "quant", "fmap_in", "fmap", "fmap_out")
# the driver's buffer behind each pointer argument (one feature-map buffer behind three ports)
BUFFER = {"fmap_in": "fmap", "fmap_out": "fmap"}


def buffer(acc, p):
    return getattr(acc, BUFFER.get(p, p))


def make(registers):
    pynq.REGISTERS = dict(registers)
    del pynq.WRITES[:]
    return cnnhls_driver.Accelerator(bitfile=os.path.join(project, "x.bit"), data=DATA)


def expect_error(registers, missing):
    try:
        make(registers)
    except cnnhls_driver.RegisterError as e:
        msg = str(e)
        assert "'%s'" % missing in msg, msg
        for name in registers:
            assert name in msg, "the error lists the available registers: " + msg
        return msg
    raise AssertionError("no error for missing register " + missing)


# 32-bit halves, as Vitis HLS writes 64-bit pointers into the .hwh
halves = {"CTRL": 32}
for p in POINTERS:
    halves[p + "_1"] = 32
    halves[p + "_2"] = 32
acc = make(halves)
writes = dict(pynq.WRITES)
for p in POINTERS:
    addr = buffer(acc, p).device_address
    assert addr >> 32 != 0, "the stand-in gives addresses above 4 GiB"
    assert writes[p + "_1"] == addr & 0xFFFFFFFF and writes[p + "_2"] == addr >> 32, (p, writes)
assert len(pynq.WRITES) == 2 * len(POINTERS), pynq.WRITES
# the stand-in engine computes nothing: the golden outputs, put where the engine leaves them, must come
# back from run_all by name, in the model's order, dequantized at each output's own format
golden = np.fromfile(os.path.join(DATA, "golden_outputs.bin"), dtype=cnnhls_driver.ACT_DTYPE)
assert golden.size == sum(o[2] for o in cnnhls_driver.OUTPUTS), (golden.size, cnnhls_driver.OUTPUTS)
pos = 0
for name, off, size, shape, lsb in cnnhls_driver.OUTPUTS:
    acc.fmap[off: off + size] = golden[pos: pos + size]
    pos += size
ys = acc.run_all(np.zeros(cnnhls_driver.INPUT_SHAPE, dtype=np.float32))
assert list(ys) == [o[0] for o in cnnhls_driver.OUTPUTS], list(ys)
pos = 0
for name, off, size, shape, lsb in cnnhls_driver.OUTPUTS:
    y = ys[name]
    assert y.shape == shape and y.dtype == np.float32, (name, y.shape, y.dtype)
    want = (golden[pos: pos + size].astype(np.int64) * lsb).astype(np.float32).reshape(shape)
    assert np.array_equal(y, want), name
    pos += size
y = acc.run(np.zeros(cnnhls_driver.INPUT_SHAPE, dtype=np.float32))
if len(cnnhls_driver.OUTPUTS) == 1:
    assert isinstance(y, np.ndarray) and np.array_equal(y, ys[cnnhls_driver.OUTPUTS[0][0]])
else:
    assert isinstance(y, tuple) and len(y) == len(ys) and all(np.array_equal(a, b) for a, b in zip(y, ys.values()))
print("OK outputs: %s read back from their regions" % ", ".join("%s %s" % (o[0], o[3]) for o in cnnhls_driver.OUTPUTS))
assert ("CTRL.AP_START", 1) in pynq.WRITES
for buf, n in ((acc.fmap, cnnhls_driver.FMAP_SIZE), (acc.weights, 1)):
    assert buf.size >= n and (buf.size * buf.itemsize) % cnnhls_driver.AXI_BYTES == 0, "buffers are whole AXI beats"
print("OK halves: every pointer register written, low and high half")

# one 64-bit register per pointer
wide = {"CTRL": 32}
wide.update({p: 64 for p in POINTERS})
acc = make(wide)
assert dict(pynq.WRITES) == {p: buffer(acc, p).device_address for p in POINTERS}, pynq.WRITES
print("OK wide: every 64-bit pointer register written whole")

# a register the overlay lacks is an error naming it, before anything is written
bad = dict(halves)
del bad["quant_2"]
print("OK missing half: " + expect_error(bad, "quant_2"))
assert not pynq.WRITES, "nothing is written when a register is missing: %s" % pynq.WRITES
bad = {k: v for k, v in halves.items() if not k.startswith("fmap_out")}
print("OK missing pointer: " + expect_error(bad, "fmap_out"))
bad = {k: v for k, v in halves.items() if k != "CTRL"}
print("OK missing CTRL: " + expect_error(bad, "CTRL"))
assert not pynq.WRITES, "nothing is written to an overlay without CTRL"
print("ALL OK")
