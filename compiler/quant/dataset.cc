#include "compiler/quant/dataset.h"

#include <fstream>
#include <sstream>

#include "common/error.h"
#include "common/image.h"
#include "common/npy.h"

namespace rknnsim::quant {
namespace {

std::vector<float> LoadImageInput(const std::string& path, const ir::Tensor& input, bool rgb2bgr) {
  const ir::Shape& shape = input.shape;
  if (shape.size() != 4 || shape[0] != 1 || shape[1] != 3)
    throw Error("'" + path + "' is an image (3 channels) but input '" + input.name + "' has shape " +
                    ir::ShapeToString(shape),
                "images fit NCHW inputs of shape (1,3,H,W); save this sample as .npy of the input's shape");
  return LoadImageNchw(path, shape[2], shape[3], rgb2bgr);
}

std::string DirectoryOf(const std::string& path) {
  const size_t slash = path.find_last_of('/');
  return slash == std::string::npos ? std::string() : path.substr(0, slash + 1);
}

}  // namespace

std::vector<float> LoadInputArray(const std::string& path, const ir::Tensor& input, bool rgb2bgr) {
  if (IsImagePath(path)) return LoadImageInput(path, input, rgb2bgr);
  NpyArray a = ReadNpy(path);
  if (ir::NumElements(a.shape) != input.num_elements())
    throw Error("'" + path + "' has shape " + ir::ShapeToString(a.shape) + " but input '" + input.name +
                    "' needs " + ir::ShapeToString(input.shape),
                "save an NCHW array of the model's input shape (.npy), or give a .jpg/.png/.bmp image");
  return std::move(a.data);
}

std::vector<Sample> LoadDataset(const std::string& dataset_txt, const ir::Graph& graph, bool quant_img_rgb2bgr) {
  std::ifstream in(dataset_txt);
  if (!in) throw Error("cannot open dataset '" + dataset_txt + "'", "pass a dataset.txt listing one .npy or image per model input on each line");
  const std::string base = DirectoryOf(dataset_txt);
  std::vector<Sample> samples;
  std::string line;
  int line_no = 0;
  while (std::getline(in, line)) {
    ++line_no;
    std::istringstream fields(line);
    std::vector<std::string> files;
    for (std::string f; fields >> f;) files.push_back(f[0] == '/' ? f : base + f);
    if (files.empty()) continue;
    const std::string where = dataset_txt + ":" + std::to_string(line_no) + ": ";
    if (files.size() != graph.inputs().size())
      throw Error(where + "line lists " + std::to_string(files.size()) + " file(s) but the model has " +
                      std::to_string(graph.inputs().size()) + " input(s)",
                  "put one file per model input on each line, separated by spaces");
    Sample sample;
    try {
      for (size_t i = 0; i < files.size(); ++i)
        sample.push_back(LoadInputArray(files[i], graph.tensor(graph.inputs()[i]), quant_img_rgb2bgr));
    } catch (const Error& e) {
      throw Error(where + e.message(), e.hint());  // say which dataset line listed the bad file
    }
    samples.push_back(std::move(sample));
  }
  if (samples.empty()) throw Error("dataset '" + dataset_txt + "' lists no samples");
  return samples;
}

Sample LoadInputs(const std::vector<std::string>& paths, const ir::Graph& graph) {
  if (paths.size() != graph.inputs().size())
    throw Error("the model has " + std::to_string(graph.inputs().size()) + " input(s), got " +
                    std::to_string(paths.size()) + " -i file(s)",
                "pass one -i per model input, in order");
  Sample sample;
  for (size_t i = 0; i < paths.size(); ++i)
    sample.push_back(LoadInputArray(paths[i], graph.tensor(graph.inputs()[i]), /*rgb2bgr=*/false));
  return sample;
}

}  // namespace rknnsim::quant
