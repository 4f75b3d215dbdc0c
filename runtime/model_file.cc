// The compiled model file: a 24-byte header, then a FlatBuffer (runtime/model_file.fbs).
//
//   offset  size  field
//        0     8  magic "RKNNSIM\0"
//        8     4  format version (isa::kProgramVersion), little-endian
//       12     4  CRC-32 (zlib) of the FlatBuffer bytes, little-endian
//       16     8  FlatBuffer size in bytes, little-endian
//       24     -  FlatBuffer, file identifier "RKSM"
//
// Loading checks the header, the checksum, the FlatBuffers structure (Verifier) and then the
// semantics the executors rely on (ids, enums, payload sizes, DDR and weight ranges), so a bad
// file is rejected with one line instead of crashing the simulator later.
#include "runtime/model_file.h"

#include <zlib.h>

#include <algorithm>
#include <cstring>

#include <flatbuffers/flatbuffers.h>

#include "common/error.h"
#include "common/file_io.h"
#include "runtime/model_file_reader.h"
#include "runtime/model_file_schema.h"
#include "runtime/model_file_writer.h"

namespace rknnsim::runtime {
namespace {

constexpr char kMagic[8] = {'R', 'K', 'N', 'N', 'S', 'I', 'M', '\0'};
constexpr uint32_t kFormatVersion = isa::kProgramVersion;
static_assert(kModelFileHeaderSize == sizeof(kMagic) + 4 + 4 + 8);

// Little-endian header fields.

void PutLe(uint8_t* p, uint64_t v, int bytes) {
  for (int i = 0; i < bytes; ++i) p[i] = static_cast<uint8_t>(v >> (8 * i));
}

uint64_t GetLe(const uint8_t* p, int bytes) {
  uint64_t v = 0;
  for (int i = 0; i < bytes; ++i) v |= uint64_t{p[i]} << (8 * i);
  return v;
}

uint32_t Crc32(const uint8_t* data, size_t size) {
  uLong crc = crc32(0L, Z_NULL, 0);
  while (size > 0) {
    const uInt chunk = static_cast<uInt>(std::min<size_t>(size, size_t{1} << 30));
    crc = crc32(crc, data, chunk);
    data += chunk, size -= chunk;
  }
  return static_cast<uint32_t>(crc);
}

}  // namespace

std::vector<uint8_t> SerializeModel(const CompiledModel& model) {
  flatbuffers::FlatBufferBuilder b(1 << 16);
  BuildModelPayload(b, model);

  const uint8_t* payload = b.GetBufferPointer();
  const size_t size = b.GetSize();
  std::vector<uint8_t> out(kModelFileHeaderSize + size);
  std::memcpy(out.data(), kMagic, sizeof(kMagic));
  PutLe(out.data() + 8, kFormatVersion, 4);
  PutLe(out.data() + 12, Crc32(payload, size), 4);
  PutLe(out.data() + 16, size, 8);
  std::memcpy(out.data() + kModelFileHeaderSize, payload, size);
  return out;
}

void SaveModelFile(const std::string& path, const CompiledModel& model) {
  const std::vector<uint8_t> bytes = SerializeModel(model);
  WriteFileBytes(path, bytes.data(), bytes.size());
}

CompiledModel DeserializeModel(const std::vector<uint8_t>& bytes, const std::string& what) {
  const size_t n = bytes.size();
  const uint8_t* p = bytes.data();

  // Magic first (as far as the file goes), so a short foreign file is called foreign, not truncated.
  if (n > 0 && std::memcmp(p, kMagic, std::min(n, sizeof(kMagic))) != 0) {
    if (n >= 4 && std::memcmp(p, "RKNN", 4) == 0)
      throw Error(what + ": looks like a Rockchip .rknn file (magic 'RKNN'), which this command does not read yet",
                  "compile the source ONNX model with `rknn-sim convert` and pass the file it writes");
    throw Error(what + ": not an rknn-sim model file (no 'RKNNSIM' magic at offset 0)",
                "compile the ONNX model with `rknn-sim convert` and pass the file it writes");
  }
  if (n < kModelFileHeaderSize)
    throw Error(what + ": truncated model file: " + std::to_string(n) + " bytes" + (n == 0 ? " (empty file)" : "") +
                    ", shorter than the " + std::to_string(kModelFileHeaderSize) + "-byte header",
                kRecompileHint);

  const uint32_t version = static_cast<uint32_t>(GetLe(p + 8, 4));
  // Older versions lack only appended fields, whose defaults keep their meaning (batch 1, core 0).
  if (version < isa::kOldestReadableProgramVersion || version > kFormatVersion) {
    const std::string supported = "this build reads version " + std::to_string(kFormatVersion) +
                                  " and older ones down to " + std::to_string(isa::kOldestReadableProgramVersion);
    if (version > kFormatVersion)
      throw Error(what + ": model file format version " + std::to_string(version) + " (at offset 8) is newer than " +
                      "this rknn-sim supports (" + supported + ")",
                  "use a newer rknn-sim, or " + std::string(kRecompileHint));
    throw Error(what + ": model file format version " + std::to_string(version) + " (at offset 8) is no longer " +
                    "supported (" + supported + ")",
                kRecompileHint);
  }

  const uint32_t stored_crc = static_cast<uint32_t>(GetLe(p + 12, 4));
  const uint64_t size = GetLe(p + 16, 8);
  const uint64_t present = n - kModelFileHeaderSize;
  if (size > present)
    throw Error(what + ": truncated model file: the header (offset 16) promises " + std::to_string(size) +
                    " payload bytes after offset 24, but only " + std::to_string(present) + " are present",
                kRecompileHint);
  if (size < present)
    throw Error(what + ": corrupted model file: the header (offset 16) promises " + std::to_string(size) +
                    " payload bytes after offset 24, but " + std::to_string(present) + " follow",
                kRecompileHint);
  if (size >= FLATBUFFERS_MAX_BUFFER_SIZE)
    throw Error(what + ": model file payload of " + std::to_string(size) + " bytes exceeds the format's 2 GiB limit");

  const uint32_t crc = Crc32(p + kModelFileHeaderSize, size);
  if (crc != stored_crc)
    throw Error(what + ": corrupted model file: CRC-32 of bytes 24.." + std::to_string(n) + " is " + Hex(crc) +
                    ", the header (offset 12) says " + Hex(stored_crc),
                kRecompileHint);

  // FlatBuffers reads scalars in place: give it an 8-byte aligned payload.
  const uint8_t* payload = p + kModelFileHeaderSize;
  std::vector<uint64_t> aligned;
  if (reinterpret_cast<uintptr_t>(payload) % alignof(uint64_t) != 0) {
    aligned.resize((size + 7) / 8);
    std::memcpy(aligned.data(), payload, size);
    payload = reinterpret_cast<const uint8_t*>(aligned.data());
  }
  if (size < 8 || !fb::ModelFileBufferHasIdentifier(payload))
    throw Error(what + ": corrupted model file: the payload at offset 24 lacks the 'RKSM' identifier", kRecompileHint);
  flatbuffers::Verifier::Options options;
  options.max_depth = 64;
  // A table takes at least 8 bytes (its offset and its vtable offset); the bound keeps forged
  // buffers that reference tables many times from making verification slow.
  options.max_tables = static_cast<flatbuffers::uoffset_t>(size / 4 + 64);
  flatbuffers::Verifier verifier(payload, size, options);
  if (!fb::VerifyModelFileBuffer(verifier))
    throw Error(what + ": corrupted model file: the payload at offset 24 fails FlatBuffers verification "
                       "(bad offsets or sizes, or written by an incompatible rknn-sim)",
                kRecompileHint);

  return ReadModelPayload(payload, size, what);
}

CompiledModel LoadModelFile(const std::string& path) { return DeserializeModel(ReadFileBytes(path), path); }

}  // namespace rknnsim::runtime
