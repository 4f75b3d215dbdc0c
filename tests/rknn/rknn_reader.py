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
    model = Table(fb, struct.unpack_from("<I", fb, 0)[0])
    graph = model.tables(2)[0]
    nodes = graph.tables(1)
    tensors = graph.tables(0)
    # Layout T renumbers Model fields (compiler version 6 -> 4, target 8 -> 6); Node ids agree up to 5.
    target = model.string(6 if layout_t else 8)
    return {
        "version": version,
        "format": model.string(1),
        "target": target,
        "toolkit": info.get("version"),
        "nodes": len(nodes),
        "tensors": len(tensors),
        "histogram": dict(sorted(collections.Counter(n.string(1) for n in nodes).items())),
        "names": [n.string(2) for n in nodes],
    }


if __name__ == "__main__":
    r = read(sys.argv[1])
    if "--json" in sys.argv:
        print(json.dumps(r))
    else:
        for k, v in r.items():
            if k != "names":
                print(k, v)
        print("first names", r["names"][:6])
