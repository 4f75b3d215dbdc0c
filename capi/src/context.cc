#include "capi/src/context.h"

#include <algorithm>
#include <cstring>

#include "capi/src/api_error.h"
#include "capi/src/tensor_layout.h"
#include "compiler/lower/core_split.h"
#include "runtime/cpu_runner.h"
#include "runtime/dynamic_shapes.h"
#include "runtime/reports.h"

namespace rknnsim::capi {
namespace {

// rknn_core_mask values are the core bits lower::EnabledCores takes.
static_assert(RKNN_NPU_CORE_AUTO == lower::kCoreMaskAuto && RKNN_NPU_CORE_ALL == lower::kCoreMaskAll);

template <typename T>
T* InfoAs(void* info, uint32_t size, const char* what) {
  if (info == nullptr) throw ApiError(RKNN_ERR_PARAM_INVALID, std::string("rknn_query ") + what + ": info is NULL");
  if (size < sizeof(T))
    throw ApiError(RKNN_ERR_PARAM_INVALID, std::string("rknn_query ") + what + ": size " + std::to_string(size) +
                                               " is smaller than sizeof = " + std::to_string(sizeof(T)));
  return static_cast<T*>(info);
}

void CopyText(char* dst, const std::string& text, size_t cap) {
  std::strncpy(dst, text.c_str(), cap - 1);
  dst[cap - 1] = '\0';
}

// The caller owns the rknn_tensor_mem struct and may change offset or size after binding: check
// again before each use.
uint64_t MemRoom(const rknn_tensor_mem& mem) {
  if (mem.offset < 0 || static_cast<uint32_t>(mem.offset) > mem.size)
    throw ApiError(RKNN_ERR_PARAM_INVALID, "tensor mem offset " + std::to_string(mem.offset) + " is outside its " +
                                               std::to_string(mem.size) + " bytes");
  return mem.size - static_cast<uint32_t>(mem.offset);
}

// The claim of `loaded`'s platform, refused as the board's runtime refuses a busy device.
sim::PlatformClaim ClaimPlatform(const LoadedModel& loaded) {
  try {
    return sim::PlatformClaim(loaded.platform.platform, "the '" + loaded.model.program.target + "' model",
                              "run it in another process");
  } catch (const sim::PlatformBusy& e) {
    throw ApiError(RKNN_ERR_DEVICE_UNAVAILABLE, e.what());
  }
}

}  // namespace

Context::Context(std::shared_ptr<const LoadedModel> loaded, uint32_t flag)
    : base_(std::move(loaded)),
      loaded_(base_),
      claim_(ClaimPlatform(*loaded_)),
      flag_(flag) {
  ResetForShapeSet();
}

void Context::ResetForShapeSet() {
  inputs_.assign(program().inputs.size(), std::nullopt);
  input_mems_.assign(program().inputs.size(), std::nullopt);
  output_mems_.assign(program().outputs.size(), std::nullopt);
  outputs_.clear();
  last_run_.reset();
  last_program_.reset();
  timing_run_.reset();
  placed_.clear();
}

std::vector<std::shared_ptr<const LoadedModel>> Context::ShapeSets() const {
  std::vector<std::shared_ptr<const LoadedModel>> sets = {base_};
  sets.insert(sets.end(), base_->more_shape_sets.begin(), base_->more_shape_sets.end());
  return sets;
}

void Context::SetInputShapes(uint32_t n, const rknn_tensor_attr* attrs) {
  if (attrs == nullptr) throw ApiError(RKNN_ERR_PARAM_INVALID, "rknn_set_input_shapes: attr is NULL");
  if (n != program().inputs.size())
    throw ApiError(RKNN_ERR_PARAM_INVALID, "rknn_set_input_shapes: n_inputs = " + std::to_string(n) +
                                               ", but the model has " + std::to_string(program().inputs.size()));
  // Each attr names its input by index; its dims are in its fmt (NHWC dims of a 4-D input are
  // turned to the NCHW order the model's shapes use).
  std::vector<ir::Shape> shapes(n);
  for (uint32_t i = 0; i < n; ++i) {
    const rknn_tensor_attr& a = attrs[i];
    if (a.index >= n || !shapes[a.index].empty() || a.n_dims == 0 || a.n_dims > RKNN_MAX_DIMS)
      throw ApiError(RKNN_ERR_PARAM_INVALID, "rknn_set_input_shapes: attr " + std::to_string(i) + " has index " +
                                                 std::to_string(a.index) + " and " + std::to_string(a.n_dims) +
                                                 " dims; give each input once, with 1.." +
                                                 std::to_string(RKNN_MAX_DIMS) + " dims");
    ir::Shape& s = shapes[a.index];
    for (uint32_t d = 0; d < a.n_dims; ++d) s.push_back(a.dims[d]);
    if (a.fmt == RKNN_TENSOR_NHWC && s.size() == 4) s = {s[0], s[3], s[1], s[2]};
  }
  std::vector<ir::Shape> current;
  for (const isa::IoTensor& io : program().inputs) current.push_back(io.shape);
  if (shapes == current) return;
  const std::vector<std::shared_ptr<const LoadedModel>> sets = ShapeSets();
  for (const std::shared_ptr<const LoadedModel>& set : sets) {
    std::vector<ir::Shape> theirs;
    for (const isa::IoTensor& io : set->model.program.inputs) theirs.push_back(io.shape);
    if (theirs != shapes) continue;
    loaded_ = set;
    ResetForShapeSet();
    return;
  }
  std::string have;
  for (const std::shared_ptr<const LoadedModel>& set : sets)
    have += (have.empty() ? "" : ", ") + runtime::ShapeSetText(runtime::InputShapeSets(set->model)[0]);
  throw ApiError(RKNN_ERR_PARAM_INVALID,
                 "rknn_set_input_shapes: input shapes " + runtime::ShapeSetText(shapes) +
                     (sets.size() == 1 ? " differ from the model's " + runtime::ShapeSetText(current) +
                                         ", and it was not built with dynamic_input"
                                   : " are none of the model's shape sets (" + have + ")"));
}

// RKNN_QUERY_INPUT_DYNAMIC_RANGE: the shapes input range->index takes in each set, in the order
// and layout RKNN_QUERY_INPUT_ATTR reports its dims.
void Context::QueryInputRange(rknn_input_range* range) const {
  const uint32_t index = range->index;
  if (index >= program().inputs.size())
    throw ApiError(RKNN_ERR_PARAM_INVALID, "RKNN_QUERY_INPUT_DYNAMIC_RANGE: input index " + std::to_string(index) +
                                               " is out of range: the model has " +
                                               std::to_string(program().inputs.size()));
  const std::vector<std::shared_ptr<const LoadedModel>> sets = ShapeSets();
  if (sets.size() > RKNN_MAX_DYNAMIC_SHAPE_NUM)
    throw ApiError(RKNN_ERR_FAIL, "RKNN_QUERY_INPUT_DYNAMIC_RANGE: the model has more than " +
                                      std::to_string(RKNN_MAX_DYNAMIC_SHAPE_NUM) + " shape sets");
  std::memset(range, 0, sizeof(*range));
  range->index = index;
  range->shape_number = static_cast<uint32_t>(sets.size());
  for (size_t k = 0; k < sets.size(); ++k) {
    const rknn_tensor_attr a = MakeAttr(sets[k]->model.program.inputs[index], index, true, AttrKind::kUser);
    range->fmt = a.fmt;
    range->n_dims = a.n_dims;
    CopyText(range->name, a.name, sizeof(range->name));
    for (uint32_t d = 0; d < a.n_dims; ++d) range->dyn_range[k][d] = a.dims[d];
  }
}

Context::~Context() {
  for (const std::shared_ptr<CustomOpBinding>& binding : custom_ops_) Retire(*binding);
}

void Context::RegisterCustomOps(const rknn_custom_op* ops, uint32_t count) {
  auto kernels = std::make_shared<ops::CustomOpSet>(*custom_kernels_);
  std::vector<std::shared_ptr<CustomOpBinding>> added = capi::RegisterCustomOps(ops, count, *kernels);
  custom_ops_.insert(custom_ops_.end(), added.begin(), added.end());
  custom_kernels_ = std::move(kernels);
}

rknn_tensor_attr Context::Attr(bool is_input, uint32_t index, int kind) const {
  const auto& list = is_input ? program().inputs : program().outputs;
  if (index >= list.size())
    throw ApiError(RKNN_ERR_PARAM_INVALID, std::string(is_input ? "input" : "output") + " index " +
                                               std::to_string(index) + " is out of range: the model has " +
                                               std::to_string(list.size()));
  return MakeAttr(list[index], index, is_input, static_cast<AttrKind>(kind));
}

std::shared_ptr<const isa::Program> Context::Placed() {
  if (loaded_->rockchip) return std::shared_ptr<const isa::Program>(loaded_, &program());
  std::shared_ptr<const isa::Program>& placed = placed_[static_cast<uint32_t>(core_mask_)];
  if (!placed)
    placed = std::make_shared<const isa::Program>(
        lower::PlaceOnCores(program(), static_cast<uint32_t>(core_mask_), loaded_->platform));
  return placed;
}

const sim::SimulationResult* Context::Timing(const isa::Program** timed) {
  if (last_run_) {
    *timed = last_program_.get();
    return &*last_run_;
  }
  if (!loaded_->rockchip) return nullptr;
  if (!timing_run_) {
    timing_program_ = std::make_shared<const isa::Program>(
        lower::PlaceOnCores(program(), static_cast<uint32_t>(core_mask_), loaded_->platform));
    timing_run_ = sim::Simulate(*timing_program_, loaded_->platform, {});  // no inputs: timing only
  }
  *timed = timing_program_.get();
  return &*timing_run_;
}

void Context::Query(int raw_cmd, void* info, uint32_t size) {
  if (raw_cmd < 0 || raw_cmd >= RKNN_QUERY_CMD_MAX)
    throw ApiError(RKNN_ERR_PARAM_INVALID, "rknn_query: unknown cmd " + std::to_string(raw_cmd));
  const auto cmd = static_cast<rknn_query_cmd>(raw_cmd);
  switch (cmd) {
    case RKNN_QUERY_IN_OUT_NUM: {
      auto* num = InfoAs<rknn_input_output_num>(info, size, "RKNN_QUERY_IN_OUT_NUM");
      num->n_input = static_cast<uint32_t>(program().inputs.size());
      num->n_output = static_cast<uint32_t>(program().outputs.size());
      return;
    }
    case RKNN_QUERY_INPUT_ATTR:
    case RKNN_QUERY_OUTPUT_ATTR:
    case RKNN_QUERY_NATIVE_INPUT_ATTR:
    case RKNN_QUERY_NATIVE_OUTPUT_ATTR:
    case RKNN_QUERY_NATIVE_NHWC_INPUT_ATTR:
    case RKNN_QUERY_NATIVE_NHWC_OUTPUT_ATTR:
    case RKNN_QUERY_CURRENT_INPUT_ATTR:
    case RKNN_QUERY_CURRENT_OUTPUT_ATTR:
    case RKNN_QUERY_CURRENT_NATIVE_INPUT_ATTR:
    case RKNN_QUERY_CURRENT_NATIVE_OUTPUT_ATTR: {
      // The caller names the tensor by attr->index (the board's convention).
      auto* attr = InfoAs<rknn_tensor_attr>(info, size, "tensor attr");
      const bool is_input = cmd == RKNN_QUERY_INPUT_ATTR || cmd == RKNN_QUERY_NATIVE_INPUT_ATTR ||
                            cmd == RKNN_QUERY_NATIVE_NHWC_INPUT_ATTR || cmd == RKNN_QUERY_CURRENT_INPUT_ATTR ||
                            cmd == RKNN_QUERY_CURRENT_NATIVE_INPUT_ATTR;
      AttrKind kind = AttrKind::kUser;
      if (cmd == RKNN_QUERY_NATIVE_INPUT_ATTR || cmd == RKNN_QUERY_NATIVE_OUTPUT_ATTR ||
          cmd == RKNN_QUERY_CURRENT_NATIVE_INPUT_ATTR || cmd == RKNN_QUERY_CURRENT_NATIVE_OUTPUT_ATTR)
        kind = AttrKind::kNative;
      if (cmd == RKNN_QUERY_NATIVE_NHWC_INPUT_ATTR || cmd == RKNN_QUERY_NATIVE_NHWC_OUTPUT_ATTR)
        kind = AttrKind::kNativeNhwc;
      *attr = Attr(is_input, attr->index, static_cast<int>(kind));
      return;
    }
    case RKNN_QUERY_PERF_DETAIL: {
      auto* detail = InfoAs<rknn_perf_detail>(info, size, "RKNN_QUERY_PERF_DETAIL");
      const isa::Program* timed = nullptr;
      const sim::SimulationResult* timing = Timing(&timed);
      if (!timing) throw ApiError(RKNN_ERR_FAIL, "RKNN_QUERY_PERF_DETAIL: no run yet; call rknn_run first");
      perf_text_ = runtime::FormatPerfTable(runtime::BuildPerfReport(*timed, loaded_->platform, *timing));
      detail->perf_data = perf_text_.data();
      detail->data_len = perf_text_.size();
      return;
    }
    case RKNN_QUERY_PERF_RUN: {
      auto* run = InfoAs<rknn_perf_run>(info, size, "RKNN_QUERY_PERF_RUN");
      const isa::Program* timed = nullptr;
      const sim::SimulationResult* timing = Timing(&timed);
      if (!timing) throw ApiError(RKNN_ERR_FAIL, "RKNN_QUERY_PERF_RUN: no run yet; call rknn_run first");
      run->run_duration = static_cast<int64_t>(timing->total_time_us + 0.5);
      return;
    }
    case RKNN_QUERY_SDK_VERSION: {
      auto* version = InfoAs<rknn_sdk_version>(info, size, "RKNN_QUERY_SDK_VERSION");
      CopyText(version->api_version, "2.3.2 (rknn-sim " RKNN_SIM_VERSION " simulator)", sizeof(version->api_version));
      CopyText(version->drv_version, "rknn-sim " RKNN_SIM_VERSION " SystemC " + loaded_->platform.platform,
               sizeof(version->drv_version));
      return;
    }
    case RKNN_QUERY_MEM_SIZE: {
      auto* mem = InfoAs<rknn_mem_size>(info, size, "RKNN_QUERY_MEM_SIZE");
      std::memset(mem, 0, sizeof(*mem));
      const runtime::MemoryReport report =
          loaded_->rockchip ? loaded_->file_memory : runtime::BuildMemoryReport(program());
      mem->total_weight_size = static_cast<uint32_t>(report.weight_bytes);
      mem->total_internal_size = static_cast<uint32_t>(report.internal_bytes);
      mem->total_dma_allocated_size = report.total_bytes;
      return;
    }
    case RKNN_QUERY_INPUT_DYNAMIC_RANGE:
      QueryInputRange(InfoAs<rknn_input_range>(info, size, "RKNN_QUERY_INPUT_DYNAMIC_RANGE"));
      return;
    case RKNN_QUERY_CUSTOM_STRING: {
      auto* custom = InfoAs<rknn_custom_string>(info, size, "RKNN_QUERY_CUSTOM_STRING");
      custom->string[0] = '\0';  // the converter stores no custom string
      return;
    }
    default:
      throw ApiError(RKNN_ERR_PARAM_INVALID, "rknn_query: unsupported cmd " + std::to_string(static_cast<int>(cmd)));
  }
}

void Context::SetInputs(uint32_t n, const rknn_input* inputs) {
  if (inputs == nullptr) throw ApiError(RKNN_ERR_PARAM_INVALID, "rknn_inputs_set: inputs is NULL");
  if (n == 0 || n > program().inputs.size())
    throw ApiError(RKNN_ERR_PARAM_INVALID, "rknn_inputs_set: n_inputs = " + std::to_string(n) +
                                               ", but the model has " + std::to_string(program().inputs.size()));
  // Convert all first so that a bad input leaves the context's inputs unchanged.
  std::vector<std::pair<uint32_t, std::vector<uint8_t>>> converted;
  for (uint32_t i = 0; i < n; ++i) {
    const rknn_input& in = inputs[i];
    if (in.index >= program().inputs.size())
      throw ApiError(RKNN_ERR_PARAM_INVALID, "rknn_inputs_set: input index " + std::to_string(in.index) +
                                                 " is out of range: the model has " +
                                                 std::to_string(program().inputs.size()));
    if (in.buf == nullptr)
      throw ApiError(RKNN_ERR_PARAM_INVALID, "rknn_inputs_set: input " + std::to_string(in.index) + " buf is NULL");
    const std::string what = "rknn_inputs_set: input " + std::to_string(in.index);
    converted.emplace_back(in.index, InputToSurface(program().inputs[in.index], in.buf, in.size, in.pass_through != 0,
                                                    CheckedType(in.type, what), CheckedFormat(in.fmt, what),
                                                    InputNorm(in.index)));
  }
  for (auto& [index, surface] : converted) {
    inputs_[index] = std::move(surface);
    input_mems_[index].reset();  // the latest way of giving an input wins
  }
}

void Context::Run() {
  if (loaded_->rockchip && !loaded_->rockchip_exe)
    throw ApiError(RKNN_ERR_MODEL_INVALID,
                   "rknn_run: " + loaded_->rockchip_source + " is a Rockchip .rknn file (RKNN-Toolkit2 " +
                       loaded_->rockchip_toolkit + ") whose program rknn-sim cannot decode yet (" +
                       loaded_->rockchip_refusal.message() + "; docs/rknn-format.md §8 lists what runs); rknn_query "
                       "works on it (IN_OUT_NUM, attrs, SDK_VERSION, MEM_SIZE, PERF_DETAIL from a timing-only "
                       "simulation). To run, convert the source ONNX model with `rknn-sim convert`");
  std::vector<std::vector<uint8_t>> packed(program().inputs.size());
  for (size_t i = 0; i < packed.size(); ++i) {
    if (input_mems_[i]) {
      const Binding& b = *input_mems_[i];
      const bool raw = b.attr.pass_through != 0 || b.attr.type == ModelType(program().inputs[i]);
      const uint64_t room = MemRoom(*b.mem);
      packed[i] = InputToSurface(program().inputs[i], static_cast<uint8_t*>(b.mem->virt_addr) + b.mem->offset, room,
                                 raw, b.attr.type, b.attr.fmt, InputNorm(i));
    } else if (inputs_[i]) {
      packed[i] = *inputs_[i];
    } else {
      throw ApiError(RKNN_ERR_INPUT_INVALID,
                     "rknn_run: input " + std::to_string(i) + " is not set; call rknn_inputs_set or rknn_set_io_mem");
    }
  }
  // A Rockchip program's CPU nodes run through its own host-op runner (runtime/rknn_execution.h);
  // its custom operators must be registered before the run starts (nothing may throw out of one).
  // The context's own custom operators come first, wherever its CPU nodes run.
  const std::shared_ptr<const ops::CustomOpSet> kernels = custom_kernels_;
  const ops::CustomOpScope scope(kernels.get());
  // Refused before the run starts (nothing may throw out of a simulated task).
  for (const ir::Node& node : loaded_->model.graph.nodes())
    if (node.op == ir::OpKind::kCustom && !ops::FindCustomOp(node.attrs.mode))
      throw ApiError(RKNN_ERR_PARAM_INVALID, "rknn_run: node '" + node.name + "' is custom operator '" +
                                                 node.attrs.mode + "', which this context has not registered "
                                                 "(call rknn_register_custom_ops(ctx, ...) before rknn_run)");
  if (loaded_->rockchip_exe) {
    try {
      rknn::CheckHostOpsRegistered(loaded_->rockchip_exe->regcmd, "rknn_run: " + loaded_->rockchip_source);
    } catch (const Error& e) {
      throw ApiError(RKNN_ERR_PARAM_INVALID, e.what());
    }
  }
  const sim::CpuOpRunner runner = loaded_->rockchip_exe ? runtime::HostOpRunner(loaded_->rockchip_exe->regcmd)
                                                        : runtime::MakeCpuRunner(loaded_->model);
  // CPU tasks run on the simulation thread: the scope goes with each call.
  const sim::CpuOpRunner cpu_runner = [&runner, kernels](const isa::Task& task,
                                                         const std::vector<std::vector<uint8_t>>& inputs,
                                                         std::vector<std::vector<uint8_t>>& outputs) {
    const ops::CustomOpScope on_this_thread(kernels.get());
    runner(task, inputs, outputs);
  };
  // The core mask places and splits the tasks as `rknn-sim run --core-mask` does; outputs are
  // the same bytes for every mask. A Rockchip program runs its own single-core schedule.
  last_program_ = Placed();
  // sim::Simulate runs on the process's simulation thread (sim/simulation_thread.h): runs of
  // contexts in several threads are serialized there.
  sim::SimulationResult result = sim::Simulate(*last_program_, loaded_->platform, packed, &cpu_runner);
  outputs_ = std::move(result.outputs);
  result.outputs.clear();
  last_run_ = std::move(result);
  for (size_t i = 0; i < output_mems_.size(); ++i) {
    if (!output_mems_[i]) continue;
    const Binding& b = *output_mems_[i];
    const std::vector<uint8_t> bytes = SurfaceToOutput(program().outputs[i], outputs_[i], b.attr.type, b.attr.fmt);
    if (bytes.size() > MemRoom(*b.mem))
      throw ApiError(RKNN_ERR_PARAM_INVALID, "output " + std::to_string(i) + " needs " + std::to_string(bytes.size()) +
                                                 " bytes, its tensor mem now has " + std::to_string(MemRoom(*b.mem)));
    std::memcpy(static_cast<uint8_t*>(b.mem->virt_addr) + b.mem->offset, bytes.data(), bytes.size());
  }
}

void Context::GetOutputs(uint32_t n, rknn_output* outputs) {
  if (outputs == nullptr) throw ApiError(RKNN_ERR_PARAM_INVALID, "rknn_outputs_get: outputs is NULL");
  if (n == 0 || n > program().outputs.size())
    throw ApiError(RKNN_ERR_PARAM_INVALID, "rknn_outputs_get: n_outputs = " + std::to_string(n) +
                                               ", but the model has " + std::to_string(program().outputs.size()));
  if (!last_run_) throw ApiError(RKNN_ERR_OUTPUT_INVALID, "rknn_outputs_get: no run yet; call rknn_run first");
  for (uint32_t i = 0; i < n; ++i) {
    rknn_output& out = outputs[i];
    if (out.index >= program().outputs.size())
      throw ApiError(RKNN_ERR_PARAM_INVALID, "rknn_outputs_get: output index " + std::to_string(out.index) +
                                                 " is out of range: the model has " +
                                                 std::to_string(program().outputs.size()));
    const isa::IoTensor& io = program().outputs[out.index];
    const rknn_tensor_type type = out.want_float ? RKNN_TENSOR_FLOAT32 : ModelType(io);
    const uint64_t need = OutputBytes(io, type, RKNN_TENSOR_NCHW);
    if (out.is_prealloc) {
      if (out.buf == nullptr)
        throw ApiError(RKNN_ERR_PARAM_INVALID, "rknn_outputs_get: output " + std::to_string(out.index) +
                                                   " is_prealloc but buf is NULL");
      if (out.size < need)
        throw ApiError(RKNN_ERR_PARAM_INVALID, "rknn_outputs_get: output " + std::to_string(out.index) +
                                                   " needs size = " + std::to_string(need) + ", but " +
                                                   std::to_string(out.size) + " is given");
    }
  }
  for (uint32_t i = 0; i < n; ++i) {
    rknn_output& out = outputs[i];
    const isa::IoTensor& io = program().outputs[out.index];
    std::vector<uint8_t> bytes =
        SurfaceToOutput(io, outputs_[out.index], out.want_float ? RKNN_TENSOR_FLOAT32 : ModelType(io), RKNN_TENSOR_NCHW);
    if (out.is_prealloc) {
      std::memcpy(out.buf, bytes.data(), bytes.size());
      continue;
    }
    out.size = static_cast<uint32_t>(bytes.size());
    out.buf = bytes.data();
    output_buffers_[out.buf] = std::move(bytes);  // the vector's heap block does not move
  }
}

void Context::ReleaseOutputs(uint32_t n, rknn_output* outputs) {
  if (outputs == nullptr) throw ApiError(RKNN_ERR_PARAM_INVALID, "rknn_outputs_release: outputs is NULL");
  if (n > program().outputs.size())
    throw ApiError(RKNN_ERR_PARAM_INVALID, "rknn_outputs_release: n_outputs = " + std::to_string(n) +
                                               ", but the model has " + std::to_string(program().outputs.size()));
  for (uint32_t i = 0; i < n; ++i) {
    if (outputs[i].is_prealloc) continue;  // the caller's memory
    auto it = output_buffers_.find(outputs[i].buf);
    if (it == output_buffers_.end()) continue;  // released twice or never got: nothing to free
    output_buffers_.erase(it);
    outputs[i].buf = nullptr;
  }
}

void Context::SetCoreMask(int raw_mask) {
  if (raw_mask < 0 || raw_mask > RKNN_NPU_CORE_UNDEFINED)
    throw ApiError(RKNN_ERR_PARAM_INVALID, "rknn_set_core_mask: unknown mask " + std::to_string(raw_mask));
  const auto mask = static_cast<rknn_core_mask>(raw_mask);
  const int cores = loaded_->platform.cores;
  const uint32_t all = (1u << cores) - 1;
  const bool valid = mask == RKNN_NPU_CORE_AUTO || mask == RKNN_NPU_CORE_ALL ||
                     (static_cast<uint32_t>(mask) & ~all) == 0;
  if (!valid)
    throw ApiError(RKNN_ERR_PARAM_INVALID, "rknn_set_core_mask: mask 0x" + [&] {
      char hex[16];
      std::snprintf(hex, sizeof(hex), "%x", static_cast<unsigned>(mask));
      return std::string(hex);
    }() + " names a core that " + loaded_->platform.platform + " (" + std::to_string(cores) + " core(s)) does not have");
  // rknn_run places and splits the tasks for this mask (compiler/lower/core_split.h).
  core_mask_ = mask;
  timing_run_.reset();
}

rknn_tensor_mem* Context::CreateMem(uint64_t size) {
  if (size == 0 || size > UINT32_MAX)
    throw ApiError(RKNN_ERR_PARAM_INVALID, "rknn_create_mem: size " + std::to_string(size) + " is not in 1..2^32-1");
  auto storage = std::make_unique<std::vector<uint8_t>>(size);
  auto mem = std::make_unique<rknn_tensor_mem>();
  std::memset(mem.get(), 0, sizeof(rknn_tensor_mem));
  mem->virt_addr = storage->data();
  mem->fd = -1;
  mem->size = static_cast<uint32_t>(size);
  mem->flags = RKNN_TENSOR_MEMORY_FLAGS_ALLOC_INSIDE;
  mem->priv_data = storage.get();
  mems_.push_back(std::move(mem));
  mem_storage_.push_back(std::move(storage));
  return mems_.back().get();
}

void Context::DestroyMem(rknn_tensor_mem* mem) {
  auto it = std::find_if(mems_.begin(), mems_.end(), [&](const auto& m) { return m.get() == mem; });
  if (mem == nullptr || it == mems_.end())
    throw ApiError(RKNN_ERR_PARAM_INVALID, "rknn_destroy_mem: mem was not created by rknn_create_mem on this context");
  for (auto* list : {&input_mems_, &output_mems_})
    for (auto& b : *list)
      if (b && b->mem == mem) b.reset();
  auto storage = std::find_if(mem_storage_.begin(), mem_storage_.end(),
                              [&](const auto& s) { return s.get() == mem->priv_data; });
  if (storage != mem_storage_.end()) mem_storage_.erase(storage);
  mems_.erase(it);
}

void Context::SetIoMem(rknn_tensor_mem* mem, const rknn_tensor_attr* attr) {
  if (mem == nullptr || attr == nullptr) throw ApiError(RKNN_ERR_PARAM_INVALID, "rknn_set_io_mem: mem or attr is NULL");
  if (std::none_of(mems_.begin(), mems_.end(), [&](const auto& m) { return m.get() == mem; }))
    throw ApiError(RKNN_ERR_PARAM_INVALID, "rknn_set_io_mem: mem was not created by rknn_create_mem on this context");
  rknn_tensor_attr checked = *attr;
  checked.type = CheckedType(attr->type, "rknn_set_io_mem");
  checked.fmt = CheckedFormat(attr->fmt, "rknn_set_io_mem");
  attr = &checked;
  // The attr names its tensor by index and name (inputs and outputs have distinct names).
  const auto& ins = program().inputs;
  const auto& outs = program().outputs;
  const std::string name(attr->name, strnlen(attr->name, RKNN_MAX_NAME_LEN));
  const bool is_input = attr->index < ins.size() && ins[attr->index].name == name;
  const bool is_output = !is_input && attr->index < outs.size() && outs[attr->index].name == name;
  if (!is_input && !is_output)
    throw ApiError(RKNN_ERR_PARAM_INVALID, "rknn_set_io_mem: attr index " + std::to_string(attr->index) + " name '" +
                                               name + "' is neither an input nor an output; pass an attr from rknn_query");
  const uint64_t room = MemRoom(*mem);
  const isa::IoTensor& io = is_input ? ins[attr->index] : outs[attr->index];
  uint64_t need = 0;
  if (is_input) {
    const bool raw = attr->pass_through != 0 || attr->type == ModelType(io);
    // Validate type, format and size now, as the board does, with a probe conversion of zeros.
    std::vector<uint8_t> probe(room);
    InputToSurface(io, probe.data(), room, raw, attr->type, attr->fmt);
  } else {
    need = OutputBytes(io, attr->type, attr->fmt);
    if (room < need)
      throw ApiError(RKNN_ERR_PARAM_INVALID, "rknn_set_io_mem: output " + std::to_string(attr->index) + " needs " +
                                                 std::to_string(need) + " bytes, mem has " + std::to_string(room));
  }
  Binding b{mem, *attr};
  (is_input ? input_mems_ : output_mems_)[attr->index] = b;
  if (is_input) inputs_[attr->index].reset();
}

}  // namespace rknnsim::capi
