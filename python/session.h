// The C++ side of the Python RKNN class, free of pybind11 so it reads like the CLI's commands:
// build / load / export a compiled model, simulate it on the SystemC platform, and the perf,
// memory and accuracy reports. The call-order rules and the toolkit's log lines live in Python
// (python/rknn_sim/api/rknn.py); everything here throws rknnsim::Error on bad input.
#pragma once

#include <map>
#include <memory>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "compiler/quant/dataset.h"
#include "runtime/converter.h"
#include "runtime/model_file.h"
#include "runtime/reports.h"
#include "runtime/rknn_execution.h"

namespace rknnsim::python {

struct TensorInfo {
  std::string name;
  ir::Shape shape;
};

// What load_onnx learns from the ONNX file: its (possibly cut) inputs and outputs.
struct OnnxInfo {
  std::vector<TensorInfo> inputs, outputs;
};

// Imports the ONNX model as build() will (load options applied) and checks mean/std against its
// inputs, so load_onnx reports what is wrong with the model or the config at load time.
OnnxInfo InspectOnnx(const std::string& onnx_path, const runtime::ConvertOptions& options);

// A compiled model plus where it came from: accuracy_analysis needs the ONNX and the options.
struct Model {
  runtime::CompiledModel compiled;
  std::string onnx_path;  // empty for a model loaded from our model file
  runtime::ConvertOptions options;
  // A Rockchip .rknn (runtime/rknn_execution.h), loaded as `rknn-sim perf` / `run` load it: timed
  // on its own program when that decodes, run through the same path as `rknn-sim run FILE.rknn`;
  // its memory figures are the ones the file records.
  std::string rockchip_path;
  runtime::MemoryReport rockchip_memory;
  std::shared_ptr<const runtime::RknnExecutable> rockchip_exe;  // null when its program does not decode
  Error rockchip_refusal{""};

  // The compiled program placed on a core mask, kept per mask (placing copies the program with its
  // weight image). inference() runs with the GIL released: session.cc guards it with a lock.
  mutable std::map<uint32_t, std::shared_ptr<const isa::Program>> placed;

  std::string target() const { return compiled.program.target; }
  // What inference takes and returns: batch N on the leading dimension for rknn_batch_size models.
  std::vector<TensorInfo> Inputs() const;
  std::vector<TensorInfo> Outputs() const;
  // One image per input (the batch-1 graph), what the reference executors and accuracy_analysis take.
  std::vector<TensorInfo> ImageInputs() const;
  bool is_fp16() const;
};

std::shared_ptr<Model> BuildModel(const std::string& onnx_path, const runtime::ConvertOptions& options);
std::shared_ptr<Model> LoadModel(const std::string& path);
// A .rknn made by RKNN-Toolkit2: imported and lowered for its target (compiler/rknn/simulation.h).
std::shared_ptr<Model> LoadRockchipModel(const std::string& path);
void ExportModel(const Model& model, const std::string& path);
// A model built with dynamic_input as one Model per input shape set, the first set first (one
// element, the model itself, otherwise): inference() runs the set its arrays' shapes pick.
std::vector<std::shared_ptr<Model>> ShapeSetModels(const std::shared_ptr<Model>& model);

// The platform description name of a target ("rk356x" for rk3566 and rk3568).
std::string PlatformOf(const std::string& target);

// SystemC elaborates one platform per process (sim/simulator.h). Throws the Python API's error
// when this process already simulated another platform than `target`'s.
void CheckPlatformAvailable(const std::string& target);

// Raw inputs (.npy or images) of one image each, read and validated as `rknn-sim run -i` reads them.
quant::Sample LoadInputFiles(const Model& model, const std::vector<std::string>& paths);

struct Inference {
  std::vector<std::vector<float>> outputs;  // float32 NCHW, one per model output
  double time_us = 0;
};
// One functional run on the platform of `target`: PackInput, sim::Simulate, UnpackOutput, as
// `rknn-sim run` does, so the outputs equal the CLI's bit for bit. `core_mask` is init_runtime's
// (RKNN.NPU_CORE_*, the bits of lower::EnabledCores): tasks are placed and split as
// `rknn-sim run --core-mask` places them; outputs are the same bytes for every mask.
Inference Simulate(const Model& model, const std::string& target, const quant::Sample& inputs, uint32_t core_mask);

struct Perf {
  std::string table;  // the perf_debug table, as `rknn-sim perf` prints it
  nlohmann::json json;
};
// A timing-only run on the cores of `core_mask`, as `rknn-sim perf --core-mask` does.
Perf EvalPerf(const Model& model, const std::string& target, uint32_t core_mask);

struct Memory {
  std::string text;
  nlohmann::json json;
};
Memory EvalMemory(const Model& model);

// Runs the analysis of runtime/accuracy_analysis.h and writes `output_dir`; returns the summary
// of the worst layers.
std::string AccuracyAnalysis(const Model& model, const quant::Sample& inputs, const std::string& output_dir);

}  // namespace rknnsim::python
