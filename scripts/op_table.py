#!/usr/bin/python3
"""Generates docs/operators.md, the operator support table, from the C++ sources.

For every `const OpDef kXxxOp{ir::OpKind::kXxx, "OnnxName", parse, infer, run_float, run_int8,
run_fp16, ...}` in compiler/ops/*.cc it lists the ONNX name; the model opsets it is accepted in
(a `// opsets: A-B` comment directly above the definition, default the importer's range
kMinOpset-kMaxOpset of compiler/frontend/onnx_importer.cc, and always clipped to it); where it runs
in an int8 model (parsed from the case labels of IsNpuPlaceable in compiler/lower/placement.cc,
of IsElementwiseUnary in compiler/ops/op_table.cc for its lookup tables, and of the fusion passes
in compiler/passes/*.cc; "CPU fallback" when those cannot be read); whether int8 / fp16 kernels exist (run_int8 / run_fp16 not nullptr); how many
ONNX conformance cases tests/conformance/*.txt list for it (by case name: test_<lowercase or
snake_case op>[_...], also test_operator_<op>, test_<op>2d and a few aliases such as batchnorm);
and the text of a `// limits: ...` comment directly above the definition.

usage: scripts/op_table.py [--output FILE] [--check]
  --check   exit 1 (printing nothing else) when the output file is not up to date
"""
import argparse
import glob
import os
import re
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
NULLS = {"nullptr", "NULL", "0", "{}"}
OPDEF_RE = re.compile(r"\bconst\s+OpDef\s+(k\w+)\s*=?\s*\{")


def strip_comments(text):
    """Blanks // and /* */ comments (keeping offsets and newlines) so braces in them are ignored."""
    out = list(text)
    i, n = 0, len(text)
    while i < n:
        c = text[i]
        if c == '"' or c == "'":
            j = i + 1
            while j < n and text[j] != c:
                j += 2 if text[j] == "\\" else 1
            i = j + 1
        elif text.startswith("//", i):
            j = text.find("\n", i)
            j = n if j < 0 else j
            for k in range(i, j):
                out[k] = " "
            i = j
        elif text.startswith("/*", i):
            j = text.find("*/", i + 2)
            j = n if j < 0 else j + 2
            for k in range(i, j):
                if out[k] != "\n":
                    out[k] = " "
            i = j
        else:
            i += 1
    return "".join(out)


def split_args(body):
    """Splits an initializer list at top-level commas (nested (), {}, [] and strings kept; <> counts
    only outside brackets, where it can only be a template argument list such as Copy<FloatArgs>)."""
    args, depth, angle, cur, i = [], 0, 0, [], 0
    while i < len(body):
        c = body[i]
        if c in "\"'":
            j = i + 1
            while j < len(body) and body[j] != c:
                j += 2 if body[j] == "\\" else 1
            cur.append(body[i:j + 1])
            i = j + 1
            continue
        if c in "({[":
            depth += 1
        elif c in ")}]":
            depth -= 1
        elif c == "<" and depth == 0:
            angle += 1
        elif c == ">" and depth == 0 and angle > 0:
            angle -= 1
        if c == "," and depth == 0 and angle == 0:
            args.append("".join(cur).strip())
            cur = []
        else:
            cur.append(c)
        i += 1
    if "".join(cur).strip():
        args.append("".join(cur).strip())
    return args


KEYS = ("limits", "opsets")


def notes_above(lines, line_index):
    """`// limits: ...` and `// opsets: ...` texts of the comment block directly above line
    `line_index`. A key's text continues on the following comment lines up to the next key."""
    block = []
    i = line_index - 1
    while i >= 0 and lines[i].strip().startswith("//"):
        block.insert(0, lines[i].strip()[2:].strip())
        i -= 1
    notes, key = {}, None
    for text in block:
        m = re.match(r"(" + "|".join(KEYS) + r")\s*:(.*)$", text, re.IGNORECASE)
        if m:
            key = m.group(1).lower()
            notes[key] = m.group(2).strip()
        elif key and text:
            notes[key] = (notes[key] + " " + text).strip()
    return notes


