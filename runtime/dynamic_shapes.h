// Models built with dynamic_input (config(dynamic_input=...), `convert --dynamic-input`): one
// compiled model holding a graph and program per input-shape set (CompiledModel::dynamic_shapes).
// `run` and `inference` pick the set by their inputs' shapes; `perf` and `memory` report every set.
#pragma once

#include <string>
#include <vector>

#include "runtime/model_file.h"

namespace rknnsim::runtime {

// The input shapes of each set the model holds, the first set first.
std::vector<std::vector<ir::Shape>> InputShapeSets(const CompiledModel& model);

// "[1,3,224,224]" / "[1,3,224,224] [1,1,224,224]": a set's shapes as messages and reports print them.
std::string ShapeSetText(const std::vector<ir::Shape>& shapes);

// The model as it runs on inputs of `shapes`: the set whose inputs have them, as a model of one
// shape set. Throws Error naming every set the model holds.
CompiledModel ForInputShapes(const CompiledModel& model, const std::vector<ir::Shape>& shapes);

// The same for the input files `run -i` takes: a .npy's shape, an image's [1, channels, height,
// width] as decoded (a model of one shape set comes back as it is: images are resized to it).
CompiledModel ForInputFiles(const CompiledModel& model, const std::vector<std::string>& paths);

// Each set as a model of its own, the first set first (one element for a model of one shape).
std::vector<CompiledModel> ShapeSetModels(const CompiledModel& model);

}  // namespace rknnsim::runtime
