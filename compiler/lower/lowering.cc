#include "compiler/lower/lowering.h"

#include <algorithm>
#include <climits>
#include <stdexcept>

#include "common/error.h"
#include "compiler/lower/batch.h"
#include "compiler/lower/conv_tiler.h"
#include "compiler/lower/register_limits.h"
#include "compiler/lower/memory_planner.h"
#include "compiler/lower/placement.h"
#include "compiler/lower/weight_packer.h"
#include "compiler/ops/elementwise.h"
#include "compiler/ops/op_def.h"
#include "compiler/ops/op_util.h"
#include "compiler/quant/arithmetic.h"
#include "compiler/reference/cpu_op.h"
#include "compiler/reference/quant_executor.h"
#include "isa/task_kinds.h"

namespace rknnsim::lower {
namespace {

constexpr uint64_t kWeightBase = 0x1000;  // keep address 0 unused so a missing address is visible
constexpr uint64_t kRegionAlign = 4096;
constexpr uint64_t kBufferAlign = 64;

uint64_t AlignUp(uint64_t v, uint64_t a) { return (v + a - 1) / a * a; }

class Lowerer {
 public:
  Lowerer(const ir::Graph& g, const isa::PlatformConfig& p, const std::string& target, const LowerOptions& options)
      : g_(g), p_(p), batch_(options.batch) {
    program_.target = target;
    program_.platform = p.platform;
    program_.compute_type = reference::IsFp16Graph(g) ? isa::ElemType::kFp16 : isa::ElemType::kInt8;
    program_.memory.weight_base = kWeightBase;
  }

  isa::Program Run() {
    FuseIntoConvs();
    AssignStorage();
    PlaceStorage();
    for (size_t i = 0; i < g_.nodes().size(); ++i) EmitNode(g_.nodes()[i], static_cast<uint32_t>(i));
    for (int id : g_.inputs()) program_.inputs.push_back(Io(id));
    for (int id : g_.outputs()) program_.outputs.push_back(Io(id));
    program_.memory.weight_bytes = program_.weights.size();
    program_.memory.other_bytes = program_.tasks.size() * sizeof(isa::Task);
    RebaseFeatures();
    program_ = RepeatForBatch(program_, batch_);
    const uint64_t top = program_.DdrBytes();
    if (p_.dma_address_bits < 64 && top >= (uint64_t{1} << p_.dma_address_bits))
      throw Error("the model needs " + std::to_string(top) + " bytes of DDR, beyond the NPU's " +
                  std::to_string(p_.dma_address_bits) + "-bit DMA address range");
    return std::move(program_);
  }

 private:
  // Element types are per tensor: a hybrid graph (compiler/quant/hybrid.h) mixes int8 and fp16
  // layers, each running in the type of its output, with Convert tasks at the boundaries.
  isa::ElemType TypeOf(int tensor_id) const {
    return g_.tensor(tensor_id).dtype == ir::DType::kFloat16 ? isa::ElemType::kFp16 : isa::ElemType::kInt8;
  }
  bool IsInt8(int tensor_id) const { return TypeOf(tensor_id) == isa::ElemType::kInt8; }
  uint32_t C2(isa::ElemType type) const { return type == isa::ElemType::kInt8 ? p_.c2_int8 : p_.c2_fp16; }
  const isa::MacGeometry& Mac(isa::ElemType type) const {
    return type == isa::ElemType::kInt8 ? p_.mac_int8 : p_.mac_fp16;
  }

  isa::Surface SurfaceOf(int tensor_id) const {
    const ir::Tensor& t = g_.tensor(tensor_id);
    const ir::Shape& s = t.shape;
    isa::Surface surf;
    surf.type = TypeOf(tensor_id);
    if (!IsNpuShape(s)) {
      surf.c2 = 1, surf.height = 1, surf.width = 1;
      surf.channels = static_cast<uint32_t>(t.num_elements());
      return surf;
    }
    surf.c2 = IsPackedPixelInput(tensor_id) ? static_cast<uint32_t>(s[1]) : C2(surf.type);
    surf.channels = static_cast<uint32_t>(s[1]);
    surf.height = s.size() == 4 ? static_cast<uint32_t>(s[2]) : 1;
    surf.width = s.size() == 4 ? static_cast<uint32_t>(s[3]) : 1;
    return surf;
  }