def read_opdefs():
    ops = []
    for path in sorted(glob.glob(os.path.join(ROOT, "compiler", "ops", "*.cc"))):
        with open(path, encoding="utf-8") as f:
            text = f.read()
        code = strip_comments(text)
        lines = text.split("\n")
        for m in OPDEF_RE.finditer(code):
            start = m.end()  # just after '{'
            depth, i = 1, start
            while i < len(code) and depth:
                depth += {"{": 1, "}": -1}.get(code[i], 0)
                i += 1
            args = split_args(code[start:i - 1])
            name = re.match(r'"([^"]*)"', args[1]) if len(args) > 1 else None
            if not name:
                print(f"warning: {os.path.relpath(path, ROOT)}: cannot read the ONNX name of {m.group(1)}",
                      file=sys.stderr)
                continue

            def has_kernel(k):
                return len(args) > k and args[k] not in NULLS

            kind = re.search(r"OpKind::(k\w+)", args[0]) if args else None
            notes = notes_above(lines, code.count("\n", 0, m.start()))
            ops.append({
                "onnx": name.group(1),
                "kind": kind.group(1) if kind else "",
                "symbol": m.group(1),
                "file": os.path.relpath(path, ROOT),
                "int8": has_kernel(5),
                "fp16": has_kernel(6),
                "limits": notes.get("limits", ""),
                "opsets": notes.get("opsets", ""),
            })
    return ops


def read_cases():
    cases = []
    for path in sorted(glob.glob(os.path.join(ROOT, "tests", "conformance", "*.txt"))):
        with open(path, encoding="utf-8") as f:
            for line in f:
                words = line.split("#", 1)[0].split()
                if words:
                    cases.append(words[0])
    return cases


# Case-name spellings of ops besides lowercase and snake_case (ONNX names its cases this way).
CASE_ALIASES = {"BatchNormalization": ["batchnorm"], "InstanceNormalization": ["instancenorm"],
                "Conv": ["basic_conv"]}


def case_names(op):
    """test_<op> spellings: "reducemean", "reduce_mean" and aliases for ReduceMean."""
    snake = re.sub(r"(?<=[a-z0-9])(?=[A-Z])", "_", op).lower()
    return sorted({op.lower(), snake, *CASE_ALIASES.get(op, [])})


def case_matches(case, op):
    names = "|".join(re.escape(n) for n in case_names(op))
    return re.match(r"test_(operator_)?(" + names + r")(\dd)?(_|$)", case.lower()) is not None


def importer_ops():
    """Ops the importer handles itself (no OpDef): `np.op_type() == "Identity"`."""
    path = os.path.join(ROOT, "compiler", "frontend", "onnx_importer.cc")
    try:
        with open(path, encoding="utf-8") as f:
            return sorted(set(re.findall(r'op_type\(\)\s*==\s*"(\w+)"', f.read())))
    except OSError:
        return []


def read_source(rel):
    try:
        with open(os.path.join(ROOT, rel), encoding="utf-8") as f:
            return f.read()
    except OSError:
        return ""


def importer_opsets():
    """(kMinOpset, kMaxOpset) of the ONNX importer, (9, 17) when they cannot be read."""
    text = read_source(os.path.join("compiler", "frontend", "onnx_importer.cc"))
    lo = re.search(r"\bkMinOpset\s*=\s*(\d+)", text)
    hi = re.search(r"\bkMaxOpset\s*=\s*(\d+)", text)
    return (int(lo.group(1)) if lo else 9, int(hi.group(1)) if hi else 17)


def opset_range(note, supported):
    """An `// opsets:` note ("11-17", "17") clipped to the importer's range: (lo, hi), or None when
    the op is accepted in none of the supported opsets."""
    lo, hi = supported
    m = re.match(r"\s*(\d+)\s*(?:-\s*(\d+))?", note or "")
    if m:
        lo, hi = max(lo, int(m.group(1))), min(hi, int(m.group(2) or m.group(1)))
    return (lo, hi) if lo <= hi else None


