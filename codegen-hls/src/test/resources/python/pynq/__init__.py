"""Stand-in for the parts of PYNQ the generated driver uses, for tests without a board.

Like PYNQ, the IP's register map is a class made from the .hwh's register dict, with one property per
register and the dict of register classes in `_register_classes`; setting an attribute that is not a
register silently adds a plain attribute (which is why the driver must check names first). The
registers a test overlay has are set with `REGISTERS` (name -> size in bits) before `Overlay(...)`.
"""
import numpy as np

REGISTERS = {}
WRITES = []          # (register, value) in write order
BASE_ADDRESS = 0x1_2345_6000


class _Ctrl:
    def __init__(self):
        self.started = False

    @property
    def AP_START(self):
        return int(self.started)

    @AP_START.setter
    def AP_START(self, v):
        WRITES.append(("CTRL.AP_START", v))
        self.started = bool(v)

    @property
    def AP_DONE(self):
        return int(self.started)


class RegisterMap:
    def _set(self, name, value):
        width = type(self)._register_classes[name][2]
        if not 0 <= value < 2 ** width:
            raise ValueError("value %#x does not fit register %s (%d bits)" % (value, name, width))
        WRITES.append((name, value))
        self._values[name] = value

    @classmethod
    def create_subclass(cls, registers):
        attrs = {"_register_classes": {}}
        for offset, (name, width) in enumerate(sorted(registers.items())):
            attrs["_register_classes"][name] = (None, 0x10 + 8 * offset, width)
            if name == "CTRL":
                continue
            attrs[name] = property(lambda self, n=name: self._values.get(n, 0),
                                   lambda self, v, n=name: self._set(n, v))
        return type("RegisterMapcnnhls", (cls,), attrs)

    def __init__(self):
        self._values = {}
        if "CTRL" in self._register_classes:
            self.CTRL = _Ctrl()


class DefaultIP:
    def __init__(self, registers):
        self._registers = {n: {"size": w} for n, w in registers.items()}
        self.register_map = RegisterMap.create_subclass(registers)()


class Overlay:
    def __init__(self, bitfile):
        self.bitfile_name = bitfile
        self.cnnhls = DefaultIP(REGISTERS)


class PynqBuffer(np.ndarray):
    def flush(self):
        pass

    def invalidate(self):
        pass


_next = [BASE_ADDRESS]


def allocate(shape, dtype):
    buf = np.zeros(shape, dtype=dtype).view(PynqBuffer)
    buf.device_address = _next[0]
    _next[0] += (buf.nbytes + 0xFFF) // 0x1000 * 0x1000 + 0x1_0000_0000  # every buffer's high half differs
    return buf