  bool IsActivation(int id) const { return !g_.tensor(id).is_constant; }

  // A model input of 1-4 channels read only by direct convolutions is stored with its pixels
  // packed (C2 = C, e.g. 3 bytes per RGB pixel), as the CNA's 1-4-channel input mode for first
  // layers reads it (CNA_CONV_CON1, Mesa registers.xml): the board's yolov5s internal memory counts a
  // 640x640x3 input as 1,228,800 bytes, not the 6,553,600 a 16-byte atom per pixel would take.
  bool IsPackedPixelInput(int tensor_id) const {
    const auto& inputs = g_.inputs();
    const ir::Shape& s = g_.tensor(tensor_id).shape;
    if (std::find(inputs.begin(), inputs.end(), tensor_id) == inputs.end() || s.size() != 4 || s[1] > 4) return false;
    bool read = false;
    for (const ir::Node& n : g_.nodes())
      for (size_t k = 0; k < n.inputs.size(); ++k)
        if (n.inputs[k] == tensor_id) {
          if (k != 0 || n.on_cpu || n.op != ir::OpKind::kConv || IsDepthwise(g_, n)) return false;
          read = true;
        }
    return read;
  }

  // Per node: for an int8 NPU convolution whose tensor has exactly one reader and is not a graph
  // output, that reader's node index; -1 otherwise. The convs a DPU pass may extend (below).
  std::vector<int> SoleReadersOfConvs() const {
    const std::vector<ir::Node>& nodes = g_.nodes();
    const std::vector<int> consumers = g_.ConsumerCounts();
    std::vector<int> reader(g_.tensors().size(), -1), sole(nodes.size(), -1);
    for (size_t i = 0; i < nodes.size(); ++i)
      for (int in : nodes[i].inputs) reader[in] = static_cast<int>(i);
    const auto& outputs = g_.outputs();
    for (size_t i = 0; i < nodes.size(); ++i) {
      const ir::Node& n = nodes[i];
      if (n.on_cpu || n.op != ir::OpKind::kConv || !IsInt8(n.outputs[0])) continue;
      const int pre = n.outputs[0];
      if (consumers[pre] == 1 && std::find(outputs.begin(), outputs.end(), pre) == outputs.end()) sole[i] = reader[pre];
    }
    return sole;
  }

  // An int8 convolution whose only reader is a lookup-table activation (Swish, Sigmoid, ...) runs
  // it in its own DPU pass, as RKNN's ConvExSwish/ConvSigmoid layers do: one task, the
  // pre-activation tensor never stored. The graph keeps both nodes (the reference executor runs
  // them one after the other, which is the same arithmetic).
  //
  // An int8 convolution whose only reader is a same-shape Add, whose other operand exists before
  // the conv runs, adds it in its own DPU pass, as RKNN's ConvAdd/ConvReluAdd layers do (the
  // board's perf_debug tables list them as one row): one task, the conv's tensor never stored, the
  // other operand read pixel for pixel beside the output. The graph keeps both nodes; the DPU
  // computes the conv's int8 value exactly as the conv task would and adds it exactly as the Add's
  // task would, so the reference executor's two steps are the same arithmetic.
  void FuseIntoConvs() {
    const std::vector<ir::Node>& nodes = g_.nodes();
    fused_lut_.assign(nodes.size(), -1);
    fused_add_.assign(nodes.size(), -1);
    absorbed_.assign(nodes.size(), false);
    std::vector<int> producer(g_.tensors().size(), -1);
    for (size_t i = 0; i < nodes.size(); ++i)
      for (int out : nodes[i].outputs) producer[out] = static_cast<int>(i);
    const std::vector<int> sole = SoleReadersOfConvs();
    const auto same = [](const isa::Surface& x, const isa::Surface& y) {
      return x.channels == y.channels && x.height == y.height && x.width == y.width && x.c2 == y.c2;
    };
    for (size_t i = 0; i < nodes.size(); ++i) {
      const int j = sole[i];
      if (j < 0) continue;
      const ir::Node& next = nodes[j];
      if (next.on_cpu || !IsInt8(next.outputs[0])) continue;
      if (IsLutActivation(g_, next)) {
        fused_lut_[i] = j;
      } else if (next.op == ir::OpKind::kAdd && next.inputs.size() == 2) {
        const int pre = nodes[i].outputs[0];
        const int other = next.inputs[0] == pre ? next.inputs[1] : next.inputs[0];
        if (!IsActivation(other) || !IsInt8(other) || producer[other] >= static_cast<int>(i)) continue;
        const isa::Surface out = SurfaceOf(next.outputs[0]);
        if (!same(SurfaceOf(pre), out) || !same(SurfaceOf(other), out)) continue;
        fused_add_[i] = j;
      } else {
        continue;
      }
      absorbed_[j] = true;
    }
  }

