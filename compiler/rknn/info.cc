#include "compiler/rknn/info.h"

#include <cstdio>
#include <map>

namespace rknnsim::rknn {
namespace {

std::string Dims(const std::vector<int32_t>& v) {
  std::string s = "(";
  for (size_t i = 0; i < v.size(); ++i) s += (i ? "," : "") + std::to_string(v[i]);
  return s + ")";
}

std::string Quant(const RTensor& t) {
  if (t.scale.empty()) return "-";
  char buf[96];
  if (t.scale.size() == 1) {
    std::snprintf(buf, sizeof(buf), "scale=%.9g zp=%d", t.scale[0], t.zero_point.empty() ? 0 : t.zero_point[0]);
    return buf;
  }
  std::snprintf(buf, sizeof(buf), "per-channel (%zu scales)", t.scale.size());
  return buf;
}

// NC1HWC2 for 5-D native feature maps, the weight block layout for 6-D ones, else the logical one.
std::string NativeLayout(const RTensor& t) {
  if (t.native_shape.size() == 5) return "NC1HWC2 " + Dims(t.native_shape);
  if (t.native_shape.size() == 6) return "weight blocks " + Dims(t.native_shape);
  return t.shape.size() == 4 ? "NCHW" : "linear";
}

std::string Io(const RknnModel& m, int32_t id) {
  const RTensor& t = m.tensors[static_cast<size_t>(id)];
  return "  " + t.name + "  " + Dims(t.shape) + "  " + DTypeName(t.dtype) + "  " + NativeLayout(t) + "  " + Quant(t) +
         "  " + std::to_string(t.size) + " B\n";
}

}  // namespace

std::string FormatInfo(const RknnModel& m) {
  char buf[256];
  std::string s;
  std::snprintf(buf, sizeof(buf), "Container: RKNN version %#llx (layout %s), %llu bytes\n",
                static_cast<unsigned long long>(m.container_version), m.layout == Layout::kL ? "L" : "T (RV110x)",
                static_cast<unsigned long long>(m.file_bytes));
  s += buf;
  s += "Target platform: " + m.target + " (" + m.format + ")\n";
  s += "Toolkit version: " + m.toolkit_version + "\n";
  s += "Compiler: " + m.compiler + " [" + std::to_string(m.compiler_version) + "]\n";
  s += "Source framework: " + m.framework + "\n";
  s += "Inputs:\n";
  for (int32_t id : m.inputs) s += Io(m, id);
  s += "Outputs:\n";
  for (int32_t id : m.outputs) s += Io(m, id);
  uint64_t weights = 0, compiler_consts = 0;
  std::map<std::string, int> histogram;
  for (const RTensor& t : m.tensors) {
    if (t.kind == static_cast<uint8_t>(TensorKind::kModelConstant)) weights += t.data.size();
    else if (t.is_constant() && t.kind != static_cast<uint8_t>(TensorKind::kRegcmd) &&
             t.kind != static_cast<uint8_t>(TensorKind::kTask))
      compiler_consts += t.data.size();
  }
  std::snprintf(buf, sizeof(buf),
                "Constants: %llu B model weights/biases, %llu B compiler-made; regcmd %llu B, tasks %llu B; internal "
                "memory %llu B\n",
                static_cast<unsigned long long>(weights), static_cast<unsigned long long>(compiler_consts),
                static_cast<unsigned long long>(m.regcmd_bytes), static_cast<unsigned long long>(m.task_bytes),
                static_cast<unsigned long long>(m.internal_bytes));
  s += buf;
  s += "Nodes: " + std::to_string(m.nodes.size()) + ", tensors: " + std::to_string(m.tensors.size()) + "\n";
  std::snprintf(buf, sizeof(buf), "%-5s%-20s%-9s%-36s%s\n", "ID", "OpType", "Exec", "OutputShape", "Name");
  s += buf;
  for (size_t i = 0; i < m.nodes.size(); ++i) {
    const RNode& n = m.nodes[i];
    ++histogram[n.type];
    std::string out;
    for (int32_t id : n.outputs) out += (out.empty() ? "" : ",") + Dims(m.tensors[id].shape);
    std::snprintf(buf, sizeof(buf), "%-5zu%-20s%-9s%-36s", i, n.type.c_str(), n.executor == kNpuExecutor ? "NPU" : "CPU",
                  out.c_str());
    s += buf + n.name + "\n";
  }
  s += "Op types:";
  for (const auto& [type, count] : histogram) s += " " + type + "=" + std::to_string(count);
  return s + "\n";
}

}  // namespace rknnsim::rknn
