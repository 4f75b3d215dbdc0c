#!/usr/bin/python3
"""Generates docs/operators.md, the operator support table, from the C++ sources.

For every `const OpDef kXxxOp{ir::OpKind::kXxx, "OnnxName", parse, infer, run_float, run_int8,
run_fp16, ...}` in compiler/ops/*.cc it lists the ONNX name, whether int8 / fp16 kernels exist
(run_int8 / run_fp16 not nullptr), how many ONNX conformance cases tests/conformance/*.txt list for
it (by case name: test_<lowercase or snake_case op>[_...], also test_operator_<op>, test_<op>2d and a
few aliases such as batchnorm), and the text
of a `// limits: ...` comment directly above the definition.

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


def limits_above(lines, line_index):
    """Text of a `// limits:` comment in the comment block directly above line `line_index`."""
    block = []
    i = line_index - 1
    while i >= 0 and lines[i].strip().startswith("//"):
        block.insert(0, lines[i].strip()[2:].strip())
        i -= 1
    for k, text in enumerate(block):
        if text.lower().startswith("limits:"):
            parts = [text[len("limits:"):].strip()] + block[k + 1:]
            return " ".join(p for p in parts if p)
    return ""


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

            ops.append({
                "onnx": name.group(1),
                "symbol": m.group(1),
                "file": os.path.relpath(path, ROOT),
                "int8": has_kernel(5),
                "fp16": has_kernel(6),
                "limits": limits_above(lines, code.count("\n", 0, m.start())),
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


def render():
    ops = sorted(read_opdefs(), key=lambda o: o["onnx"].lower())
    cases = read_cases()
    yes = lambda b: "yes" if b else "-"
    out = [
        "# Supported operators",
        "",
        "<!-- Generated by scripts/op_table.py from compiler/ops/*.cc and tests/conformance/*.txt;",
        "     do not edit by hand, re-run the script. -->",
        "",
        "Every operator has a float32 reference kernel. *int8* and *fp16* tell whether the quantized",
        "kernels exist (without them the quantizer refuses the op). *Conformance* counts the ONNX",
        "backend test cases listed for the op in `tests/conformance/*.txt` (by case name, see",
        "`tests/conformance/README.md`). *Limits* come from a `// limits:` comment above the OpDef.",
        "",
        "| ONNX op | int8 | fp16 | conformance | limits | source |",
        "|---|---|---|---|---|---|",
    ]
    attributed = set()
    for op in ops:
        matched = [c for c in cases if case_matches(c, op["onnx"])]
        attributed.update(matched)
        limits = op["limits"].replace("|", "\\|")
        out.append(f"| {op['onnx']} | {yes(op['int8'])} | {yes(op['fp16'])} | {len(matched)} | {limits} | "
                   f"`{op['file']}` |")
    out.append("")
    out.append(f"{len(ops)} operators, {sum(o['int8'] for o in ops)} with int8 kernels, "
               f"{sum(o['fp16'] for o in ops)} with fp16 kernels; {len(cases)} conformance cases listed"
               f" ({len(cases) - len(attributed)} not attributed to an op by name).")
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