  // Every activation tensor gets a storage slot; Flatten/Reshape outputs share their input's slot
  // when the NC1HWC2 bytes are the same (H = W = 1), as the board does for classifier heads.
  // Graph inputs that are also outputs, or constant outputs, are not supported.
  void AssignStorage() {
    storage_of_.assign(g_.tensors().size(), -1);
    auto new_slot = [&](int tensor_id, int step) {
      storage_of_[tensor_id] = static_cast<int>(slots_.size());
      slots_.push_back({SurfaceOf(tensor_id), {0, step, step}});
      slots_.back().request.bytes = slots_.back().surface.bytes();
    };
    for (int id : g_.inputs()) new_slot(id, -1);
    for (size_t i = 0; i < g_.nodes().size(); ++i) {
      const ir::Node& n = g_.nodes()[i];
      const int step = static_cast<int>(i);
      if (absorbed_[i]) continue;  // its conv writes its output
      for (int in : n.inputs)
        if (!g_.tensor(in).is_constant) slots_[storage_of_[in]].request.last_use = step;
      if (fused_lut_[i] >= 0) {  // the conv writes the activation's tensor; its own is never stored
        new_slot(g_.nodes()[fused_lut_[i]].outputs[0], step);
        continue;
      }
      if (fused_add_[i] >= 0) {  // the conv reads the Add's other operand now and writes the Add's tensor
        const ir::Node& add = g_.nodes()[fused_add_[i]];
        for (int in : add.inputs)
          if (in != n.outputs[0]) slots_[storage_of_[in]].request.last_use = step;
        new_slot(add.outputs[0], step);
        continue;
      }
      if (!n.on_cpu && IsNpuAlias(g_, n)) {
        storage_of_[n.outputs[0]] = storage_of_[n.inputs[0]];
        continue;
      }
      for (int out : n.outputs) new_slot(out, step);
    }
    // Inputs stay: rknn_run may run again on the inputs set once (rknn_inputs_set), so no
    // intermediate tensor may reuse their bytes; the board's yolov5s internal memory (6,144,000 B)
    // is exactly its peak of intermediates plus the 640x640x3 input.
    for (int id : g_.inputs()) slots_[storage_of_[id]].request.last_use = INT_MAX;
    for (int id : g_.outputs()) slots_[storage_of_[id]].request.last_use = INT_MAX;
  }

  void PlaceStorage() {
    std::vector<BufferRequest> requests;
    for (const Slot& s : slots_) requests.push_back(s.request);
    const MemoryLayout layout = PlanBuffers(requests, kBufferAlign);
    // Every compile verifies its plan: no two live feature maps may share a byte.
    if (!LayoutIsSafe(requests, layout))
      throw std::logic_error("memory plan places two live tensors on overlapping bytes");
    offsets_ = layout.offsets;
    program_.memory.internal_bytes = layout.total_bytes;
  }

  isa::Surface Placed(int tensor_id) const {
    if (storage_of_[tensor_id] < 0)
      throw Error("tensor '" + g_.tensor(tensor_id).name + "' is a graph output computed entirely from constants",
                  "remove it from the outputs; it does not depend on the input");
    isa::Surface s = slots_[storage_of_[tensor_id]].surface;
    // Relative to the internal region until RebaseFeatures().
    s.addr = offsets_[storage_of_[tensor_id]];
    return s;
  }

  isa::IoTensor Io(int tensor_id) const {
    const ir::Tensor& t = g_.tensor(tensor_id);
    isa::IoTensor io;
    io.name = t.name;
    io.shape = t.shape;
    if (!t.quant.empty()) io.scale = t.quant.scale[0], io.zero_point = t.quant.zero_point[0];
    io.surface = Placed(tensor_id);
    return io;
  }