def format_range(r):
    return "none" if r is None else f"{r[0]}" if r[0] == r[1] else f"{r[0]}-{r[1]}"


def function_body(code, name):
    """Body (between the braces) of the C++ function `name` in comment-stripped code, or None."""
    m = re.search(r"\b" + re.escape(name) + r"\s*\([^;{]*\)\s*(?:const\s*)?\{", code)
    if not m:
        return None
    depth, i = 1, m.end()
    while i < len(code) and depth:
        depth += {"{": 1, "}": -1}.get(code[i], 0)
        i += 1
    return code[m.end():i - 1] if depth == 0 else None


CASE_RE = re.compile(r"\bcase\s+(?:\w+::)*OpKind::(k\w+)\s*:|\bdefault\s*:")


def case_groups(body):
    """[(labels, statement)] of a switch over ir::OpKind: consecutive labels share the statement
    that follows them; the default label is "default"."""
    groups, labels = [], []
    matches = list(CASE_RE.finditer(body or ""))
    for k, m in enumerate(matches):
        labels.append(m.group(1) or "default")
        end = matches[k + 1].start() if k + 1 < len(matches) else len(body)
        statement = body[m.end():end].strip()
        if statement:
            groups.append((labels, " ".join(statement.split())))
            labels = []
    return groups


def kinds_in(body):
    return set(re.findall(r"OpKind::(k\w+)", body or ""))


def read_placement():
    """Which op kinds run on the NPU in an int8 model, from compiler/lower/placement.cc:
    {"npu": {kind: condition}, "lut": {kinds}}. Empty when the file cannot be parsed."""
    code = strip_comments(read_source(os.path.join("compiler", "lower", "placement.cc")))
    npu, lut, default = {}, set(), ""
    for labels, statement in case_groups(function_body(code, "IsNpuPlaceable")):
        for label in labels:
            if label == "default":
                default = statement
            elif not statement.startswith("return false"):
                npu[label] = statement
    if "IsLutActivation" in default:  # the element-wise unary ops (compiler/ops/op_table.cc)
        table = strip_comments(read_source(os.path.join("compiler", "ops", "op_table.cc")))
        for labels, statement in case_groups(function_body(table, "IsElementwiseUnary")):
            if not statement.startswith("return false"):
                lut.update(l for l in labels if l != "default")
    return {"npu": npu, "lut": lut - set(npu)}


def fused_only_kinds():
    """Op kinds that exist only as fusion results: those after "Fused by compiler/passes" in
    compiler/ir/op.h. Passes also rewrite into ONNX kinds (MatMul+Add into Gemm), which stay ONNX ops."""
    with open(os.path.join(ROOT, "compiler", "ir", "op.h"), encoding="utf-8") as f:
        text = f.read()
    section = text.split("Fused by compiler/passes", 1)[1].split("};", 1)[0] if "Fused by compiler/passes" in text else ""
    return set(re.findall(r"\b(k[A-Z]\w*)", strip_comments(section)))


def read_passes():
    """Fusions of compiler/passes/*.cc: the activations FuseActivations folds and their hosts,
    and the fused-only op kinds a pass creates (`x.op = ir::OpKind::kSwish`) with the kinds it fuses."""
    fused_acts, hosts, created = set(), set(), {}
    fused_only = fused_only_kinds()
    for path in sorted(glob.glob(os.path.join(ROOT, "compiler", "passes", "*.cc"))):
        with open(path, encoding="utf-8") as f:
            code = strip_comments(f.read())
        fused_acts |= kinds_in(function_body(code, "IsActivation"))
        hosts |= kinds_in(function_body(code, "CanAbsorbActivation"))
        made = set(re.findall(r"\.op\s*=\s*(?:\w+::)*OpKind::(k\w+)", code)) & fused_only
        for kind in made:
            created[kind] = {"file": os.path.relpath(path, ROOT), "from": sorted(kinds_in(code) - made)}
    return {"activations": fused_acts, "hosts": hosts, "created": created}


