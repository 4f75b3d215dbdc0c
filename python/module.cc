// rknn_sim._core: pybind11 bindings of python/session.h. Arrays cross as contiguous float32 NCHW;
// layout and dtype conversion, argument checks and log lines are the Python layer's job.
#include <pybind11/numpy.h>
#include <pybind11/pybind11.h>
#include <pybind11/stl.h>

#include <spdlog/sinks/basic_file_sink.h>
#include <spdlog/sinks/stdout_sinks.h>
#include <spdlog/spdlog.h>

#include "common/error.h"
#include "compiler/ops/custom_op.h"
#include "isa/platform_config.h"
#include "python/session.h"

namespace py = pybind11;
using rknnsim::python::Model;

// libsystemc references sc_main (its own main() calls it); Python is the main program here.
// Exported so that libsystemc, loaded with this module, resolves it.
extern "C" __attribute__((visibility("default"))) int sc_main(int, char**) { return 0; }

namespace {

using FloatArray = py::array_t<float, py::array::c_style | py::array::forcecast>;

rknnsim::quant::Sample ToSample(const std::vector<FloatArray>& arrays) {
  rknnsim::quant::Sample sample;
  for (const FloatArray& a : arrays) sample.emplace_back(a.data(), a.data() + a.size());
  return sample;
}

FloatArray ToArray(const std::vector<float>& data, const rknnsim::ir::Shape& shape) {
  if (static_cast<int64_t>(data.size()) != rknnsim::ir::NumElements(shape))
    throw rknnsim::Error("an output holds " + std::to_string(data.size()) + " values for the shape " +
                         rknnsim::ir::ShapeToString(shape));
  std::vector<py::ssize_t> dims(shape.begin(), shape.end());
  FloatArray out(dims);
  std::copy(data.begin(), data.end(), out.mutable_data());
  return out;
}

py::object JsonToPython(const nlohmann::json& j) { return py::module_::import("json").attr("loads")(j.dump()); }

rknnsim::runtime::ConvertOptions MakeOptions(const py::dict& d) {
  rknnsim::runtime::ConvertOptions o;
  o.target = d["target"].cast<std::string>();
  o.dataset = d["dataset"].cast<std::string>();
  o.do_quantization = d["do_quantization"].cast<bool>();
  o.load.inputs = d["inputs"].cast<std::vector<std::string>>();
  o.load.outputs = d["outputs"].cast<std::vector<std::string>>();
  o.load.input_size_list = d["input_size_list"].cast<std::vector<rknnsim::ir::Shape>>();
  o.config.mean_values = d["mean_values"].cast<std::vector<std::vector<float>>>();
  o.config.std_values = d["std_values"].cast<std::vector<std::vector<float>>>();
  o.config.quant_img_rgb2bgr = d["quant_img_RGB2BGR"].cast<bool>();
  o.config.quantized_dtype = d["quantized_dtype"].cast<std::string>();
  o.config.quantized_algorithm = d["quantized_algorithm"].cast<std::string>();
  o.config.quantized_method = d["quantized_method"].cast<std::string>();
  o.config.float_dtype = d["float_dtype"].cast<std::string>();
  o.config.optimization_level = d["optimization_level"].cast<int>();
  o.batch_size = d["batch_size"].cast<uint32_t>();
  o.hybrid.step1_path = d["hybrid_step1"].cast<std::string>();
  o.hybrid.cfg_path = d["hybrid_cfg"].cast<std::string>();
  if (d.contains("dynamic_input"))
    o.dynamic_input = d["dynamic_input"].cast<std::vector<std::vector<rknnsim::ir::Shape>>>();
  return o;
}

py::list Describe(const std::vector<rknnsim::python::TensorInfo>& tensors) {
  py::list out;
  for (const auto& t : tensors) out.append(py::make_tuple(t.name, py::tuple(py::cast(t.shape))));
  return out;
}

// Log lines as the toolkit prints them ("I ...", "W ...", "E ..."), on stderr and optionally a file.
void SetLogging(bool verbose, const std::string& file) {
  std::vector<spdlog::sink_ptr> sinks{std::make_shared<spdlog::sinks::stderr_sink_mt>()};
  if (!file.empty()) sinks.push_back(std::make_shared<spdlog::sinks::basic_file_sink_mt>(file, true));
  auto logger = std::make_shared<spdlog::logger>("rknn_sim", sinks.begin(), sinks.end());
  logger->set_pattern("%L %v");
  logger->set_level(verbose ? spdlog::level::debug : spdlog::level::info);
  logger->flush_on(spdlog::level::debug);
  spdlog::set_default_logger(logger);
}

// A Python callable the C++ side keeps: destroyed under the GIL, or leaked when the interpreter
// has already finalized (the registry outlives it).
std::shared_ptr<py::function> KeepCallable(py::function fn) {
  return std::shared_ptr<py::function>(new py::function(std::move(fn)), [](py::function* f) {
    if (!Py_IsInitialized()) return;
    py::gil_scoped_acquire gil;
    delete f;
  });
}

// Custom operator kernels that call back into Python (rknn_sim.api.RKNN.reg_custom_op). The
// compiler may call them from any thread, so each call takes the GIL; the entry points below that
// can reach them release it while C++ works.
void RegisterCustomOp(const std::string& op_type, py::function infer, py::function compute) {
  auto infer_fn = KeepCallable(std::move(infer)), compute_fn = KeepCallable(std::move(compute));
  rknnsim::ops::CustomOpKernel kernel;
  kernel.infer = [infer_fn](const rknnsim::ir::Node& node, const std::vector<rknnsim::ir::Shape>& inputs) {
    py::gil_scoped_acquire gil;
    try {
      return (*infer_fn)(node.attrs.mode, node.name, node.attrs.custom_attrs, inputs)
          .cast<std::vector<rknnsim::ir::Shape>>();
    } catch (const py::error_already_set& e) {
      throw rknnsim::Error("node '" + node.name + "': shape_infer of custom operator '" + node.attrs.mode +
                           "' raised " + e.what());
    } catch (const py::cast_error&) {
      throw rknnsim::Error("node '" + node.name + "': shape_infer of custom operator '" + node.attrs.mode +
                               "' did not return a list of shapes",
                           "return (out_shapes, out_dtypes), out_shapes a list of integer lists");
    }
  };
  kernel.compute = [compute_fn](rknnsim::ops::CustomOpCall& call) {
    py::gil_scoped_acquire gil;
    const rknnsim::ir::Node& node = call.node;
    std::vector<FloatArray> outputs;
    try {
      py::list inputs;
      for (size_t i = 0; i < call.inputs.size(); ++i) inputs.append(ToArray(*call.inputs[i], call.input_shapes[i]));
      outputs = (*compute_fn)(node.attrs.mode, node.name, node.attrs.custom_attrs, inputs)
                    .cast<std::vector<FloatArray>>();
    } catch (const py::error_already_set& e) {
      throw rknnsim::Error("node '" + node.name + "': compute of custom operator '" + node.attrs.mode + "' raised " +
                           e.what());
    } catch (const py::cast_error&) {
      throw rknnsim::Error("node '" + node.name + "': compute of custom operator '" + node.attrs.mode +
                               "' did not return a list of arrays",
                           "return a list with one numpy array per output");
    }
    if (outputs.size() != call.outputs.size())
      throw rknnsim::Error("node '" + node.name + "': compute of custom operator '" + node.attrs.mode + "' returned " +
                           std::to_string(outputs.size()) + " array(s) for " + std::to_string(call.outputs.size()) +
                           " output(s)");
    for (size_t i = 0; i < outputs.size(); ++i) {
      if (outputs[i].size() != rknnsim::ir::NumElements(call.output_shapes[i]))
        throw rknnsim::Error("node '" + node.name + "': compute of custom operator '" + node.attrs.mode +
                                 "' returned " + std::to_string(outputs[i].size()) + " values for output " +
                                 std::to_string(i) + " of shape " + rknnsim::ir::ShapeToString(call.output_shapes[i]),
                             "return arrays of the shapes shape_infer gives");
      call.outputs[i]->assign(outputs[i].data(), outputs[i].data() + outputs[i].size());
    }
  };
  rknnsim::ops::RegisterCustomOp(op_type, std::move(kernel));
}

}  // namespace

