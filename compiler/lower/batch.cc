#include "compiler/lower/batch.h"

#include "common/error.h"

namespace rknnsim::lower {
namespace {

constexpr uint64_t kRegionAlign = 4096;

}  // namespace

std::vector<int64_t> WithBatch(std::vector<int64_t> shape, uint32_t batch) {
  if (!shape.empty()) shape[0] *= batch;
  return shape;
}

void CheckBatchable(const ir::Graph& g, uint32_t batch) {
  if (batch == 0) throw Error("rknn_batch_size must be at least 1");
  if (batch == 1) return;
  const auto check = [&](int id, const char* kind) {
    const ir::Tensor& t = g.tensor(id);
    if (t.shape.empty() || t.shape[0] != 1)
      throw Error("batch size " + std::to_string(batch) + " (--batch-size, rknn_batch_size): " + kind + " '" + t.name +
                      "' has shape " + ir::ShapeToString(t.shape) + ", whose batch dimension is not 1",
                  "rknn_batch_size only changes the exported model's batch dimension from 1 to N (troubleshooting "
                  "manual §6.6): export the ONNX model with batch 1 (or fix it with --input-size-list "
                  "'[[1,...]]'), keep the dataset at batch 1, and stack N images in the inputs (§9.8)");
  };
  for (int id : g.inputs()) check(id, "input");
  for (int id : g.outputs()) check(id, "output");
}

isa::Program RepeatForBatch(const isa::Program& single, uint32_t batch) {
  if (batch <= 1) return single;
  isa::Program out = single;
  const uint64_t from = single.memory.internal_base;
  const uint64_t stride = (single.memory.internal_bytes + kRegionAlign - 1) / kRegionAlign * kRegionAlign;
  out.tasks.clear();
  out.tasks.reserve(single.tasks.size() * batch);
  for (uint32_t b = 0; b < batch; ++b)
    for (isa::Task t : single.tasks) {
      isa::ShiftTaskAddresses(t, from, b * stride);
      out.tasks.push_back(std::move(t));
    }
  for (auto* ios : {&out.inputs, &out.outputs})
    for (isa::IoTensor& io : *ios) io.shape = WithBatch(io.shape, batch);
  out.batch = batch;
  out.batch_stride = stride;
  out.memory.internal_bytes = stride * (batch - 1) + single.memory.internal_bytes;
  out.memory.other_bytes = out.tasks.size() * sizeof(isa::Task);
  return out;
}

}  // namespace rknnsim::lower