  uint64_t AddWeights(const std::vector<uint8_t>& bytes) {
    const uint64_t at = AlignUp(program_.weights.size(), kBufferAlign);
    program_.weights.resize(at);
    program_.weights.insert(program_.weights.end(), bytes.begin(), bytes.end());
    return program_.memory.weight_base + at;
  }

  uint32_t AddLayer(const ir::Node& n, uint64_t macs, const char* target = "NPU") {
    isa::Layer layer;
    layer.name = ops::OnnxOpType(n) + ":" + n.name;
    layer.op_type = ops::ReportOpType(n);
    layer.data_type = IsInt8(n.outputs[0]) ? "INT8" : "FLOAT16";
    layer.target = target;
    // The layer's row covers every image of a batch: activations show batch N (weights do not).
    for (int in : n.inputs)
      layer.input_shapes.push_back(IsActivation(in) ? WithBatch(g_.tensor(in).shape, batch_) : g_.tensor(in).shape);
    for (int out : n.outputs) layer.output_shapes.push_back(WithBatch(g_.tensor(out).shape, batch_));
    layer.macs = macs * batch_;
    program_.layers.push_back(std::move(layer));
    return static_cast<uint32_t>(program_.layers.size() - 1);
  }

  void SetActivation(isa::Task& t, const ir::Node& n) {
    t.act = static_cast<isa::ActKind>(n.attrs.activation);
    t.clip_min = n.attrs.clip_min, t.clip_max = n.attrs.clip_max;
    if (!IsInt8(n.outputs[0])) return;
    const quant::ClampRange r = quant::ActivationRange(n.attrs, g_.tensor(n.outputs[0]).quant);
    t.clamp_lo = r.lo, t.clamp_hi = r.hi;
  }

  int32_t Zp(int tensor_id) const {
    const ir::Tensor& t = g_.tensor(tensor_id);
    return t.quant.empty() ? 0 : t.quant.zero_point[0];
  }

  void EmitNode(const ir::Node& n, uint32_t index) {
    if (absorbed_[index]) return;  // emitted with its conv (FuseIntoConvs)
    if (n.on_cpu) return EmitCpu(n, index);
    if (!IsNpuPlaceable(g_, n, p_))
      throw ops::NodeError(n, "is marked for the NPU but has no NPU lowering (run AssignPlacement first)");
    switch (n.op) {
      case ir::OpKind::kConv:
      case ir::OpKind::kGemm:
        return EmitConv(n, fused_lut_[index] >= 0 ? &g_.nodes()[fused_lut_[index]] : nullptr,
                        fused_add_[index] >= 0 ? &g_.nodes()[fused_add_[index]] : nullptr);
      case ir::OpKind::kAdd: return EmitAdd(n);
      case ir::OpKind::kMaxPool:
      case ir::OpKind::kGlobalAveragePool:
      case ir::OpKind::kAveragePool: return EmitPool(n);
      case ir::OpKind::kFlatten:
      case ir::OpKind::kReshape: return;  // NPU aliases need no task
      case ir::OpKind::kConcat: return EmitConcat(n);
      case ir::OpKind::kSplit: return EmitSplit(n);
      case ir::OpKind::kConvert: return EmitConvert(n);
      case ir::OpKind::kResize:
      case ir::OpKind::kUpsample: return EmitUpsample(n);
      case ir::OpKind::kZeroInsert: return EmitZeroInsert(n);
      case ir::OpKind::kMul: return EmitMul(n);
      default: return EmitLut(n);
    }
  }

  // The table is what the reference computes for each of the 256 int8 inputs, so the DPU's
  // lookup reproduces the op exactly.
  std::vector<uint8_t> BuildLut(const ir::Node& n) const {
    const std::vector<int8_t> table = reference::Int8LookupTable(g_, n);
    return std::vector<uint8_t>(table.begin(), table.end());
  }

  // A DPU task streaming `input` to `output` whole (flying mode: DPU_RDMA reads the operands).
  static isa::Task DpuStreamTask(isa::TaskOp op, const isa::Surface& input, const isa::Surface& output) {
    isa::Task t;
    t.op = op;
    t.enable_mask = isa::kUnitDpu | isa::kUnitDpuRdma;
    t.input = input;
    t.output = output;
    t.out_rows = output.height, t.kernels = output.channels;
    return t;
  }

