#!/usr/bin/env python3
"""An independent, minimal .rknn reader for the tests: walks the container and the FlatBuffer by
hand (raw vtables, no generated code, no flatbuffers module) and prints what the C++ importer must
agree with: node count, op-type histogram, node names. It shares no code with compiler/rknn/.

usage: rknn_reader.py FILE [--json]
"""
import collections
import json
import struct
import sys


class Table:
    """A FlatBuffers table at byte position `pos` of `buf` (little-endian, standard vtables)."""

    def __init__(self, buf, pos):
        self.buf, self.pos = buf, pos
        self.vt = pos - struct.unpack_from("<i", buf, pos)[0]
        self.vt_len = struct.unpack_from("<H", buf, self.vt)[0]

    def field(self, i):
        off = 4 + 2 * i
        if off >= self.vt_len:
            return 0
        return struct.unpack_from("<H", self.buf, self.vt + off)[0]

    def scalar(self, i, fmt, default=0):
        f = self.field(i)
        return struct.unpack_from("<" + fmt, self.buf, self.pos + f)[0] if f else default

    def _indirect(self, i):
        f = self.field(i)
        if not f:
            return None
        p = self.pos + f
        return p + struct.unpack_from("<I", self.buf, p)[0]

    def string(self, i):
        p = self._indirect(i)
        if p is None:
            return None
        n = struct.unpack_from("<I", self.buf, p)[0]
        return self.buf[p + 4:p + 4 + n].decode("utf-8", "replace")

    def vector(self, i, fmt):
        p = self._indirect(i)
        if p is None:
            return []
        n = struct.unpack_from("<I", self.buf, p)[0]
        return list(struct.unpack_from("<%d%s" % (n, fmt), self.buf, p + 4))

    def tables(self, i):
        p = self._indirect(i)
        if p is None:
            return []
        n = struct.unpack_from("<I", self.buf, p)[0]
        out = []
        for k in range(n):
            q = p + 4 + 4 * k
            out.append(Table(self.buf, q + struct.unpack_from("<I", self.buf, q)[0]))
        return out


def read(path):
    data = open(path, "rb").read()
    assert data[:4] == b"RKNN", "not an RKNN file"
    version, data_size = struct.unpack_from("<QQ", data, 8)
    section = data[64:64 + data_size]
    layout_t = (version >> 8) == 0x10
    if layout_t:
        fb_size = struct.unpack_from("<I", section, 0)[0]
        fb = section[data_size - fb_size:]
    else:
        fb = section
    (json_size,) = struct.unpack_from("<Q", data, 64 + data_size)
    info = json.loads(data[72 + data_size:72 + data_size + json_size].rstrip(b"\0"))
    sub = struct.unpack_from("<6I", section, 0) if layout_t else None
    model = Table(fb, struct.unpack_from("<I", fb, 0)[0])
    graph = model.tables(2)[0]
    nodes = graph.tables(1)
    tensors = graph.tables(0)
    # Layout T renumbers Model fields (compiler version 6 -> 4, target 8 -> 6); Node ids agree up to 5.
    target = model.string(6 if layout_t else 8)
    # Constant bytes: layout T lists each constant's size in its weight section (Tensor id 8);
    # layout L keeps one blob per constant (Model id 20, or id 4 in versions 2 and 4; Tensor id 18).
    constant_bytes = 0
    if layout_t:
        internal = sub[4]
        for t in tensors:
            if 4 <= t.scalar(2, "B") <= 8:
                constant_bytes += max(0, t.scalar(8, "i"))
    else:
        memory = model.field(19)
        internal = Table(fb, model._indirect(19)).scalar(1, "Q") if memory else 0
        if not internal:  # version 2 has no memory table: the end of the last activation
            internal = max(t.scalar(13, "i") + t.scalar(12, "i") for t in tensors if 1 <= t.scalar(2, "B") <= 3)
        blobs = model.tables(20) or model.tables(4)
        for t in tensors:
            if 4 <= t.scalar(2, "B") <= 8:
                constant_bytes += len(blobs[t.scalar(18, "i")].vector(0, "B"))
    # Graph inputs/outputs (Graph ids 2, 3): name and per-tensor quantization (Tensor ids 10/11 in
    # layout L, 6/7 in layout T).
    scale_id, zp_id = (6, 7) if layout_t else (10, 11)

    def io(ids):
        return [{"name": tensors[i].string(5), "scale": tensors[i].vector(scale_id, "f"),
                 "zero_point": tensors[i].vector(zp_id, "i")} for i in ids]

    return {
        "io": {"inputs": io(graph.vector(2, "i")), "outputs": io(graph.vector(3, "i"))},
        "version": version,
        "format": model.string(1),
        "target": target,
        "toolkit": info.get("version"),
        "nodes": len(nodes),
        "tensors": len(tensors),
        "histogram": dict(sorted(collections.Counter(n.string(1) for n in nodes).items())),
        "names": [n.string(2) for n in nodes],
        "types": [n.string(1) for n in nodes],
        "inputs": graph.vector(2, "i"),
        "internal_bytes": internal,
        "constant_bytes": constant_bytes,
    }


if __name__ == "__main__":
    r = read(sys.argv[1])
    if "--json" in sys.argv:
        print(json.dumps(r))
    else:
        for k, v in r.items():
            if k not in ("names", "types", "io"):
                print(k, v)
        print("first names", r["names"][:6])
