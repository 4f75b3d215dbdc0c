#include "compiler/rknn/regcmd_program.h"

#include <algorithm>
#include <cstdio>
#include <map>
#include <set>

#include <nlohmann/json.hpp>

#include "common/error.h"
#include "common/hex.h"
#include "compiler/rknn/regcmd_decoder.h"
#include "compiler/rknn/regcmd_layout.h"
#include "isa/program_invariants.h"
#include "isa/register_db.h"
#include "isa/register_file.h"

namespace rknnsim::rknn {
namespace {

isa::Layer LayerOf(const RknnModel& model, const RNode& node) {
  isa::Layer l;
  l.name = node.name;
  l.op_type = node.type;
  l.data_type = "INT8";
  l.target = "NPU";
  auto shape = [&](int32_t id) {
    const std::vector<int32_t>& s = model.tensors[static_cast<size_t>(id)].shape;
    return std::vector<int64_t>(s.begin(), s.end());
  };
  for (int32_t id : node.inputs) l.input_shapes.push_back(shape(id));
  for (int32_t id : node.outputs) l.output_shapes.push_back(shape(id));
  return l;
}

isa::IoTensor IoOf(const RknnModel& model, const DdrLayout& ddr, int32_t id, const std::string& what) {
  const RTensor& t = model.tensors[static_cast<size_t>(id)];
  isa::IoTensor io;
  io.name = t.name;
  io.shape.assign(t.shape.begin(), t.shape.end());
  // float16 tensors carry their values; int8 ones a per-tensor scale and zero point.
  if (t.dtype == kFloat16DType) {
    io.scale = 1.0f, io.zero_point = 0;
  } else if (t.scale.size() != 1 || t.zero_point.size() != 1) {
    throw Error(what + ": graph input/output '" + t.name + "' has no per-tensor int8 quantization");
  } else {
    io.scale = t.scale[0];
    io.zero_point = t.zero_point[0];
  }
  io.surface = SurfaceOf(t, ddr.addr[static_cast<size_t>(id)], what + ": graph input/output", ddr.linear_c2);
  // Everything that copies a tensor's values trusts its shape: it must count the surface's elements.
  const isa::Surface& s = io.surface;
  // Counted here rather than by ir::NumElements: the file's dims may be hostile, so the product
  // saturates instead of overflowing.
  uint64_t count = 1;
  for (int64_t d : io.shape)
    if (d < 0 || __builtin_mul_overflow(count, static_cast<uint64_t>(d), &count)) count = UINT64_MAX;
  std::string dims;
  for (int64_t d : io.shape) dims += (dims.empty() ? "" : "x") + std::to_string(d);
  if (count != uint64_t{s.channels} * s.height * s.width)
    throw Error(what + ": tensor '" + t.name + "' has shape " + dims + " but a native layout of " +
                std::to_string(s.channels) + "x" + std::to_string(s.height) + "x" + std::to_string(s.width));
  return io;
}

bool IsIoOperator(const std::string& type) { return type == "InputOperator" || type == "OutputOperator"; }

// A graph input that a task's input converter reads holds what the board's runtime stores there:
// uint8 values the converter turns into the input's int8 codes, q = R(u·S, T) + o per lane
// (RegcmdTask::cvt_offset holds o·2^T). They are the input quantized with scale s·S/2^T and zero
// point (z − o)·2^T/S, which must be a whole number; every lane and every such task must agree.
void SetStoredQuantization(isa::Program& p, const std::vector<uint32_t>& file_task, const std::string& what) {
  std::vector<bool> set(p.inputs.size(), false);
  for (size_t k = 0; k < p.tasks.size(); ++k) {
    const isa::RegcmdTask& r = p.tasks[k].regcmd;
    if (!r.cvt) continue;
    const std::string who = what + ": task " + std::to_string(file_task.at(k));
    for (size_t i = 0; i < p.inputs.size(); ++i) {
      isa::IoTensor& io = p.inputs[i];
      const isa::Surface& s = io.surface;
      if (r.source.addr < s.addr || r.source.addr >= s.addr + s.bytes()) continue;
      for (uint32_t lane = 0; lane < p.tasks[k].input.channels; ++lane) {
        const int64_t unit = int64_t{1} << r.cvt_truncate[lane], scale = r.cvt_scale[lane];
        const int64_t stretched = (int64_t{io.zero_point} * unit - r.cvt_offset[lane]);  // (z - o)·2^T
        if (!r.cvt_unsigned || scale <= 0 || r.cvt_offset[lane] % unit != 0 || stretched % scale != 0 ||
            stretched / scale < 0 || stretched / scale > 255)
          throw Error(who + ": CNA's input converter of lane " + std::to_string(lane) +
                      " does not map uint8 values onto the codes of input '" + io.name +
                      "' with a whole zero point, so what the board's runtime stores there is not known");
        const float stored_scale = static_cast<float>(io.scale * static_cast<double>(scale) / static_cast<double>(unit));
        const int32_t stored_zero_point = static_cast<int32_t>(stretched / scale);
        if (set[i] && (io.stored_scale != stored_scale || io.stored_zero_point != stored_zero_point))
          throw Error(who + ": the input converters disagree on the bytes of input '" + io.name + "'");
        io.stored_scale = stored_scale;
        io.stored_zero_point = stored_zero_point;
        set[i] = true;
      }
    }
  }
}

// An NPU node the file gives no task because its output is its input's bytes: a Reshape-like node
// whose one output lies where its input does, both int8 tensors in plain row-major layout (native
// shape = shape) of the same size (RV110x Reshapes between a Transpose and a Concat).
bool IsView(const RknnModel& model, const DdrLayout& ddr, const RNode& node) {
  static const std::set<std::string> kReshapes = {"Reshape", "Flatten", "Squeeze", "Unsqueeze"};
  if (node.executor != kNpuExecutor || !kReshapes.count(node.type) || node.inputs.empty() || node.outputs.size() != 1)
    return false;
  const auto plain = [&](int32_t id) {
    const RTensor& t = model.tensors.at(static_cast<size_t>(id));
    return t.is_activation() && t.dtype == kInt8DType && t.native_shape == t.shape;
  };
  const size_t in = static_cast<size_t>(node.inputs[0]), out = static_cast<size_t>(node.outputs[0]);
  return plain(node.inputs[0]) && plain(node.outputs[0]) && ddr.addr.at(in) >= 0 && ddr.addr.at(out) == ddr.addr.at(in) &&
         model.tensors.at(in).size == model.tensors.at(out).size;
}

// The program's layers in the file's node order (perf lists one row per file node, as the board
// does): a node's layer sits where its first task, its CPU step or its view (a zero row) is.
void InFileOrder(RegcmdProgram& out) {
  std::vector<uint32_t> order(out.program.layers.size());
  for (uint32_t i = 0; i < order.size(); ++i) order[i] = i;
  std::stable_sort(order.begin(), order.end(), [&](uint32_t a, uint32_t b) { return out.layer_node[a] < out.layer_node[b]; });
  std::vector<uint32_t> new_index(order.size());
  std::vector<isa::Layer> layers;
  std::vector<int32_t> nodes;
  for (uint32_t k = 0; k < order.size(); ++k) {
    new_index[order[k]] = k;
    layers.push_back(std::move(out.program.layers[order[k]]));
    nodes.push_back(out.layer_node[order[k]]);
  }
  for (isa::Task& t : out.program.tasks) t.layer = new_index[t.layer];
  out.program.layers = std::move(layers);
  out.layer_node = std::move(nodes);
}

// The invariants every loader's program keeps (isa/program_invariants.h): the decoder has bound
// each task to its tensors already, so a violation here is a file whose parts disagree.
RegcmdProgram Checked(RegcmdProgram out, const std::string& what) {
  // CPU tasks index the host ops (Task::cpu_node).
  std::vector<isa::NodeArity> nodes;
  for (const HostOp& op : out.host_ops)
    nodes.push_back(op.custom ? isa::NodeArity{op.custom_inputs.size(), op.custom_outputs.size()} : isa::NodeArity{1, 1});
  try {
    isa::CheckProgram(out.program, nodes);
  } catch (const isa::ProgramInvariantError& e) {
    const isa::ProgramLocus& at = e.locus();
    const bool task = at.kind == isa::ProgramLocus::Kind::kTask && at.index < out.file_task.size();
    throw Error(what + ": " + (task ? "task " + std::to_string(out.file_task[at.index]) + ": " : "") +
                "the decoded program breaks an invariant the executors rely on: " + e.message());
  }
  return out;
}

}  // namespace

std::vector<uint32_t> FirstSchedule(const std::vector<isa::NpuTask>& tasks, const std::string& what) {
  std::vector<uint32_t> chain;
  std::map<uint64_t, uint32_t> by_address;
  for (const isa::NpuTask& t : tasks) by_address.emplace(t.record.regcmd_addr, t.index);
  for (uint32_t i = 0; !tasks.empty();) {
    chain.push_back(i);
    uint64_t next = 0;
    for (const isa::RegWrite& w : tasks[i].chain)
      if (w.block == isa::kPcBlockCode && w.reg == isa::kPcBaseAddressRegister) next = w.value;
    if (next == 0) break;
    const auto it = by_address.find(next);
    if (it == by_address.end() || it->second <= i)
      throw Error(what + ": task " + std::to_string(i) + " chains to command address " + std::to_string(next) +
                  ", where no later task starts");
    i = it->second;
  }
  return chain;
}

// How many tasks of `schedule` run up to the last one of a node that outputs `tensor`.
size_t PrefixLength(const RknnModel& model, const std::vector<isa::NpuTask>& tasks, const std::vector<uint32_t>& schedule,
                    int32_t tensor, const std::string& what) {
  if (tensor >= static_cast<int32_t>(model.tensors.size()))
    throw Error(what + ": tensor " + std::to_string(tensor) + " of " + std::to_string(model.tensors.size()));
  size_t length = 0;
  for (size_t k = 0; k < schedule.size(); ++k) {
    const uint32_t node = tasks[schedule[k]].record.op_idx;
    if (node >= model.nodes.size()) continue;  // the lowering names the bad record
    const std::vector<int32_t>& outs = model.nodes[node].outputs;
    if (!IsIoOperator(model.nodes[node].type) && std::find(outs.begin(), outs.end(), tensor) != outs.end()) length = k + 1;
  }
  if (length == 0)
    throw Error(what + ": no NPU task of the file's schedule writes tensor '" + model.tensors[static_cast<size_t>(tensor)].name + "'",
                "`rknn-sim info` lists the nodes; tensors of CPU nodes and of nodes without tasks cannot be read this way");
  return length;
}

RegcmdProgram LowerRegcmdProgram(const RknnModel& model, const std::vector<isa::NpuTask>& tasks,
                                 const isa::PlatformConfig& platform, const std::string& what, int32_t until_tensor) {
  if (tasks.empty())
    throw Error(what + " holds no task array: toolkits up to 1.5 store per-operation register blobs that rknn-sim "
                       "does not decode",
                "recompile the model with RKNN-Toolkit2 1.6 or later, or convert its source model with `rknn-sim convert`");
  const DdrLayout ddr = LayOut(model, static_cast<uint32_t>(platform.c2_int8), what);
  const Relocations relocations = RelocationsOf(model, tasks, what);

  RegcmdProgram out;
  isa::Program& p = out.program;
  p.target = model.target;
  p.platform = platform.platform;
  p.compute_type = isa::ElemType::kInt8;
  p.weights = ddr.constants;
  p.memory.weight_base = 0;
  p.memory.weight_bytes = ddr.constants.size();
  p.memory.internal_base = ddr.internal_base;
  p.memory.internal_bytes = model.internal_bytes;
  p.memory.other_bytes = model.regcmd_bytes + model.task_bytes;

  std::map<std::string, size_t> by_name;
  for (size_t i = 0; i < model.tensors.size(); ++i)
    if (!model.tensors[i].name.empty()) by_name.emplace(model.tensors[i].name, i);
  isa::RegisterFile regs(isa::RegisterDb::Builtin(), model.target);
  std::map<uint32_t, uint32_t> layer_of_node;
  std::vector<uint32_t> schedule = FirstSchedule(tasks, what);
  if (until_tensor >= 0) schedule.resize(PrefixLength(model, tasks, schedule, until_tensor, what));
  for (uint32_t index : schedule) {
    const isa::NpuTask& task = tasks[index];
    regs.Apply(task);
    if (task.record.op_idx >= model.nodes.size())
      throw Error(what + ": task " + std::to_string(index) + " belongs to node " + std::to_string(task.record.op_idx) +
                  " of " + std::to_string(model.nodes.size()));
    const RNode& node = model.nodes[task.record.op_idx];
    // The I/O operators' tasks convert layouts and types for the board's runtime API; rknn-sim's
    // runtime reads and writes the graph's int8 tensors itself (docs/rknn-format.md §8).
    if (IsIoOperator(node.type)) {
      out.skipped.push_back(index);
      continue;
    }
    // A write to a block the database has no map of for this target could change anything.
    for (const isa::RegWrite& w : task.writes)
      if (!isa::RegisterDb::Builtin().Block(w.block, model.target))
        throw Error(what + ": task " + std::to_string(index) + " (node '" + node.name + "', " + node.type +
                        ") writes register " + Hex(w.reg, 4) + " of block " + Hex(w.block, 4) +
                        ", which the register database does not know for " + model.target,
                    "`rknn-sim disasm` lists the task; isa/npu_registers.yaml holds what is known");
    const uint32_t enable = task.record.enable_mask;
    const TaskDecoder decoder(model, ddr, regs, relocations, by_name, task, platform, what);
    isa::Task t;
    if (enable & isa::kUnitCna) {
      t = decoder.Conv();
    } else if ((enable & (isa::kUnitDpu | isa::kUnitDpuRdma)) == (isa::kUnitDpu | isa::kUnitDpuRdma) &&
               !(enable & (isa::kUnitPpu | isa::kUnitPpuRdma))) {
      t = decoder.DpuOnly();
    } else {
      throw Error(what + ": task " + std::to_string(index) + " (node '" + node.name + "', " + node.type +
                      ") runs units (enable " + Hex(enable, 4) + ") rknn-sim does not execute yet",
                  "`rknn-sim disasm` lists its registers; `perf` and `memory` work on the file");
    }
    const auto [it, fresh] = layer_of_node.emplace(task.record.op_idx, static_cast<uint32_t>(p.layers.size()));
    if (fresh) {
      p.layers.push_back(LayerOf(model, node));
      out.layer_node.push_back(static_cast<int32_t>(task.record.op_idx));
    }
    t.layer = it->second;
    p.tasks.push_back(std::move(t));
    out.file_task.push_back(index);
  }
  if (until_tensor >= 0) {  // a prefix: its one output is the tensor, read where the file planned it
    out.tensor_addr = ddr.addr;
    for (int32_t id : model.inputs) p.inputs.push_back(IoOf(model, ddr, id, what));
    SetStoredQuantization(p, out.file_task, what);
    p.outputs = {IoOf(model, ddr, until_tensor, what)};
    out.int64_outputs = {false};
    return Checked(std::move(out), what);
  }
  // Nodes without tasks other than the I/O operators run on the CPU, after the NPU program (what
  // the shared files need: pp_human_segv2's ArgMax and Reshape). Their results are int8 arrays in
  // NCHW order past the file's internal memory.
  uint32_t last_npu_node = 0;
  for (const auto& [node, layer] : layer_of_node) last_npu_node = std::max(last_npu_node, node);
  std::map<int32_t, isa::IoTensor> host_made;  // tensor -> its linear surface and quantization
  uint64_t scratch = AlignUp(ddr.internal_base + model.internal_bytes, kConstantAlign);
  for (uint32_t i = 0; i < model.nodes.size(); ++i) {
    const RNode& node = model.nodes[i];
    if (IsIoOperator(node.type) || layer_of_node.count(i)) continue;
    const std::string who = what + ": node '" + node.name + "' (" + node.type + ")";
    if (IsView(model, ddr, node) && !host_made.count(node.inputs[0])) {
      p.layers.push_back(LayerOf(model, node));  // a zero row, as the board lists it
      out.layer_node.push_back(static_cast<int32_t>(i));
      continue;
    }
    if (i < last_npu_node)
      throw Error(who + " has no NPU task and runs before the NPU program ends; CPU nodes between NPU tasks are not "
                        "executed yet");
    // The file does not say which of its CPU nodes are custom: one with attributes is taken to be,
    // and its refusal says so when no kernel is registered for its type.
    if (node.type != "ArgMax" && node.type != "Reshape" && !node.custom_attrs.empty()) {
      // A custom operator (a node the toolkit kept the ONNX attributes of): its kernel is the
      // caller's, registered before the run.
      HostOp op;
      op.type = node.type, op.custom = true;
      op.node.name = node.name;
      op.node.op = ir::OpKind::kCustom;
      op.node.attrs.mode = node.type;
      op.node.attrs.custom_attrs = node.custom_attrs;
      isa::Task t;
      t.op = isa::TaskOp::kCpu;
      t.cpu_node = static_cast<uint32_t>(out.host_ops.size());
      for (int32_t id : node.inputs) {
        if (std::find(model.inputs.begin(), model.inputs.end(), id) != model.inputs.end())
          throw Error(who + ": a custom operator reading a graph input directly is not executed yet");
        const auto made = host_made.find(id);
        op.custom_inputs.push_back(made != host_made.end() ? made->second : IoOf(model, ddr, id, what));
        t.cpu_inputs.push_back(op.custom_inputs.back().surface);
      }
      for (int32_t id : node.outputs) {
        op.custom_outputs.push_back(IoOf(model, ddr, id, what));
        t.cpu_outputs.push_back(op.custom_outputs.back().surface);
        host_made[id] = op.custom_outputs.back();
      }
      if (t.cpu_inputs.empty() || t.cpu_outputs.empty()) throw Error(who + ": a custom operator without inputs or outputs");
      t.input = t.cpu_inputs[0], t.output = t.cpu_outputs[0];
      t.layer = static_cast<uint32_t>(p.layers.size());
      isa::Layer layer = LayerOf(model, node);
      layer.target = "CPU";
      layer.data_type = t.output.type == isa::ElemType::kFp16 ? "FLOAT16" : "INT8";
      p.layers.push_back(std::move(layer));
      out.layer_node.push_back(static_cast<int32_t>(i));
      p.tasks.push_back(std::move(t));
      out.host_ops.push_back(std::move(op));
      continue;
    }
    if ((node.type != "ArgMax" && node.type != "Reshape") || node.inputs.empty() || node.outputs.size() != 1)
      throw Error(who + " runs on the CPU, which rknn-sim executes for ArgMax and Reshape only so far");
    HostOp op;
    op.type = node.type, op.input = node.inputs[0], op.output = node.outputs[0];
    const auto made = host_made.find(op.input);
    isa::IoTensor in = made != host_made.end() ? made->second : IoOf(model, ddr, op.input, what);
    if (in.surface.type != isa::ElemType::kInt8) throw Error(who + " on float16 data is not executed yet");
    const RTensor& out_tensor = model.tensors[static_cast<size_t>(op.output)];
    isa::IoTensor result;
    result.name = out_tensor.name;
    result.shape.assign(out_tensor.shape.begin(), out_tensor.shape.end());
    uint64_t count = 1;
    for (int64_t d : result.shape) count *= static_cast<uint64_t>(std::max<int64_t>(d, 0));
    if (op.type == "ArgMax") {
      // Over the channels of an NCHW tensor, as the shared file's ArgMax; indices fit int8 codes.
      const int32_t axis = node.attrs.has_axis ? node.attrs.axis : 0;
      if (in.shape.size() != 4 || (axis != 1 && axis != -3) || in.shape[1] > 128)
        throw Error(who + ": ArgMax over axis " + std::to_string(axis) + " of a " + std::to_string(in.shape.size()) +
                    "-D tensor is not executed yet (the channel axis of NCHW, at most 128 channels, is)");
      result.scale = 1.0f, result.zero_point = 0;
      if (count != static_cast<uint64_t>(in.shape[0] * in.shape[2] * in.shape[3]))
        throw Error(who + ": its output holds " + std::to_string(count) + " elements, not one per pixel");
    } else {
      result.scale = in.scale, result.zero_point = in.zero_point;
      uint64_t in_count = 1;
      for (int64_t d : in.shape) in_count *= static_cast<uint64_t>(std::max<int64_t>(d, 0));
      if (count != in_count) throw Error(who + ": reshapes " + std::to_string(in_count) + " into " + std::to_string(count) + " elements");
    }
    result.surface = isa::Surface{scratch, static_cast<uint32_t>(count), 1, 1, 1, isa::ElemType::kInt8};
    scratch = AlignUp(scratch + count, kConstantAlign);

    isa::Task t;
    t.op = isa::TaskOp::kCpu;
    t.cpu_node = static_cast<uint32_t>(out.host_ops.size());
    t.cpu_inputs = {in.surface};
    t.cpu_outputs = {result.surface};
    t.input = in.surface;
    t.output = result.surface;
    t.layer = static_cast<uint32_t>(p.layers.size());
    isa::Layer layer = LayerOf(model, node);
    layer.target = "CPU";
    p.layers.push_back(std::move(layer));
    out.layer_node.push_back(static_cast<int32_t>(i));
    p.tasks.push_back(std::move(t));
    out.host_ops.push_back(op);
    host_made[op.output] = result;
  }
  InFileOrder(out);
  p.memory.internal_bytes = scratch - ddr.internal_base;
  out.tensor_addr = ddr.addr;
  for (int32_t id : model.inputs) p.inputs.push_back(IoOf(model, ddr, id, what));
  SetStoredQuantization(p, out.file_task, what);
  for (int32_t id : model.outputs) {
    const auto made = host_made.find(id);
    p.outputs.push_back(made != host_made.end() ? made->second : IoOf(model, ddr, id, what));
    out.int64_outputs.push_back(model.tensors[static_cast<size_t>(id)].dtype == kInt64DType);
  }
  return Checked(std::move(out), what);
}

std::vector<InputNorm> InputNorms(const RknnModel& model, const std::string& what) {
  // Model attrs are a Python literal ({'attrs': {name: {'mean': [...], ...}}}); its strings hold
  // no quotes, so quote and keyword substitution turns it into JSON.
  std::string text = model.attrs_text;
  for (char& c : text)
    if (c == '\'') c = '"';
  for (const auto& [from, to] : {std::pair<std::string, std::string>{"True", "true"}, {"False", "false"}, {"None", "null"}}) {
    for (size_t at = text.find(from); at != std::string::npos; at = text.find(from, at + to.size()))
      text.replace(at, from.size(), to);
  }
  const nlohmann::json attrs = nlohmann::json::parse(text, nullptr, false);
  std::vector<InputNorm> out;
  for (int32_t id : model.inputs) {
    const RTensor& t = model.tensors[static_cast<size_t>(id)];
    InputNorm n;
    const size_t channels = t.shape.size() >= 2 ? static_cast<size_t>(std::max(t.shape[1], 1)) : 1;
    n.mean.assign(channels, 0.0f);
    n.std.assign(channels, 1.0f);
    if (!attrs.is_discarded() && attrs.contains("attrs") && attrs["attrs"].contains(t.name)) {
      const nlohmann::json& a = attrs["attrs"][t.name];
      auto fill = [&](const char* key, std::vector<float>& v) {
        if (!a.contains(key) || !a[key].is_array() || a[key].empty()) return;
        for (size_t c = 0; c < channels; ++c) {
          const nlohmann::json& x = a[key][std::min(c, a[key].size() - 1)];
          if (!x.is_number()) throw Error(what + ": the '" + key + "' of input '" + t.name + "' is not a list of numbers");
          v[c] = x.get<float>();
        }
      };
      fill("mean", n.mean);
      fill("std", n.std);
      n.rgb2bgr = a.contains("rgb2bgr") && a["rgb2bgr"].is_boolean() && a["rgb2bgr"].get<bool>();
    }
    for (float s : n.std)
      if (s == 0.0f) throw Error(what + ": input '" + t.name + "' records a std of 0");
    out.push_back(std::move(n));
  }
  return out;
}

}  // namespace rknnsim::rknn