  void EmitLut(const ir::Node& n) {
    isa::Task t = DpuStreamTask(isa::TaskOp::kLut, Placed(n.inputs[0]), Placed(n.outputs[0]));
    t.dpu_table_addr = AddWeights(BuildLut(n));
    t.layer = AddLayer(n, 0);
    Push(t);
  }

  // A channel slice of a placed surface, starting at `channel` (a multiple of C2).
  static isa::Surface Slice(isa::Surface s, uint32_t channel, uint32_t channels) {
    s.addr += (channel / s.c2) * s.surface_stride();
    s.channels = channels;
    return s;
  }

  // A DPU copy from tensor `from` (surface `src`) to tensor `to` (surface `dst`), requantized to
  // `to`'s parameters in int8.
  void PushCopy(uint32_t layer, int from, const isa::Surface& src, int to, const isa::Surface& dst) {
    isa::Task t = DpuStreamTask(isa::TaskOp::kCopy, src, dst);
    t.layer = layer;
    if (IsInt8(from)) {
      const quant::Requant rq =
          quant::MakeRequant(double(g_.tensor(from).quant.scale[0]) / g_.tensor(to).quant.scale[0]);
      t.scale_a = rq.scale, t.shift = rq.shift;
      t.input_zp = Zp(from), t.output_zp = Zp(to);
    }
    Push(t);
  }

  // int8 <-> fp16 at a hybrid boundary: a DPU task with the int8 side's scale and zero point
  // (docs/quantization.md §17).
  void EmitConvert(const ir::Node& n) {
    isa::Task t = DpuStreamTask(isa::TaskOp::kConvert, Placed(n.inputs[0]), Placed(n.outputs[0]));
    const int int8_side = IsInt8(n.inputs[0]) ? n.inputs[0] : n.outputs[0];
    t.convert_scale = g_.tensor(int8_side).quant.scale.at(0);
    (int8_side == n.inputs[0] ? t.input_zp : t.output_zp) = Zp(int8_side);
    t.layer = AddLayer(n, 0);
    Push(t);
  }

  // Concat: one DPU copy per input into its channel slice of the output (C2-aligned offsets).
  void EmitConcat(const ir::Node& n) {
    const isa::Surface out = Placed(n.outputs[0]);
    const uint32_t layer = AddLayer(n, 0);
    uint32_t channel = 0;
    for (int in : n.inputs) {
      const isa::Surface src = Placed(in);
      PushCopy(layer, in, src, n.outputs[0], Slice(out, channel, src.channels));
      channel += src.channels;
    }
  }

  // Split: one DPU copy per output out of its channel slice of the input.
  void EmitSplit(const ir::Node& n) {
    const isa::Surface in = Placed(n.inputs[0]);
    const uint32_t layer = AddLayer(n, 0);
    uint32_t channel = 0;
    for (int out : n.outputs) {
      const isa::Surface dst = Placed(out);
      PushCopy(layer, n.inputs[0], Slice(in, channel, dst.channels), out, dst);
      channel += dst.channels;
    }
  }

  // Nearest Resize by integer factors: one DPU task replicating pixels; the output keeps the
  // input's quantization, so bytes move unchanged (docs/quantization.md §19).
  void EmitUpsample(const ir::Node& n) {
    isa::Task t = DpuStreamTask(isa::TaskOp::kUpsample, Placed(n.inputs[0]), Placed(n.outputs[0]));
    if (!IsNpuResize(g_, n, &t.stride_h, &t.stride_w))
      throw ops::NodeError(n, "is not a nearest upsample by integer factors");
    t.layer = AddLayer(n, 0);
    Push(t);
  }

  // ZeroInsert (deconvolution): one DPU task spreading the input by the strides; the fill is the
  // input's zero point in int8 (+0 in fp16), real 0 under the kept params (docs/quantization.md §21).
  void EmitZeroInsert(const ir::Node& n) {
    isa::Task t = DpuStreamTask(isa::TaskOp::kZeroInsert, Placed(n.inputs[0]), Placed(n.outputs[0]));
    t.stride_h = static_cast<uint32_t>(n.attrs.strides[0]), t.stride_w = static_cast<uint32_t>(n.attrs.strides[1]);
    t.input_zp = g_.tensor(n.inputs[0]).dtype == ir::DType::kInt8 ? Zp(n.inputs[0]) : 0;
    t.layer = AddLayer(n, 0);
    Push(t);
  }

