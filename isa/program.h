// The modeled NPU instruction stream: what the compiler emits and the simulator executes.
// A Program is a list of tasks, each addressed to the units that run it (the bits of RK3588's
// GLOBAL_OPERATION_ENABLE register), with the fields of the registers that configure them, plus
// the weight image, the I/O tensor table and the DDR memory plan. Feature maps live in DDR in the
// native NC1HWC2 layout (Mesa rocket driver, RK3588 TRM ch.36; docs/hardware_sources.md §2).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "isa/regcmd_task.h"

namespace rknnsim::isa {

// Unit enable bits, as in GLOBAL_OPERATION_ENABLE (Mesa registers.xml).
enum UnitBit : uint32_t {
  kUnitCna = 1u << 0,
  kUnitCore = 1u << 2,
  kUnitDpu = 1u << 3,
  kUnitDpuRdma = 1u << 4,
  kUnitPpu = 1u << 5,
  kUnitPpuRdma = 1u << 6,
};

enum class TaskOp : uint8_t {
  kConv,           // CNA + CORE + DPU: convolution / fully connected with bias, requant, activation
  kEltwiseAdd,     // DPU + DPU_RDMA ("flying mode"): element-wise add of two surfaces
  kMaxPool,        // PPU + PPU_RDMA
  kGlobalAvgPool,  // PPU + PPU_RDMA, with the DPU-style output converter
  kCpu,            // no NPU unit: the op runs on the SoC's CPU (fallback), reading and writing DDR
  kLut,            // DPU + DPU_RDMA: element-wise lookup table (int8 → int8) for activations
  kCopy,           // DPU + DPU_RDMA: copy between channel slices (Concat, Split), requantized in int8
  kConvert,        // DPU + DPU_RDMA: int8 -> fp16 (dequantize) or fp16 -> int8 (quantize), hybrid models
  kUpsample,       // DPU + DPU_RDMA: nearest upsample by integer factors (stride_h × stride_w blocks)
  kEltwiseMul,     // DPU + DPU_RDMA: multiply by a same-shape surface or a per-channel [C, 1, 1] one
  kAvgPool,        // PPU + PPU_RDMA: average pooling with one divisor (kh × kw) for every window
  kZeroInsert,     // DPU + DPU_RDMA: input pixel (y, x) to (y·stride_h, x·stride_w), input_zp elsewhere
  kRegcmdDpu,      // DPU + DPU_RDMA of a Rockchip program: a cube through BS/BN/EW/output converter (Task::regcmd)
};
const char* TaskOpName(TaskOp op);

enum class ElemType : uint8_t { kInt8, kFp16 };
inline uint32_t ElemBytes(ElemType t) { return t == ElemType::kInt8 ? 1 : 2; }

enum class ActKind : uint8_t { kNone, kRelu, kClip };

// CNA_CONV_CON1 conv mode (Mesa registers.xml): direct convolution, or depthwise (one input channel per
// kernel). Deconvolution comes later.
enum class ConvMode : uint8_t { kDirect, kDepthwise };

// An NC1HWC2 feature map in DDR: C1 = ceil(channels / c2) surfaces of height × width atoms of
// c2 elements each. A tensor only the CPU touches (any rank, any batch) is stored linearly in
// NCHW order, which is the same struct with channels = element count, height = width = c2 = 1.
struct Surface {
  uint64_t addr = 0;
  uint32_t channels = 0;
  uint32_t height = 0;
  uint32_t width = 0;
  uint32_t c2 = 0;
  ElemType type = ElemType::kInt8;

