#include "isa/platform_config.h"

#include <dlfcn.h>

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <map>
#include <mutex>
#include <set>

#include <yaml-cpp/yaml.h>

#include "common/error.h"
#include "common/file_io.h"

namespace rknnsim::isa {
namespace {

const std::set<std::string> kBases = {"trm", "driver", "measured", "inferred", "calibrated", "assumed"};

// Target names RKNN-Toolkit2 2.3.2 accepts in config(target_platform=...) (its user guide and
// changelog: rk3576 from 2.0, rv1103b and rk2118 from 2.1, rv1106b from 2.2, rv1126b in 2.3.2); the
// ones no platform file lists are refused by name rather than as unknown.
constexpr const char* kToolkitTargets[] = {"rk3562", "rk3566", "rk3568", "rk3576", "rk3588", "rv1103",
                                           "rv1106", "rv1103b", "rv1106b", "rk2118", "rv1126b"};

// Reads a {value, basis, source} leaf at a dotted path, enforcing the evidence rule.
class LeafReader {
 public:
  LeafReader(const YAML::Node& root, std::string what) : root_(root), what_(std::move(what)) {}

  double Number(const std::string& path) const {
    const YAML::Node leaf = Lookup(path);
    if (!leaf.IsMap() || !leaf["value"] || !leaf["basis"] || !leaf["source"])
      throw Error(what_ + ": '" + path + "' must be a map {value, basis, source}",
                  "every platform parameter states where it comes from");
    const std::string basis = leaf["basis"].as<std::string>();
    if (!kBases.count(basis))
      throw Error(what_ + ": '" + path + "' has basis '" + basis +
                  "' (expected trm, driver, measured, inferred, calibrated or assumed)");
    if (leaf["source"].as<std::string>().empty()) throw Error(what_ + ": '" + path + "' has an empty source");
    try {
      return leaf["value"].as<double>();
    } catch (const YAML::Exception&) {
      throw Error(what_ + ": '" + path + "' value is not a number");
    }
  }
  int Int(const std::string& path) const { return static_cast<int>(Number(path)); }