  // Mul: the full-size operand streams as `input`, the multiplier (per channel, or same shape) as
  // `input2`; the int8 product is requantized once (docs/quantization.md §20).
  void EmitMul(const ir::Node& n) {
    const int k = ops::ChannelMultiplierOperand(g_.tensor(n.inputs[0]).shape, g_.tensor(n.inputs[1]).shape);
    const int x = n.inputs[k == 0 ? 1 : 0], s = n.inputs[k == 0 ? 0 : 1];
    isa::Task t = DpuStreamTask(isa::TaskOp::kEltwiseMul, Placed(x), Placed(n.outputs[0]));
    t.input2 = Placed(s);
    t.input_zp = Zp(x), t.input2_zp = Zp(s), t.output_zp = Zp(n.outputs[0]);
    if (program_.compute_type == isa::ElemType::kInt8) {
      const quant::Requant rq = quant::MakeRequant(double(g_.tensor(x).quant.scale[0]) *
                                                   double(g_.tensor(s).quant.scale[0]) /
                                                   double(g_.tensor(n.outputs[0]).quant.scale[0]));
      t.scale_a = rq.scale, t.shift = rq.shift;
    }
    t.layer = AddLayer(n, 0);
    Push(t);
  }

  void EmitCpu(const ir::Node& n, uint32_t index) {
    isa::Task t;
    t.op = isa::TaskOp::kCpu;
    t.cpu_node = index;
    for (int in : n.inputs) t.cpu_inputs.push_back(IsActivation(in) ? Placed(in) : isa::Surface{});
    for (int out : n.outputs) t.cpu_outputs.push_back(Placed(out));
    t.layer = AddLayer(n, 0, "CPU");
    Push(t);
  }

  // `lut`: the lookup-table activation fused into the conv's DPU pass (FuseIntoConvs), or null;
  // `add`: the residual Add fused into it (FuseIntoConvs), or null.
  void EmitConv(const ir::Node& n, const ir::Node* lut, const ir::Node* add) {
    const bool is_gemm = n.op == ir::OpKind::kGemm;
    const bool depthwise = !is_gemm && IsDepthwise(g_, n);
    isa::Task t;
    t.op = isa::TaskOp::kConv;
    t.conv_mode = depthwise ? isa::ConvMode::kDepthwise : isa::ConvMode::kDirect;
    t.enable_mask = isa::kUnitCna | isa::kUnitCore | isa::kUnitDpu;
    t.input = Placed(n.inputs[0]);
    t.output = Placed(lut ? lut->outputs[0] : add ? add->outputs[0] : n.outputs[0]);
    const ir::Shape& ws = g_.tensor(n.inputs[1]).shape;
    if (!is_gemm) {
      const ir::Attributes& a = n.attrs;
      t.kernel_h = static_cast<uint32_t>(ws[2]), t.kernel_w = static_cast<uint32_t>(ws[3]);
      t.stride_h = static_cast<uint32_t>(a.strides[0]), t.stride_w = static_cast<uint32_t>(a.strides[1]);
      t.dilation_h = static_cast<uint32_t>(a.dilations[0]), t.dilation_w = static_cast<uint32_t>(a.dilations[1]);
      t.pad_top = static_cast<uint32_t>(a.pads[0]), t.pad_left = static_cast<uint32_t>(a.pads[1]);
      t.pad_bottom = static_cast<uint32_t>(a.pads[2]), t.pad_right = static_cast<uint32_t>(a.pads[3]);
    }
    const uint32_t in_aligned = t.input.c1() * t.input.c2;
    t.weight_kernel_atom = static_cast<uint32_t>(Mac(t.input.type).kernels_per_cycle);
    const PackedLayer packed = PackLayer(g_, n, in_aligned, t.weight_kernel_atom, depthwise);
    t.weight_addr = AddWeights(packed.weights);
    t.weight_bytes = static_cast<uint32_t>(packed.weights.size());
    t.dpu_table_addr = AddWeights(packed.dpu_table);
    t.input_zp = Zp(n.inputs[0]);
    t.output_zp = Zp(n.outputs[0]);
    SetActivation(t, n);
    const uint64_t macs = uint64_t{t.output.height} * t.output.width * t.output.channels * ws[1] * t.kernel_h * t.kernel_w;
    t.layer = AddLayer(n, macs);
    if (lut) {
      t.fused_lut = true;
      t.lut_addr = AddWeights(BuildLut(*lut));
      // RKNN's name for a conv with SiLU is ConvExSwish; other tables append the op's own name.
      program_.layers[t.layer].op_type += lut->op == ir::OpKind::kSwish ? "ExSwish" : ops::ReportOpType(*lut);
    }
    if (add) FuseAdd(t, n, *add);

    ConvShape shape;
    shape.in_height = t.input.height, shape.in_width = t.input.width, shape.in_channels_aligned = in_aligned;
    shape.out_height = t.output.height, shape.kernels_aligned = packed.kernels_aligned;
    shape.kernel_h = t.kernel_h, shape.kernel_w = t.kernel_w, shape.stride_h = t.stride_h;
    shape.dilation_h = t.dilation_h, shape.pad_top = t.pad_top;
    shape.elem_bytes = isa::ElemBytes(t.input.type);
    shape.kernel_atom = t.weight_kernel_atom;
    shape.depthwise = depthwise;
    shape.max_task_input_rows = ConvTaskInputRowLimit(program_.target);
    for (const ConvTile& tile : TileConvolution(shape, p_, n.name)) {
      isa::Task part = t;
      part.out_row_begin = tile.out_row_begin, part.out_rows = tile.out_rows;
      part.kernel_begin = tile.kernel_begin;
      part.kernels = std::min(tile.kernels, t.output.channels - std::min(tile.kernel_begin, t.output.channels));
      if (part.kernels == 0) continue;
      Push(part);
    }
  }