  uint32_t c1() const { return (channels + c2 - 1) / c2; }
  uint64_t line_stride() const { return uint64_t{width} * c2 * ElemBytes(type); }
  uint64_t surface_stride() const { return line_stride() * height; }
  uint64_t bytes() const { return surface_stride() * c1(); }
  // Byte offset of element (c, y, x) from addr.
  uint64_t Offset(uint32_t c, uint32_t y, uint32_t x) const {
    return (c / c2) * surface_stride() + y * line_stride() + (uint64_t{x} * c2 + c % c2) * ElemBytes(type);
  }
};

struct Task {
  uint32_t layer = 0;  // index into Program::layers
  TaskOp op = TaskOp::kConv;
  uint32_t enable_mask = 0;
  Surface input;
  Surface input2;  // element-wise second operand (Add; Mul: same shape or [C, 1, 1]; a conv's fused Add)
  Surface output;
  // Tile: output rows [out_row_begin, out_row_begin + out_rows) and output channels
  // [kernel_begin, kernel_begin + kernels) of the layer's output.
  uint32_t out_row_begin = 0;
  uint32_t out_rows = 0;
  uint32_t kernel_begin = 0;
  uint32_t kernels = 0;
  // Window (conv and pooling).
  uint32_t kernel_h = 1, kernel_w = 1, stride_h = 1, stride_w = 1, dilation_h = 1, dilation_w = 1;
  uint32_t pad_top = 0, pad_left = 0, pad_bottom = 0, pad_right = 0;
  // Convolution weights: packed by the compiler in the layout of docs/isa.md, covering all
  // kernels of the layer; the task reads the blocks of its kernel range.
  uint64_t weight_addr = 0;
  uint32_t weight_bytes = 0;       // whole layer
  uint32_t weight_kernel_atom = 0; // kernels per weight block (MAC array kernels per cycle)
  // Per-output-channel DPU table (int8: {bias, scale, shift} int32 triples; fp16: fp32 bias),
  // or for kLut the 256-entry int8 table indexed by input + 128.
  uint64_t dpu_table_addr = 0;
  // A conv task's lookup-table activation (int8): after requantization the DPU maps each output
  // value v through the 256-entry int8 table at lut_addr (entry v + 128), as a kLut task would,
  // so the activation's tensor is written directly (RKNN's ConvExSwish, ConvSigmoid, ...).
  bool fused_lut = false;
  uint64_t lut_addr = 0;
  // A conv task's residual Add (int8): after requantization (and the conv's clamp) the DPU adds
  // the same pixel of `input2` as an element-wise add task would (scale_a for the conv's value,
  // scale_b for input2's, shift; then add_zp and the add's clamp), so the Add's tensor is written
  // directly (RKNN's ConvAdd, ConvReluAdd). output_zp and clamp_lo/hi stay the conv's own.
  bool fused_add = false;
  int32_t add_zp = 0;
  int32_t add_clamp_lo = -128, add_clamp_hi = 127;
  // Output converter (int8).
  int32_t input_zp = 0, input2_zp = 0, output_zp = 0;
  int32_t clamp_lo = -128, clamp_hi = 127;
  int32_t scale_a = 0, scale_b = 0, shift = 0;  // element-wise / pooling requantization
  // Activation (fp16; int8 activations are the clamp range).
  ActKind act = ActKind::kNone;
  float clip_min = 0.0f, clip_max = 0.0f;
  ConvMode conv_mode = ConvMode::kDirect;
  // CPU fallback: the reference graph's node to run, and a surface per node input (channels 0
  // for constant inputs, which come from the model, not DDR) and per node output.
  uint32_t cpu_node = 0;
  std::vector<Surface> cpu_inputs;
  std::vector<Surface> cpu_outputs;
  // kConvert: the scale of the int8 side (input_zp or output_zp holds its zero point); the
  // direction follows the surface types (docs/quantization.md §17).
  float convert_scale = 1.0f;
  // The NPU core that runs the task (RK3588 has three). The compiler emits single-core programs
  // (core 0); lower::AssignCores places and splits tasks for a core mask before simulation.
  uint32_t core = 0;
  // A task of Rockchip's own program (.rknn register commands) instead of our compiler's: native
  // weights, pad value, the DPU's BS/BN/EW stages and DMA strides (isa/regcmd_task.h).
  RegcmdTask regcmd;
};

// Adds `delta` to every DDR address of the task that is at or above `from` (surfaces, weights,
// tables): relocates the task's feature maps (from = the internal region) or the whole program.
void ShiftTaskAddresses(Task& task, uint64_t from, uint64_t delta);

// Bytes of one kernel group of a conv layer's packed weights (docs/isa.md): direct convolution
// (ky, kx, input channel padded to C1*C2, kernel) or depthwise (ky, kx, kernel).
uint64_t WeightGroupBytes(const Task& task);
// Bytes of the whole layer's packed weights: kernels padded to the kernel atom.
uint64_t PackedWeightBytes(const Task& task);

// One row of the perf table: a layer of the source model and what it costs to describe.
struct Layer {
  std::string name;      // FullName, e.g. "Conv:/conv1/Conv"
  std::string op_type;   // e.g. "ConvRelu"
  std::string data_type; // "INT8" / "FLOAT16"
  std::string target;    // "NPU" or "CPU"
  std::vector<std::vector<int64_t>> input_shapes;   // NCHW, incl. weights and bias
  std::vector<std::vector<int64_t>> output_shapes;
  uint64_t macs = 0;
};

struct IoTensor {
  std::string name;
  std::vector<int64_t> shape;  // the source model's shape (NCHW)
  float scale = 1.0f;          // int8 quantization (unused for fp16)
  int32_t zero_point = 0;
  // stored_scale > 0: the input's memory holds uint8 values quantized with stored_scale and
  // stored_zero_point, which a Rockchip program's input converter turns into the int8 codes itself
  // (first layers on pixels: RV110x subtracts 128, RV1126B also rescales); else the int8 codes.
  float stored_scale = 0.0f;
  int32_t stored_zero_point = 0;
  Surface surface;
};

struct MemoryPlan {
  uint64_t weight_base = 0, weight_bytes = 0;
  uint64_t internal_base = 0, internal_bytes = 0;
  uint64_t other_bytes = 0;  // the task stream as the runtime keeps it
};

// 2: Program::batch/batch_stride and Task::core. Version 1 files read as batch 1 on core 0.
// 3: Task::fused_lut/lut_addr. Older files read without fused lookup tables, which they never had.
// 4: Task::fused_add/add_zp/add_clamp_lo/add_clamp_hi (a conv's residual Add); likewise.
// 5: the model file's dynamic_shapes (a graph and program per further input shape set of a model
//    built with dynamic_input, runtime/model_file.fbs); older files hold one set.
constexpr uint32_t kProgramVersion = 5;
constexpr uint32_t kOldestReadableProgramVersion = 1;

struct Program {
  std::string target;    // e.g. rk3566
  std::string platform;  // e.g. rk356x
  // The graph inputs' type. Hybrid models mix int8 and fp16 layers: each Surface carries its own
  // type, and kConvert tasks sit at the boundaries.
  ElemType compute_type = ElemType::kInt8;
  std::vector<Layer> layers;
  std::vector<Task> tasks;
  std::vector<IoTensor> inputs;
  std::vector<IoTensor> outputs;
  std::vector<uint8_t> weights;  // image loaded at memory.weight_base
  MemoryPlan memory;
  // rknn_batch_size (manual §6.6, §9.8): the program runs `batch` images; tasks, I/O surfaces and
  // tensor shapes describe image 0, and image b's feature maps (the whole internal region,
  // inputs and outputs included) sit batch_stride * b bytes further. IoTensor::shape has batch N.
  uint32_t batch = 1;
  uint64_t batch_stride = 0;

  uint64_t DdrBytes() const { return memory.internal_base + memory.internal_bytes; }
};

}  // namespace rknnsim::isa
