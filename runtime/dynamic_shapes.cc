#include "runtime/dynamic_shapes.h"

#include "common/error.h"
#include "common/image.h"
#include "common/npy.h"

namespace rknnsim::runtime {
namespace {

std::vector<ir::Shape> InputShapes(const ir::Graph& g) {
  std::vector<ir::Shape> shapes;
  for (int id : g.inputs()) shapes.push_back(g.tensor(id).shape);
  return shapes;
}

CompiledModel OneSet(const CompiledModel& model, const ir::Graph& graph, const isa::Program& program) {
  CompiledModel out;
  out.source_name = model.source_name;
  out.graph = graph;
  out.program = program;
  return out;
}

}  // namespace

std::vector<std::vector<ir::Shape>> InputShapeSets(const CompiledModel& model) {
  std::vector<std::vector<ir::Shape>> sets = {InputShapes(model.graph)};
  for (const ShapeVariant& v : model.dynamic_shapes) sets.push_back(InputShapes(v.graph));
  return sets;
}

std::string ShapeSetText(const std::vector<ir::Shape>& shapes) {
  std::string text;
  for (const ir::Shape& s : shapes) {
    text += text.empty() ? "[" : " [";
    for (size_t i = 0; i < s.size(); ++i) text += (i ? "," : "") + std::to_string(s[i]);
    text += "]";
  }
  return text;
}

CompiledModel ForInputShapes(const CompiledModel& model, const std::vector<ir::Shape>& shapes) {
  if (model.dynamic_shapes.empty()) return model;  // the loaders check a single set's shapes themselves
  const std::vector<std::vector<ir::Shape>> sets_shapes = InputShapeSets(model);
  auto set_model = [&](size_t k) {
    return k == 0 ? OneSet(model, model.graph, model.program)
                  : OneSet(model, model.dynamic_shapes[k - 1].graph, model.dynamic_shapes[k - 1].program);
  };
  for (size_t k = 0; k < sets_shapes.size(); ++k)
    if (sets_shapes[k] == shapes) return set_model(k);
  // As a model of one shape takes any array of its element count (e.g. without the batch
  // dimension): the one set whose inputs have the arrays' element counts.
  auto counts = [](const std::vector<ir::Shape>& s) {
    std::vector<int64_t> n;
    for (const ir::Shape& shape : s) n.push_back(ir::NumElements(shape));
    return n;
  };
  size_t found = sets_shapes.size(), matches = 0;
  for (size_t k = 0; k < sets_shapes.size(); ++k)
    if (counts(sets_shapes[k]) == counts(shapes)) found = k, ++matches;
  if (matches == 1) return set_model(found);
  std::string sets;
  for (const std::vector<ir::Shape>& set : InputShapeSets(model)) sets += (sets.empty() ? "" : ", ") + ShapeSetText(set);
  throw Error("inputs of shape " + ShapeSetText(shapes) + " match none of the model's input shapes (" + sets + ")",
              "the model was built with dynamic_input: give inputs of one of these shapes, or rebuild with this one");
}

CompiledModel ForInputFiles(const CompiledModel& model, const std::vector<std::string>& paths) {
  if (model.dynamic_shapes.empty()) return model;
  std::vector<ir::Shape> shapes;
  for (const std::string& path : paths) {
    if (IsImagePath(path)) {
      const DecodedImage image = DecodeImage(path);
      shapes.push_back({1, image.channels, image.height, image.width});
    } else {
      shapes.push_back(ReadNpy(path).shape);
    }
  }
  return ForInputShapes(model, shapes);
}

std::vector<CompiledModel> ShapeSetModels(const CompiledModel& model) {
  std::vector<CompiledModel> models = {OneSet(model, model.graph, model.program)};
  for (const ShapeVariant& v : model.dynamic_shapes) models.push_back(OneSet(model, v.graph, v.program));
  return models;
}

}  // namespace rknnsim::runtime