  // The conv task `t` of `conv` also adds `add`'s other operand: the Add's requantization of its
  // two inputs (MakeAddRequant is symmetric, so scale_a goes with the conv's value whichever input
  // it is), the Add's zero point and clamp; the layer's row reads "ConvAdd"/"ConvReluAdd" and
  // lists the operand's shape after the conv's inputs, as the board's perf_debug rows do.
  void FuseAdd(isa::Task& t, const ir::Node& conv, const ir::Node& add) {
    const int pre = conv.outputs[0];
    const int other = add.inputs[0] == pre ? add.inputs[1] : add.inputs[0];
    const int out = add.outputs[0];
    const double so = g_.tensor(out).quant.scale[0];
    const quant::AddRequant rq =
        quant::MakeAddRequant(g_.tensor(pre).quant.scale[0] / so, g_.tensor(other).quant.scale[0] / so);
    t.fused_add = true;
    t.input2 = Placed(other);
    t.input2_zp = Zp(other);
    t.scale_a = rq.scale_a, t.scale_b = rq.scale_b, t.shift = rq.shift;
    t.add_zp = Zp(out);
    const quant::ClampRange r = quant::ActivationRange(add.attrs, g_.tensor(out).quant);
    t.add_clamp_lo = r.lo, t.add_clamp_hi = r.hi;
    isa::Layer& layer = program_.layers[t.layer];
    layer.op_type += ops::ReportOpType(add);
    layer.input_shapes.push_back(WithBatch(g_.tensor(other).shape, batch_));
    layer.output_shapes = {WithBatch(g_.tensor(out).shape, batch_)};
  }

  void EmitAdd(const ir::Node& n) {
    isa::Task t = DpuStreamTask(isa::TaskOp::kEltwiseAdd, Placed(n.inputs[0]), Placed(n.outputs[0]));
    t.input2 = Placed(n.inputs[1]);
    t.input_zp = Zp(n.inputs[0]), t.input2_zp = Zp(n.inputs[1]), t.output_zp = Zp(n.outputs[0]);
    if (IsInt8(n.outputs[0])) {
      const double so = g_.tensor(n.outputs[0]).quant.scale[0];
      const quant::AddRequant rq = quant::MakeAddRequant(g_.tensor(n.inputs[0]).quant.scale[0] / so,
                                                         g_.tensor(n.inputs[1]).quant.scale[0] / so);
      t.scale_a = rq.scale_a, t.scale_b = rq.scale_b, t.shift = rq.shift;
    }
    SetActivation(t, n);
    t.layer = AddLayer(n, 0);
    Push(t);
  }