# How each NPU-placeable op kind runs; conditions summarize IsNpuPlaceable (placement.cc).
NPU_FORMS = {
    "kConv": "NPU conv task if group = 1 or depthwise, else CPU",
    "kGemm": "NPU conv task (as a 1×1 conv)",
    "kAdd": "NPU DPU element-wise task if both operands are same-shape activations, else CPU",
    "kMaxPool": "NPU PPU task",
    "kGlobalAveragePool": "NPU PPU task",
    "kFlatten": "free NPU alias if input and output are vectors ([1, C] or [1, C, 1, 1]), else CPU",
    "kReshape": "free NPU alias if input and output are vectors ([1, C] or [1, C, 1, 1]), else CPU",
    "kConvert": "NPU DPU task (int8 ↔ fp16 conversion of hybrid models)",
    "kAveragePool": "NPU PPU task if every window divides by kh·kw (count_include_pad=1, or no padding), else CPU",
    "kMul": "NPU DPU element-wise task if both operands are activations of the same shape or [1,C,H,W] * [1,C,1,1], else CPU",
    "kResize": "NPU DPU data-movement task if nearest with integer factors (index o / f), else CPU",
    "kUpsample": "NPU DPU data-movement task if nearest with integer factors (index o / f), else CPU",
    "kZeroInsert": "NPU DPU data-movement task",
}
# Ops a pass rewrites into NPU ops before placement (compiler/passes/lower_*.cc).
LOWERED_FORMS = {
    "kConvTranspose": "NPU ZeroInsert + conv if weights are constant, dilation 1 and pads ≤ k - 1, else CPU",
}
LUT_FORM = "NPU DPU lookup table"
CPU_FORM = "CPU fallback"


def runs_on(kind, placement, passes, names):
    if kind in LOWERED_FORMS:
        text = LOWERED_FORMS[kind]
    elif kind in placement["npu"]:
        text = NPU_FORMS.get(kind, "NPU task (conditions: `compiler/lower/placement.cc`)")
    elif kind in placement["lut"]:
        text = LUT_FORM
    else:
        text = CPU_FORM
    if kind in passes["activations"] and passes["hosts"]:
        host_names = "/".join(sorted(names.get(h, h[1:]) for h in passes["hosts"]))
        text = f"fused into the {host_names} that produces its input, if it is the only reader; else {text}"
    return text


