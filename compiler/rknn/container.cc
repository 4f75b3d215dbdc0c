#include "compiler/rknn/container.h"

#include <cstdio>
#include <cstring>

#include "common/error.h"
#include "common/hex.h"

namespace rknnsim::rknn {
namespace {

uint64_t U64(const uint8_t* p) {
  uint64_t v;
  std::memcpy(&v, p, sizeof(v));
  return v;  // the format is little-endian, as is every host we build for
}

uint32_t U32(const uint8_t* p) {
  uint32_t v;
  std::memcpy(&v, p, sizeof(v));
  return v;
}

bool StartsWith(const uint8_t* bytes, size_t size, const char* magic) {
  const size_t n = std::strlen(magic);
  return size >= n && std::memcmp(bytes, magic, n) == 0;
}

// Other members of the family that share the first bytes (netron's list): name them instead of
// calling them corrupted.
void RejectOtherSignatures(const uint8_t* bytes, size_t size, const std::string& what) {
  if (StartsWith(bytes, size, "CYPTRKNN"))
    throw Error(what + ": encrypted .rknn file (signature 'CYPTRKNN'); its graph cannot be read",
                "pass the unencrypted .rknn that rknn.export_rknn() wrote before encryption");
  if (StartsWith(bytes, size, "RKNX"))
    throw Error(what + ": RKNN3 file (signature 'RKNX', RKNN-Toolkit3), not supported",
                "compile the model with RKNN-Toolkit2 for an RKNPU2 target");
  if (StartsWith(bytes, size, "VPMN"))
    throw Error(what + ": RKNPU1 OpenVX network binary (signature 'VPMN'), not supported",
                "compile the model with RKNN-Toolkit2 for an RKNPU2 target");
  if (size >= 8 && std::memcmp(bytes + 4, "RKNN", 4) == 0)
    throw Error(what + ": bare RKNN FlatBuffer without the container header, not supported",
                "pass the .rknn file written by rknn.export_rknn()");
}

bool SupportedVersion(uint64_t v) { return (v >= 1 && v <= 6) || (v >= 0x1001 && v <= 0x1004); }

}  // namespace

Container ParseContainer(const uint8_t* bytes, size_t size, const std::string& what) {
  RejectOtherSignatures(bytes, size, what);
  if (size < 4 || std::memcmp(bytes, "RKNN", 4) != 0)
    throw Error(what + ": not an .rknn file (no 'RKNN' magic at offset 0)", "pass a file written by rknn.export_rknn()");
  if (size < 24) throw Error(what + ": truncated .rknn file: " + std::to_string(size) + " bytes, the header needs 24");
  Container c;
  c.version = U64(bytes + 8);
  if (!SupportedVersion(c.version)) {
    const bool newer = (c.version > 6 && c.version < 0x1000) || c.version > 0x1004;
    throw Error(what + ": .rknn container version " + Hex(c.version) + (newer ? " is newer than" : " is not one of") +
                    " the versions this reader knows (1-6 and 0x1001-0x1004, RKNN-Toolkit2 1.x-2.3)",
                newer ? "compile the model with RKNN-Toolkit2 2.3 or older, or update rknn-sim" : "");
  }
  c.layout = c.version >= 0x1000 ? Layout::kT : Layout::kL;
  const uint64_t data_size = U64(bytes + 16);
  // Version 1 has no 40-byte reserved block (netron); the data starts at 24 then.
  const uint64_t data_at = (c.version & 0xFF) > 1 ? kHeaderBytes : 24;
  if (data_size > size || data_at + data_size + 8 > size)
    throw Error(what + ": truncated .rknn file: the header announces " + std::to_string(data_size) +
                " bytes of model data at offset " + std::to_string(data_at) + " plus the model-info size, the file has " +
                std::to_string(size));
  c.data = {bytes + data_at, static_cast<size_t>(data_size), static_cast<size_t>(data_at)};
  const uint64_t json_at = data_at + data_size + 8;
  const uint64_t json_size = U64(bytes + data_at + data_size);
  if (json_size > size - json_at)
    throw Error(what + ": truncated .rknn file: the model info at offset " + std::to_string(json_at) + " announces " +
                std::to_string(json_size) + " bytes, " + std::to_string(size - json_at) + " remain");
  c.json = std::string_view(reinterpret_cast<const char*>(bytes + json_at), static_cast<size_t>(json_size));

  if (c.layout == Layout::kL) {
    c.flatbuffer = c.data;
    return c;
  }
  if (data_size < kHeaderBytes)
    throw Error(what + ": corrupted .rknn file: the data section (" + std::to_string(data_size) +
                " bytes) is smaller than its 64-byte sub-header");
  const uint8_t* h = c.data.data;
  c.t3 = {U32(h), U32(h + 4), U32(h + 8), U32(h + 12), U32(h + 16), U32(h + 20)};
  // The four parts fill the data section exactly (✔ on both RV110x samples).
  const uint64_t parts = kHeaderBytes + uint64_t{c.t3.task_bytes} + c.t3.regcmd_bytes + c.t3.weight_bytes + c.t3.fb_size;
  if (parts != data_size)
    throw Error(what + ": corrupted .rknn file: the sub-header's parts (tasks " + std::to_string(c.t3.task_bytes) +
                ", regcmd " + std::to_string(c.t3.regcmd_bytes) + ", weights " + std::to_string(c.t3.weight_bytes) +
                ", model " + std::to_string(c.t3.fb_size) + " bytes) do not add up to the data section's " +
                std::to_string(data_size));
  if (uint64_t{c.t3.task_count} * 40 > c.t3.task_bytes)
    throw Error(what + ": corrupted .rknn file: " + std::to_string(c.t3.task_count) + " tasks do not fit in " +
                std::to_string(c.t3.task_bytes) + " task bytes");
  size_t at = kHeaderBytes;
  auto take = [&](size_t n) {
    Bytes b{h + at, n, c.data.offset + at};
    at += n;
    return b;
  };
  c.tasks = take(c.t3.task_bytes);
  c.regcmd = take(c.t3.regcmd_bytes);
  c.weights = take(c.t3.weight_bytes);
  c.flatbuffer = take(c.t3.fb_size);
  return c;
}

}  // namespace rknnsim::rknn
