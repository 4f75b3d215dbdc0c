#!/usr/bin/env node
// Runs an ONNX model with onnxruntime-node (the zoo's independent engine for models that
// PyTorch did not produce) and writes every output as OUT_DIR/ort_output_K.npy, K in the
// model's output order.
//
// usage: NODE_PATH=$(scripts/fetch_peers.sh) node tests/zoo/ort_run.js MODEL.onnx OUT_DIR IN_0.npy [IN_1.npy ...]
//
// Inputs are fed in the model's input order. With ORT_RUN_REPEAT=N it also times N more runs
// and prints {"ort_ms_per_inference": ...}. ORT_RUN_THREADS sets the intra-op threads (1 unless
// given) and ORT_RUN_OPT the graph optimization level ('basic' unless given; scripts/bench.sh
// times onnxruntime at its default, 'all'). .npy support: little-endian float32, int32 and
// int64, C order, format versions 1-3 (reading), 1.0 (writing).
'use strict';
const fs = require('fs');
const path = require('path');

const DTYPES = {
  '<f4': { ort: 'float32', array: Float32Array },
  '<i4': { ort: 'int32', array: Int32Array },
  '<i8': { ort: 'int64', array: BigInt64Array },
};

function readNpy(file) {
  const buf = fs.readFileSync(file);
  if (buf.readUInt32BE(0) !== 0x934e554d || buf.toString('latin1', 4, 6) !== 'PY') throw new Error(`${file}: not a .npy file`);
  const major = buf[6];
  const headerLen = major === 1 ? buf.readUInt16LE(8) : buf.readUInt32LE(8);
  const start = major === 1 ? 10 : 12;
  const header = buf.toString('latin1', start, start + headerLen);
  const descr = /'descr':\s*'([^']+)'/.exec(header);
  const fortran = /'fortran_order':\s*(True|False)/.exec(header);
  const shape = /'shape':\s*\(([^)]*)\)/.exec(header);
  if (!descr || !fortran || !shape) throw new Error(`${file}: cannot parse header ${header}`);
  const type = DTYPES[descr[1]];
  if (!type) throw new Error(`${file}: dtype ${descr[1]} is not supported (float32, int32, int64)`);
  if (fortran[1] === 'True') throw new Error(`${file}: Fortran-order arrays are not supported`);
  const dims = shape[1].split(',').map((s) => s.trim()).filter((s) => s.length).map(Number);
  const count = dims.reduce((a, b) => a * b, 1);
  const offset = start + headerLen;
  const bytes = buf.subarray(offset, offset + count * type.array.BYTES_PER_ELEMENT);
  if (bytes.length !== count * type.array.BYTES_PER_ELEMENT) throw new Error(`${file}: truncated data`);
  const data = new type.array(count);
  new Uint8Array(data.buffer).set(bytes);  // copy: the file buffer may not be aligned
  return { type: type.ort, dims, data };
}

function writeNpy(file, tensor) {
  const descr = Object.keys(DTYPES).find((k) => DTYPES[k].ort === tensor.type);
  if (!descr) throw new Error(`output type ${tensor.type} cannot be written as .npy`);
  const dims = tensor.dims.map(Number);
  const shape = dims.length === 1 ? `(${dims[0]},)` : `(${dims.join(', ')})`;
  let header = `{'descr': '${descr}', 'fortran_order': False, 'shape': ${shape}, }`;
  const total = 10 + header.length + 1;
  header += ' '.repeat((64 - (total % 64)) % 64) + '\n';
  const pre = Buffer.alloc(10);
  pre.writeUInt32BE(0x934e554d, 0);
  pre.write('PY', 4, 'latin1');
  pre[6] = 1;
  pre[7] = 0;
  pre.writeUInt16LE(header.length, 8);
  const data = tensor.data;
  fs.writeFileSync(file, Buffer.concat([pre, Buffer.from(header, 'latin1'),
    Buffer.from(data.buffer, data.byteOffset, data.byteLength)]));
}

async function main() {
  const [model, outDir, ...inputs] = process.argv.slice(2);
  if (!model || !outDir || inputs.length === 0) {
    console.error('usage: node ort_run.js MODEL.onnx OUT_DIR IN_0.npy [IN_1.npy ...]');
    process.exit(2);
  }
  const ort = require('onnxruntime-node');
  const session = await ort.InferenceSession.create(model, {
    intraOpNumThreads: Number(process.env.ORT_RUN_THREADS || 1), interOpNumThreads: 1,
    graphOptimizationLevel: process.env.ORT_RUN_OPT || 'basic',
  });
  if (inputs.length !== session.inputNames.length) {
    throw new Error(`${model} has ${session.inputNames.length} inputs (${session.inputNames}), got ${inputs.length} files`);
  }
  const feeds = {};
  session.inputNames.forEach((name, i) => {
    const t = readNpy(inputs[i]);
    feeds[name] = new ort.Tensor(t.type, t.data, t.dims);
  });
  const t0 = process.hrtime.bigint();
  const results = await session.run(feeds);
  const ms = Number(process.hrtime.bigint() - t0) / 1e6;
  fs.mkdirSync(outDir, { recursive: true });
  session.outputNames.forEach((name, k) => {
    const file = path.join(outDir, `ort_output_${k}.npy`);
    writeNpy(file, results[name]);
    console.log(`wrote ${file} ${name} [${results[name].dims.join(',')}]`);
  });
  console.log(`onnxruntime-node ${require('onnxruntime-node/package.json').version}: ${ms.toFixed(1)} ms`);
  // ORT_RUN_REPEAT=N (scripts/bench.sh): N more runs after that warm-up one, timed as a whole.
  const repeat = Number(process.env.ORT_RUN_REPEAT || 0);
  if (repeat > 0) {
    const r0 = process.hrtime.bigint();
    for (let i = 0; i < repeat; ++i) await session.run(feeds);
    const mean = Number(process.hrtime.bigint() - r0) / 1e6 / repeat;
    console.log(JSON.stringify({ ort_ms_per_inference: mean, repeat }));
  }
}

main().catch((e) => {
  console.error(`ort_run: error: ${e.message || e}`);
  process.exit(1);
});