  void EmitPool(const ir::Node& n) {
    isa::Task t;
    t.enable_mask = isa::kUnitPpu | isa::kUnitPpuRdma;
    t.input = Placed(n.inputs[0]);
    t.output = Placed(n.outputs[0]);
    t.out_rows = t.output.height, t.kernels = t.output.channels;
    t.input_zp = Zp(n.inputs[0]), t.output_zp = Zp(n.outputs[0]);
    if (n.op == ir::OpKind::kMaxPool || n.op == ir::OpKind::kAveragePool) {
      const ir::Attributes& a = n.attrs;
      t.op = n.op == ir::OpKind::kMaxPool ? isa::TaskOp::kMaxPool : isa::TaskOp::kAvgPool;
      t.kernel_h = static_cast<uint32_t>(a.kernel[0]), t.kernel_w = static_cast<uint32_t>(a.kernel[1]);
      t.stride_h = static_cast<uint32_t>(a.strides[0]), t.stride_w = static_cast<uint32_t>(a.strides[1]);
      if (n.op == ir::OpKind::kMaxPool)  // AveragePool has no dilations (1, the task default)
        t.dilation_h = static_cast<uint32_t>(a.dilations[0]), t.dilation_w = static_cast<uint32_t>(a.dilations[1]);
      t.pad_top = static_cast<uint32_t>(a.pads[0]), t.pad_left = static_cast<uint32_t>(a.pads[1]);
      t.pad_bottom = static_cast<uint32_t>(a.pads[2]), t.pad_right = static_cast<uint32_t>(a.pads[3]);
      // Every window divides by kh·kw (placement), so one multiplier serves the layer (§10).
      if (n.op == ir::OpKind::kAveragePool && program_.compute_type == isa::ElemType::kInt8) {
        const quant::Requant rq = quant::MakeRequant(
            double(g_.tensor(n.inputs[0]).quant.scale[0]) /
            (double(g_.tensor(n.outputs[0]).quant.scale[0]) * double(a.kernel[0] * a.kernel[1])));
        t.scale_a = rq.scale, t.shift = rq.shift;
      }
    } else {
      t.op = isa::TaskOp::kGlobalAvgPool;
      t.kernel_h = t.input.height, t.kernel_w = t.input.width;
      if (IsInt8(n.outputs[0])) {
        const double hw = double(t.input.height) * t.input.width;
        const quant::Requant rq = quant::MakeRequant(double(g_.tensor(n.inputs[0]).quant.scale[0]) /
                                                     (double(g_.tensor(n.outputs[0]).quant.scale[0]) * hw));
        t.scale_a = rq.scale, t.shift = rq.shift;
      }
    }
    t.layer = AddLayer(n, 0);
    Push(t);
  }

  void Push(isa::Task t) { program_.tasks.push_back(t); }

  // Feature addresses were planned relative to the internal region, which starts after the
  // weight image: DDR = [weights][internal tensors].
  void RebaseFeatures() {
    isa::MemoryPlan& m = program_.memory;
    m.internal_base = AlignUp(m.weight_base + program_.weights.size(), kRegionAlign);
    for (isa::Task& t : program_.tasks) {
      t.input.addr += m.internal_base;
      t.output.addr += m.internal_base;
      if (isa::ReadsInput2(t)) t.input2.addr += m.internal_base;
      for (isa::Surface& s : t.cpu_inputs)
        if (s.channels != 0) s.addr += m.internal_base;
      for (isa::Surface& s : t.cpu_outputs) s.addr += m.internal_base;
    }
    for (isa::IoTensor& io : program_.inputs) io.surface.addr += m.internal_base;
    for (isa::IoTensor& io : program_.outputs) io.surface.addr += m.internal_base;
  }

  struct Slot {
    isa::Surface surface;
    BufferRequest request;
  };

  const ir::Graph& g_;
  const isa::PlatformConfig& p_;
  uint32_t batch_;
  isa::Program program_;
  std::vector<int> storage_of_;
  std::vector<int> fused_lut_;   // per node: the lookup-table node its conv task applies, or -1
  std::vector<int> fused_add_;   // per node: the Add node its conv task applies, or -1
  std::vector<bool> absorbed_;   // per node: a lookup table or Add fused into the conv before it
  std::vector<Slot> slots_;
  std::vector<uint64_t> offsets_;

};

}  // namespace

isa::Program Lower(const ir::Graph& graph, const isa::PlatformConfig& platform, const std::string& target,
                   const LowerOptions& options) {
  CheckBatchable(graph, options.batch);
  return Lowerer(graph, platform, target, options).Run();
}

}  // namespace rknnsim::lower
