// One rknn_context: a loaded compiled model, the inputs set for the next run, the outputs and
// timing of the last run, and zero-copy memory bindings. Runs go through the process's single
// SystemC platform (sim/simulator.h); all runs are serialized by one lock.
#pragma once

#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "capi/src/custom_ops.h"
#include "isa/platform_config.h"
#include "rknn_api.h"
#include "runtime/model_file.h"
#include "runtime/reports.h"
#include "runtime/rknn_execution.h"
#include "sim/platform_claim.h"
#include "sim/simulator.h"

namespace rknnsim::capi {

// The immutable part, shared by rknn_dup_context copies.
struct LoadedModel {
  runtime::CompiledModel model;
  isa::PlatformConfig platform;
  // A Rockchip .rknn made by RKNN-Toolkit2, loaded as every front door loads it
  // (runtime/rknn_execution.h): `model.program` is the program that times it (the file's own
  // when it decodes); rknn_run executes the file's own program when it decodes
  // (docs/rknn-format.md §8) and refuses with `rockchip_refusal` otherwise.
  bool rockchip = false;
  std::string rockchip_source;        // the path, or "model buffer"
  std::string rockchip_toolkit;       // the RKNN-Toolkit2 version that wrote it
  runtime::MemoryReport file_memory;  // the memory the file records (RKNN_QUERY_MEM_SIZE)
  std::shared_ptr<const runtime::RknnExecutable> rockchip_exe;
  Error rockchip_refusal{""};
  // A model built with dynamic_input: its further input shape sets (the first is this model
  // itself), each as a model of its own; rknn_set_input_shapes picks one. Empty otherwise.
  std::vector<std::shared_ptr<const LoadedModel>> more_shape_sets;
};

class Context {
 public:
  // Throws ApiError (RKNN_ERR_DEVICE_UNAVAILABLE when the process simulates or holds another
  // platform). `flag` is rknn_init's flag word.
  Context(std::shared_ptr<const LoadedModel> loaded, uint32_t flag);
  ~Context();

  // The model as rknn_init loaded it, every input shape set included (rknn_dup_context's source).
  std::shared_ptr<const LoadedModel> loaded() const { return base_; }
  uint32_t flag() const { return flag_; }

  // Enum arguments arrive as raw ints (see RawEnum in tensor_layout.h).
  void Query(int cmd, void* info, uint32_t size);
  void SetInputs(uint32_t n, const rknn_input* inputs);
  void Run();
  void GetOutputs(uint32_t n, rknn_output* outputs);
  void ReleaseOutputs(uint32_t n, rknn_output* outputs);
  void SetCoreMask(int mask);
  // rknn_set_input_shapes: the input shape set of a dynamic_input model the next runs use.
  void SetInputShapes(uint32_t n, const rknn_tensor_attr* attrs);

  // rknn_register_custom_ops: the operators stay registered with this context (its runs only)
  // until it is destroyed.
  void RegisterCustomOps(const rknn_custom_op* ops, uint32_t count);
  rknn_tensor_mem* CreateMem(uint64_t size);
  void DestroyMem(rknn_tensor_mem* mem);
  void SetIoMem(rknn_tensor_mem* mem, const rknn_tensor_attr* attr);

 private:
  const isa::Program& program() const { return loaded_->model.program; }
  // The mean/std a Rockchip .rknn records for input `index` (the board runtime applies them to
  // non-pass-through inputs); nullptr for rknn-sim's models, which normalize inside the program.
  const rknn::InputNorm* InputNorm(size_t index) const {
    return loaded_->rockchip_exe && index < loaded_->rockchip_exe->norms.size() ? &loaded_->rockchip_exe->norms[index]
                                                                               : nullptr;
  }
  rknn_tensor_attr Attr(bool is_input, uint32_t index, int kind) const;
  void QueryInputRange(rknn_input_range* range) const;
  // Every input shape set of the model, the first (the model itself) first.
  std::vector<std::shared_ptr<const LoadedModel>> ShapeSets() const;
  // Bindings, inputs, outputs and timings that belong to the previous shape set.
  void ResetForShapeSet();
  // The timing the perf queries report: the last rknn_run's, or for a Rockchip .rknn (which never
  // runs) a timing-only simulation on the cores of core_mask_, as `rknn-sim perf` does. Null when
  // neither exists; `program` is set to the program it timed.
  const sim::SimulationResult* Timing(const isa::Program** program);
  // The program on the cores of core_mask_: placed once per mask (a copy, weights included, which
  // cost more than a small model's whole simulation when it was made on every run). A Rockchip
  // program runs its own schedule: the loaded program itself.
  std::shared_ptr<const isa::Program> Placed();

  struct Binding {
    rknn_tensor_mem* mem = nullptr;
    rknn_tensor_attr attr{};
  };

  // Queries, inputs and runs use `loaded_`: the model itself, or the input shape set of a
  // dynamic_input model that rknn_set_input_shapes chose (the first set until then).
  std::shared_ptr<const LoadedModel> base_, loaded_;
  // Holds the process's platform from rknn_init until the last reference to this context is gone
  // (rknn_destroy while a run is in flight keeps it): sim/platform_claim.h.
  sim::PlatformClaim claim_;
  uint32_t flag_ = 0;
  rknn_core_mask core_mask_ = RKNN_NPU_CORE_AUTO;
  std::vector<std::optional<std::vector<uint8_t>>> inputs_;  // native surfaces from rknn_inputs_set
  std::vector<std::optional<Binding>> input_mems_, output_mems_;
  std::vector<std::vector<uint8_t>> outputs_;  // native surfaces of the last run
  std::optional<sim::SimulationResult> last_run_;
  std::map<uint32_t, std::shared_ptr<const isa::Program>> placed_;  // by core mask
  std::shared_ptr<const isa::Program> last_program_;  // the program of the last run
  std::optional<sim::SimulationResult> timing_run_;  // Rockchip .rknn only; reset by rknn_set_core_mask
  std::shared_ptr<const isa::Program> timing_program_;
  std::string perf_text_;  // rknn_perf_detail.perf_data points here
  std::map<const void*, std::vector<uint8_t>> output_buffers_;  // allocated by rknn_outputs_get
  std::vector<std::unique_ptr<rknn_tensor_mem>> mems_;
  std::vector<std::unique_ptr<std::vector<uint8_t>>> mem_storage_;
  std::vector<std::shared_ptr<CustomOpBinding>> custom_ops_;
  // This context's custom kernels by op_type; a registration replaces the set, never changes it,
  // so a run keeps the set it started with (calls on one context come from one thread at a time,
  // as RKNPU2 requires).
  std::shared_ptr<const ops::CustomOpSet> custom_kernels_ = std::make_shared<const ops::CustomOpSet>();
};

}  // namespace rknnsim::capi