 private:
  YAML::Node Lookup(const std::string& path) const {
    YAML::Node node = YAML::Clone(root_);
    size_t start = 0;
    while (true) {
      const size_t dot = path.find('.', start);
      const std::string key = path.substr(start, dot == std::string::npos ? std::string::npos : dot - start);
      if (!node.IsMap() || !node[key]) throw Error(what_ + ": missing key '" + path + "'");
      node = node[key];
      if (dot == std::string::npos) return node;
      start = dot + 1;
    }
  }
  YAML::Node root_;
  std::string what_;
};

void Require(bool ok, const std::string& what, const std::string& message) {
  if (!ok) throw Error(what + ": " + message);
}

}  // namespace

std::vector<TargetInfo> KnownTargets() {
  static std::mutex mutex;
  static std::map<std::string, std::vector<TargetInfo>> by_directory;
  const std::string dir = ModelsDirectory();
  const std::lock_guard<std::mutex> lock(mutex);
  const auto cached = by_directory.find(dir);
  if (cached != by_directory.end()) return cached->second;
  std::vector<TargetInfo> targets;
  std::error_code ec;
  for (const auto& entry : std::filesystem::directory_iterator(dir, ec)) {
    const std::filesystem::path file = entry.path() / "platform.yaml";
    if (!std::filesystem::is_regular_file(file, ec)) continue;
    const PlatformConfig p = LoadPlatformFile(file.string());
    if (p.platform != entry.path().filename().string())
      throw Error(file.string() + ": 'platform' is '" + p.platform + "' but the directory is '" +
                  entry.path().filename().string() + "'");
    for (const std::string& t : p.targets) {
      for (const TargetInfo& known : targets)
        if (known.target == t)
          throw Error(file.string() + ": target '" + t + "' is listed by platform '" + known.platform + "' too");
      targets.push_back({t, p.platform, p.cores});
    }
  }
  if (ec) throw Error("cannot read the platform directory '" + dir + "': " + ec.message(),
                      "set RKNN_SIM_MODELS_DIR to the repository's models/ directory");
  std::sort(targets.begin(), targets.end(), [](const TargetInfo& a, const TargetInfo& b) { return a.target < b.target; });
  by_directory[dir] = targets;
  return targets;
}

TargetInfo TargetInfoOf(const std::string& target, const std::string& subject) {
  const std::string who = subject.empty() ? "target platform '" + target + "'" : subject;
  const std::vector<TargetInfo> known = KnownTargets();
  std::string accepted;
  for (const TargetInfo& t : known) {
    if (t.target == target) return t;
    accepted += std::string(accepted.empty() ? "" : ", ") + t.target;
  }
  for (const char* name : kToolkitTargets)
    if (target == name)
      throw Error(who + " is an RKNN-Toolkit2 target rknn-sim does not simulate yet", "rknn-sim simulates " + accepted);
  throw Error(subject.empty() ? "unknown target platform '" + target + "'" : subject + " is not a known target platform",
              "use one of " + accepted);
}

std::string PlatformForTarget(const std::string& target) { return TargetInfoOf(target).platform; }

namespace {

// <prefix>/share/rknn_sim/models of an installed rknn-sim, found by walking up from the file this
// code was loaded from: <prefix>/bin/rknn-sim, <prefix>/lib/<arch>/librknn_api.so.0 or
// <prefix>/lib/python3/dist-packages/rknn_sim/_core.so. Empty when that file is not installed.
std::string InstalledModelsDirectory() {
  namespace fs = std::filesystem;
  Dl_info info{};
  std::error_code ec;
  fs::path origin;
  if (dladdr(reinterpret_cast<void*>(&InstalledModelsDirectory), &info) && info.dli_fname)
    origin = info.dli_fname;
  if (!origin.is_absolute()) origin = fs::read_symlink("/proc/self/exe", ec);  // the executable's argv[0]
  if (ec || origin.empty()) return {};
  constexpr int kLevels = 5;  // lib/python3/dist-packages/rknn_sim/_core.so is the deepest
  fs::path dir = origin.parent_path();
  for (int up = 0; up < kLevels && dir.has_relative_path(); ++up, dir = dir.parent_path()) {
    const fs::path candidate = dir / "share" / "rknn_sim" / "models";
    if (fs::is_directory(candidate, ec)) return candidate.string();
  }
  return {};
}

}  // namespace

std::string ModelsDirectory() {
  const char* env = std::getenv("RKNN_SIM_MODELS_DIR");
  if (env && *env) return env;
  static const std::string installed = InstalledModelsDirectory();
  return installed.empty() ? RKNN_SIM_DEFAULT_MODELS_DIR : installed;
}

PlatformConfig ParsePlatformYaml(const std::string& yaml_text, const std::string& what) {
  YAML::Node root;
  try {
    root = YAML::Load(yaml_text);
  } catch (const YAML::Exception& e) {
    throw Error(what + ": invalid YAML at line " + std::to_string(e.mark.line + 1) + ": " + e.msg);
  }
  if (!root.IsMap() || !root["platform"] || !root["targets"]) throw Error(what + ": missing 'platform' or 'targets'");
  PlatformConfig p;
  try {
    p.platform = root["platform"].as<std::string>();
    p.targets = root["targets"].as<std::vector<std::string>>();
    const LeafReader r(root, what);
    p.cores = r.Int("npu.cores");
    p.clock_mhz = r.Number("npu.clock_mhz");
    p.max_tasks_per_submit = r.Int("npu.max_tasks_per_submit");
    p.dma_address_bits = r.Int("npu.dma_address_bits");
    p.mac_int8 = {r.Int("npu.mac.int8.input_channels_per_cycle"), r.Int("npu.mac.int8.kernels_per_cycle"),
                  r.Int("npu.mac.int8.depthwise_channels_per_cycle")};
    p.mac_fp16 = {r.Int("npu.mac.fp16.input_channels_per_cycle"), r.Int("npu.mac.fp16.kernels_per_cycle"),
                  r.Int("npu.mac.fp16.depthwise_channels_per_cycle")};
    p.min_cycles_per_output_pixel = r.Int("npu.mac.min_cycles_per_output_pixel");
    p.c2_int8 = r.Int("npu.feature_c2.int8");
    p.c2_fp16 = r.Int("npu.feature_c2.fp16");
    p.cbuf_banks = r.Int("npu.cbuf.banks");
    p.cbuf_bank_bytes = r.Int("npu.cbuf.bank_kib") * 1024;
    p.dpu_elements_per_cycle = r.Number("npu.dpu_elements_per_cycle");
    p.dpu_lut_elements_per_cycle = r.Number("npu.dpu_lut_elements_per_cycle");

    p.dpu_bs_operand_group = r.Int("npu.dpu_bs_operand_group");
    p.dpu_rdma_line_notch_in_atoms = r.Int("npu.dpu_rdma_line_notch_in_atoms") != 0;
    p.ppu_elements_per_cycle = r.Number("npu.ppu_elements_per_cycle");
    p.task_overhead_cycles = r.Int("npu.task_overhead_cycles");
    p.layer_alone_overhead_us = r.Number("npu.layer_alone_overhead_us");
    p.layer_alone_drain_cycles_per_atom_int8 = r.Number("npu.layer_alone_drain_cycles_per_atom_int8");
    p.layer_alone_drain_cycles_per_atom_fp16 = r.Number("npu.layer_alone_drain_cycles_per_atom_fp16");
    p.ddr_efficiency_layer_alone = r.Number("ddr.efficiency_layer_alone");
    p.ddr_bandwidth_gbps = r.Number("ddr.bandwidth_gbps");
    p.ddr_efficiency = r.Number("ddr.efficiency");
    p.ddr_latency_ns = r.Number("ddr.latency_ns");
    p.ddr_max_bytes = static_cast<uint64_t>(r.Number("ddr.max_gib") * double(1ull << 30));
    p.cpu_cores = r.Int("cpu.cores");
    p.cpu_clock_mhz = r.Number("cpu.clock_mhz");
    p.cpu_gflops_per_core = r.Number("cpu.gflops_per_core");
    p.cpu_op_overhead_us = r.Number("cpu.op_overhead_us");
    p.cpu_flops_per_element = r.Number("cpu.flops_per_element");
  } catch (const YAML::Exception& e) {
    throw Error(what + ": " + e.msg);
  }
  Require(p.cores >= 1 && p.clock_mhz > 0, what, "cores and clock_mhz must be positive");
  Require(p.mac_int8.macs_per_cycle() > 0 && p.mac_fp16.macs_per_cycle() > 0 &&
              p.mac_int8.depthwise_channels_per_cycle > 0 && p.mac_fp16.depthwise_channels_per_cycle > 0,
          what, "MAC geometry must be positive");
  Require(p.c2_int8 > 0 && p.c2_fp16 > 0 && p.cbuf_banks > 1 && p.cbuf_bank_bytes > 0, what,
          "C2 and CBUF sizes must be positive (at least two banks)");
  Require(p.dpu_elements_per_cycle > 0 && p.dpu_lut_elements_per_cycle > 0 && p.ppu_elements_per_cycle > 0 && p.layer_alone_drain_cycles_per_atom_int8 > 0 &&
              p.layer_alone_drain_cycles_per_atom_fp16 > 0, what,
          "unit throughputs must be positive");
  Require(p.dpu_bs_operand_group > 0, what, "npu.dpu_bs_operand_group must be positive");
  Require(p.cpu_cores > 0 && p.cpu_gflops_per_core > 0 && p.cpu_op_overhead_us >= 0 && p.cpu_flops_per_element > 0,
          what, "the CPU cost model needs positive cores, throughput and work per element");
  Require(p.ddr_bandwidth_gbps > 0 && p.ddr_efficiency > 0 && p.ddr_efficiency <= 1 &&
              p.ddr_efficiency_layer_alone > 0 && p.ddr_efficiency_layer_alone <= 1,
          what, "DDR bandwidth must be positive and efficiencies in (0, 1]");
  Require(p.layer_alone_overhead_us >= 0, what, "npu.layer_alone_overhead_us must not be negative");
  Require(p.ddr_max_bytes > 0, what, "ddr.max_gib must be positive");
  Require(p.max_tasks_per_submit > 0 && p.dma_address_bits >= 32 && p.dma_address_bits <= 64, what,
          "task limit and DMA address width out of range");
  return p;
}

PlatformConfig LoadPlatformFile(const std::string& yaml_path) {
  const std::vector<uint8_t> bytes = ReadFileBytes(yaml_path);
  return ParsePlatformYaml(std::string(bytes.begin(), bytes.end()), yaml_path);
}

void CheckFitsBoardMemory(uint64_t bytes, const PlatformConfig& platform, const std::string& what) {
  const uint64_t addressable = platform.dma_address_bits >= 64 ? ~0ull : 1ull << platform.dma_address_bits;
  const uint64_t limit = std::min(platform.ddr_max_bytes, addressable);
  if (bytes <= limit) return;
  const auto mib = [](uint64_t b) { return std::to_string((b + (1ull << 20) - 1) >> 20) + " MiB"; };
  throw Error(what + " needs " + mib(bytes) + " of DDR, more than the " + mib(limit) + " " + platform.platform +
                  " boards carry (platform.yaml ddr.max_gib" +
                  (limit < platform.ddr_max_bytes ? ", bounded by the NPU's " + std::to_string(platform.dma_address_bits) +
                                                        "-bit DMA addresses)" : ")"),
              "reduce the input size (input_size_list) or split the model");
}

PlatformConfig LoadPlatformForTarget(const std::string& target) {
  return LoadPlatformFile(ModelsDirectory() + "/" + PlatformForTarget(target) + "/platform.yaml");
}

}  // namespace rknnsim::isa
