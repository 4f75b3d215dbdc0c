#include "compiler/lower/core_split.h"

#include "common/error.h"

namespace rknnsim::lower {
namespace {

struct MaskName {
  const char* name;
  uint32_t mask;
};
// RKNN_API.md rknn_core_mask.
constexpr MaskName kMasks[] = {{"auto", 0}, {"0", 1}, {"1", 2}, {"2", 4}, {"0_1", 3}, {"0_1_2", 7}};

// Lines [first, first + count) of a surface viewed as C1 * H lines of W atoms: a run of whole
// lines of the NC1HWC2 image, described as one plane of `count` lines.
isa::Surface Lines(const isa::Surface& s, uint64_t first, uint32_t count) {
  isa::Surface part = s;
  part.addr = s.addr + first * s.line_stride();
  part.channels = s.c2;  // the atoms' padding lanes are computed in the whole task too
  part.height = count;
  return part;
}

}  // namespace

uint32_t ParseCoreMask(const std::string& text) {
  for (const MaskName& m : kMasks)
    if (text == m.name) return m.mask;
  throw Error("unknown core mask '" + text + "'", "use auto, 0, 1, 2, 0_1 or 0_1_2 (RKNN_NPU_CORE_*)");
}

std::string CoreMaskName(uint32_t mask) {
  for (const MaskName& m : kMasks)
    if (mask == m.mask) return m.name;
  return std::to_string(mask);
}

std::vector<uint32_t> EnabledCores(uint32_t mask, const isa::PlatformConfig& platform) {
  if (mask == kCoreMaskAuto) return {0};
  if (mask == kCoreMaskAll) mask = (1u << platform.cores) - 1;
  std::vector<uint32_t> cores;
  for (uint32_t c = 0; c < 32; ++c)
    if (mask & (1u << c)) cores.push_back(c);
  if (cores.empty() || cores.back() >= static_cast<uint32_t>(platform.cores))
    throw Error("core mask " + CoreMaskName(mask) + " needs NPU core " + std::to_string(cores.empty() ? 0 : cores.back()) +
                    ", but " + platform.platform + " has " + std::to_string(platform.cores) + " NPU core" +
                    (platform.cores == 1 ? "" : "s"),
                platform.cores == 1 ? "single-core NPUs take --core-mask auto or 0 (core_mask applies to multi-core NPUs)"
                                    : "pick cores that exist on the target");
  return cores;
}

bool IsCoreSplittable(const isa::Task& t) {
  return t.op == isa::TaskOp::kEltwiseAdd || t.op == isa::TaskOp::kCopy;
}

isa::Program AssignCores(const isa::Program& program, const std::vector<uint32_t>& cores) {
  if (cores.empty()) throw Error("no NPU core enabled");
  isa::Program out = program;
  out.tasks.clear();
  for (isa::Task t : program.tasks) {
    t.core = cores[0];
    if (cores.size() == 1 || !IsCoreSplittable(t)) {
      out.tasks.push_back(t);
      continue;
    }
    const uint64_t lines = uint64_t{t.output.c1()} * t.output.height;
    const uint64_t n = cores.size();
    for (uint64_t j = 0, first = 0; j < n; ++j) {
      const uint64_t count = lines / n + (j < lines % n ? 1 : 0);
      if (count == 0) continue;
      isa::Task part = t;
      part.core = cores[j];
      part.input = Lines(t.input, first, static_cast<uint32_t>(count));
      part.output = Lines(t.output, first, static_cast<uint32_t>(count));
      if (t.op == isa::TaskOp::kEltwiseAdd) part.input2 = Lines(t.input2, first, static_cast<uint32_t>(count));
      part.out_row_begin = 0, part.out_rows = part.output.height;
      part.kernel_begin = 0, part.kernels = part.output.channels;
      out.tasks.push_back(part);
      first += count;
    }
  }
  out.memory.other_bytes = out.tasks.size() * sizeof(isa::Task);
  return out;
}

isa::Program PlaceOnCores(const isa::Program& program, uint32_t mask, const isa::PlatformConfig& platform) {
  return AssignCores(program, EnabledCores(mask, platform));
}

}  // namespace rknnsim::lower
