// rknn_batch_size (build(rknn_batch_size=N), troubleshooting manual §6.6 and §9.8): the toolkit
// quantizes the batch-1 model and only changes the exported model's batch dimension from 1 to N;
// the board then takes N images stacked on the batch dimension. The simplest correct lowering:
// the batch-1 task stream repeated N times, image b's feature maps in their own copy of the
// internal region, batch_stride bytes further per image.
#pragma once

#include <cstdint>

#include "compiler/ir/graph.h"
#include "isa/program.h"

namespace rknnsim::lower {

// Throws Error unless the graph is a batch-1 model that can be stacked: every input and output
// has a leading batch dimension of 1 (the manual's advice when it is fixed to another value:
// export the model with batch 1 and let rknn_batch_size set the batch).
void CheckBatchable(const ir::Graph& graph, uint32_t batch);

// The batch-1 program `single` turned into one that runs `batch` images (see the file comment).
// I/O tensor shapes get batch N; layers keep their batch-1 task lists, repeated per image.
isa::Program RepeatForBatch(const isa::Program& single, uint32_t batch);

// `shape` with `batch` images stacked on its leading dimension.
std::vector<int64_t> WithBatch(std::vector<int64_t> shape, uint32_t batch);

}  // namespace rknnsim::lower