def render():
    ops = sorted(read_opdefs(), key=lambda o: o["onnx"].lower())
    cases = read_cases()
    supported = importer_opsets()
    placement = read_placement()
    passes = read_passes()
    names = {o["kind"]: o["onnx"] for o in ops if o["kind"]}
    opsets = {o["kind"]: opset_range(o["opsets"], supported) for o in ops}
    for kind, made in passes["created"].items():
        # A fused op exists wherever all the ops it is made of do (and its own note allows).
        for source in made["from"]:
            a, b = opsets.get(kind), opsets.get(source, supported)
            opsets[kind] = None if a is None or b is None else opset_range(f"{max(a[0], b[0])}-{min(a[1], b[1])}",
                                                                           supported)
    yes = lambda b: "yes" if b else "-"
    lo, hi = supported
    out = [
        "# Supported operators",
        "",
        "<!-- Generated by scripts/op_table.py from compiler/ops/*.cc, compiler/lower/placement.cc,",
        "     compiler/passes/*.cc and tests/conformance/*.txt; do not edit by hand, re-run the script. -->",
        "",
        f"The importer accepts ONNX models of (default-domain) opsets {lo}-{hi}; older models (opsets 1-{lo - 1})",
        "are first upgraded by ONNX's own version converter. Every operator below has a",
        "float32 reference kernel, and every one compiles for int8 and fp16: an op without an NPU",
        "lowering runs on the CPU instead of being refused. A node whose inputs are all constant is",
        "evaluated at import (constant folding) and does not run at all.",
        "",
        "- *opsets*: model opsets in which the op is accepted (a `// opsets:` comment above the OpDef,",
        f"  clipped to {lo}-{hi}).",
        "- *runs on*: where the op executes in an **int8** model, as `compiler/lower/placement.cc` decides",
        "  (stored per node as `ir::Node::on_cpu`; the reference executor and the lowering both follow it).",
        "  An NPU form also needs every activation tensor of the node to be batch-1 4-D or 2-D",
        "  (`IsNpuShape`); otherwise the op is a CPU fallback. A *CPU fallback* dequantizes its inputs,",
        "  runs the float32 kernel and quantizes each output with its own calibrated parameters",
        "  (`compiler/reference/cpu_op.h`). A *DPU lookup table* is a 256-entry int8 → int8 table built",
        "  from those same CPU semantics (int8 input only). In an **fp16** model placement is the same",
        "  except that lookup-table ops run on the CPU (float32 kernel, outputs rounded to fp16).",
        "- *int8*, *fp16*: the op has an integer / fp16 kernel that models the NPU arithmetic bit-exactly",
        "  (docs/quantization.md); an op without one computes with the CPU semantics wherever it runs.",
        "- *conformance*: ONNX backend test cases listed for the op in `tests/conformance/*.txt` (by case",
        "  name, see `tests/conformance/README.md`).",
        "- *limits*: a `// limits:` comment above the OpDef (settings outside them are refused at import",
        "  unless the text says otherwise).",
        "",
        "| ONNX op | opsets | runs on (int8 model) | int8 | fp16 | conformance | limits | source |",
        "|---|---|---|---|---|---|---|---|",
    ]
    attributed = set()
    counts = {"npu": 0, "lut": 0}
    for op in ops:
        matched = [c for c in cases if case_matches(c, op["onnx"])]
        attributed.update(matched)
        limits = op["limits"].replace("|", "\\|")
        where = runs_on(op["kind"], placement, passes, names)
        counts["npu"] += op["kind"] in placement["npu"]
        counts["lut"] += op["kind"] in placement["lut"]
        name = op["onnx"] + (" (fused)" if op["kind"] in passes["created"] else "")
        out.append(f"| {name} | {format_range(opsets[op['kind']])} | {where} | {yes(op['int8'])} | {yes(op['fp16'])} | "
                   f"{len(matched)} | {limits} | `{op['file']}` |")
    out.append("")
    out.append(f"{len(ops)} operators: {counts['npu']} with an NPU form, {counts['lut']} as DPU lookup tables, "
               f"{len(ops) - counts['npu'] - counts['lut']} CPU only; {sum(o['int8'] for o in ops)} with int8 kernels, "
               f"{sum(o['fp16'] for o in ops)} with fp16 kernels; {len(cases)} conformance cases listed"
               f" ({len(cases) - len(attributed)} not attributed to an op by name).")
    for kind, made in sorted(passes["created"].items()):
        sources = " + ".join(names.get(s, s[1:]) for s in made["from"])
        out.append("")
        out.append(f"{names.get(kind, kind[1:])} is not an ONNX op: `{made['file']}` creates it from {sources}"
                   " (its opsets are those of the ops it replaces).")
    handled = importer_ops()
    if handled:
        out.append("")
        out.append("Handled by the importer itself (folded or aliased, no kernel): " + ", ".join(handled) + ".")
    return "\n".join(out) + "\n"


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--output", default=os.path.join(ROOT, "docs", "operators.md"))
    parser.add_argument("--check", action="store_true", help="exit 1 when the output file is stale")
    args = parser.parse_args()
    text = render()
    if args.check:
        try:
            with open(args.output, encoding="utf-8") as f:
                current = f.read()
        except OSError:
            current = None
        if current != text:
            print(f"{args.output} is out of date: run scripts/op_table.py", file=sys.stderr)
            return 1
        return 0
    with open(args.output, "w", encoding="utf-8") as f:
        f.write(text)
    print(f"wrote {os.path.relpath(args.output)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