PYBIND11_MODULE(_core, m) {
  m.doc() = "rknn-sim's compiler and SystemC platform for rknn_sim.api.RKNN";
  m.attr("__version__") = RKNN_SIM_VERSION;
  py::register_exception<rknnsim::Error>(m, "Error");
  SetLogging(false, "");
  m.def("set_logging", &SetLogging, py::arg("verbose"), py::arg("file") = "");
  m.def("log", [](const std::string& level, const std::string& text) {
    spdlog::log(spdlog::level::from_str(level), "{}", text);
  });

  py::class_<Model, std::shared_ptr<Model>>(m, "Model")
      .def_property_readonly("target", &Model::target)
      // The name the model file records (export_rknn); hybrid step 2 restores the ONNX model's.
      .def_property(
          "source_name", [](const Model& x) { return x.compiled.source_name; },
          [](Model& x, const std::string& name) { x.compiled.source_name = name; })
      .def_property_readonly("from_onnx", [](const Model& x) { return !x.onnx_path.empty(); })
      .def_property_readonly("is_fp16", &Model::is_fp16)
      .def_property_readonly("inputs", [](const Model& x) { return Describe(x.Inputs()); })
      .def_property_readonly("outputs", [](const Model& x) { return Describe(x.Outputs()); })
      .def_property_readonly("image_inputs", [](const Model& x) { return Describe(x.ImageInputs()); })
      .def_property_readonly("batch", [](const Model& x) { return x.compiled.program.batch; })
      .def_property_readonly("shape_sets", [](const std::shared_ptr<Model>& x) { return rknnsim::python::ShapeSetModels(x); });

  m.def("register_custom_op", &RegisterCustomOp);
  m.def("inspect_onnx", [](const std::string& path, const py::dict& options) {
    const rknnsim::runtime::ConvertOptions o = MakeOptions(options);
    rknnsim::python::OnnxInfo info;
    {
      py::gil_scoped_release release;  // custom operators' shape rules call back into Python
      info = rknnsim::python::InspectOnnx(path, o);
    }
    return py::make_tuple(Describe(info.inputs), Describe(info.outputs));
  });
  m.def("build", [](const std::string& path, const py::dict& options) {
    const rknnsim::runtime::ConvertOptions o = MakeOptions(options);
    py::gil_scoped_release release;  // calibration may run custom operators on several threads
    return rknnsim::python::BuildModel(path, o);
  });
  m.def("load", &rknnsim::python::LoadModel);
  m.def("load_rockchip", &rknnsim::python::LoadRockchipModel);
  m.def("export", &rknnsim::python::ExportModel);
  m.def("platform_of", &rknnsim::python::PlatformOf);
  // (target, platform, NPU cores) of `target` as the platform files describe it; raises Error
  // naming the simulated targets otherwise.
  m.def(
      "target_info",
      [](const std::string& target, const std::string& subject) {
        const rknnsim::isa::TargetInfo t = rknnsim::isa::TargetInfoOf(target, subject);
        return py::make_tuple(t.target, t.platform, t.cores);
      },
      py::arg("target"), py::arg("subject") = "");
  m.def("check_platform_available", &rknnsim::python::CheckPlatformAvailable);
  m.def("load_input_files", [](const Model& model, const std::vector<std::string>& paths) {
    const auto sample = rknnsim::python::LoadInputFiles(model, paths);
    py::list out;
    const auto inputs = model.ImageInputs();
    for (size_t i = 0; i < sample.size(); ++i) out.append(ToArray(sample[i], inputs[i].shape));
    return out;
  });
  m.def("simulate", [](const Model& model, const std::string& target, const std::vector<FloatArray>& inputs,
                       uint32_t core_mask) {
    const rknnsim::quant::Sample sample = ToSample(inputs);
    rknnsim::python::Inference result;
    {
      py::gil_scoped_release release;
      result = rknnsim::python::Simulate(model, target, sample, core_mask);
    }
    py::list outputs;
    const auto infos = model.Outputs();
    for (size_t i = 0; i < result.outputs.size(); ++i) outputs.append(ToArray(result.outputs[i], infos[i].shape));
    return py::make_tuple(outputs, result.time_us);
  });
  m.def("eval_perf", [](const Model& model, const std::string& target, uint32_t core_mask) {
    rknnsim::python::Perf perf;
    {
      // It simulates: while it waits for the simulation thread, another thread's run may need the
      // GIL for a Python custom operator.
      py::gil_scoped_release release;
      perf = rknnsim::python::EvalPerf(model, target, core_mask);
    }
    return py::make_tuple(perf.table, JsonToPython(perf.json));
  });
  m.def("eval_memory", [](const Model& model) {
    const auto memory = rknnsim::python::EvalMemory(model);
    return py::make_tuple(memory.text, JsonToPython(memory.json));
  });
  m.def("accuracy_analysis", [](const Model& model, const std::vector<FloatArray>& inputs, const std::string& dir) {
    const rknnsim::quant::Sample sample = ToSample(inputs);
    py::gil_scoped_release release;
    return rknnsim::python::AccuracyAnalysis(model, sample, dir);
  });
}
