// The C entry points of rknn_api.h: look up the context, call into Context, and turn every
// failure into the RKNPU2 error code plus one `E RKNN: ...` line on stderr. Nothing a caller
// passes (NULL pointers, bad sizes, bad indices, unknown commands) may crash the process.
#include <cstdio>
#include <map>
#include <memory>
#include <mutex>
#include <set>
#include <string>

#include "capi/src/api_error.h"
#include "capi/src/context.h"
#include "capi/src/tensor_layout.h"
#include "common/error.h"
#include "compiler/rknn/model.h"
#include "compiler/rknn/simulation.h"
#include "rknn_api.h"
#include "rknn_custom_op.h"

namespace rknnsim::capi {
namespace {

struct Registry {
  std::mutex lock;
  std::map<rknn_context, std::shared_ptr<Context>> contexts;
  rknn_context next = 1;
};

Registry& Contexts() {
  static Registry* registry = new Registry;  // never destroyed: callers may destroy contexts from atexit handlers
  return *registry;
}

void LogError(const std::string& message) { std::fprintf(stderr, "E RKNN: %s\n", message.c_str()); }

// Runs `body`, mapping exceptions to codes; `fallback` is the code for rknnsim::Error.
template <typename Body>
int Guarded(int fallback, Body body) {
  try {
    body();
    return RKNN_SUCC;
  } catch (const ApiError& e) {
    LogError(e.what());
    return e.code();
  } catch (const Error& e) {
    LogError(e.what());
    return fallback;
  } catch (const std::bad_alloc&) {
    LogError("out of memory");
    return RKNN_ERR_MALLOC_FAIL;
  } catch (const std::exception& e) {
    LogError(std::string("internal error: ") + e.what());
    return RKNN_ERR_FAIL;
  }
}

std::shared_ptr<Context> Find(rknn_context ctx) {
  Registry& r = Contexts();
  std::lock_guard<std::mutex> hold(r.lock);
  auto it = r.contexts.find(ctx);
  if (it == r.contexts.end()) throw ApiError(RKNN_ERR_CTX_INVALID, "context " + std::to_string(ctx) + " is invalid");
  return it->second;
}

// A context for another platform than the one this process simulates, or than live contexts
// hold, was refused when it was made (Context holds its platform claim).
rknn_context Register(std::shared_ptr<Context> context) {
  Registry& r = Contexts();
  std::lock_guard<std::mutex> hold(r.lock);
  const rknn_context id = r.next++;
  r.contexts[id] = std::move(context);
  return id;
}

// A Rockchip .rknn, loaded as `rknn-sim perf` / `run` load it, with the memory figures the file records.
void LoadRockchip(rknn::RknnModel file, const std::string& source, LoadedModel& loaded) {
  loaded.rockchip_toolkit = file.toolkit_version.empty() ? "version unknown" : file.toolkit_version;
  runtime::LoadedRknn rknn = runtime::LoadRknn(std::move(file), source);
  loaded.model.source_name = source;
  loaded.model.graph = std::move(rknn.graph);
  loaded.model.program = std::move(rknn.timing_program);
  loaded.rockchip = true;
  loaded.rockchip_source = source;
  loaded.rockchip_exe = rknn.exe;
  loaded.rockchip_refusal = rknn.refusal;
  loaded.file_memory = rknn.memory;
}

std::shared_ptr<const LoadedModel> Load(void* model, uint32_t size) {
  auto loaded = std::make_shared<LoadedModel>();
  try {
    if (size == 0) {
      const std::string path = static_cast<const char*>(model);
      if (rknn::LooksLikeRknn(path))
        LoadRockchip(rknn::ReadRknnFile(path), "'" + path + "'", *loaded);
      else
        loaded->model = runtime::LoadModelFile(path);
    } else {
      const auto* bytes = static_cast<const uint8_t*>(model);
      std::vector<uint8_t> buffer(bytes, bytes + size);
      if (rknn::LooksLikeRknn(buffer.data(), buffer.size()))
        LoadRockchip(rknn::ReadRknn(buffer, "model buffer"), "the model buffer", *loaded);
      else
        loaded->model = runtime::DeserializeModel(buffer, "model buffer");
    }
  } catch (const Error& e) {
    throw ApiError(RKNN_ERR_MODEL_INVALID, e.what());
  }
  loaded->platform = isa::LoadPlatformForTarget(loaded->model.program.target);
  // The further input shape sets of a dynamic_input model become models of their own, moved out
  // (the weights are held once); the reader checked that they share the first set's target.
  for (runtime::ShapeVariant& set : loaded->model.dynamic_shapes) {
    auto one = std::make_shared<LoadedModel>();
    one->model.source_name = loaded->model.source_name;
    one->model.graph = std::move(set.graph);
    one->model.program = std::move(set.program);
    one->platform = loaded->platform;
    loaded->more_shape_sets.push_back(std::move(one));
  }
  loaded->model.dynamic_shapes.clear();
  return loaded;
}

}  // namespace
}  // namespace rknnsim::capi

using rknnsim::capi::ApiError;
using rknnsim::capi::Find;
using rknnsim::capi::Guarded;

extern "C" {

int rknn_init(rknn_context* context, void* model, uint32_t size, uint32_t flag, rknn_init_extend* extend) {
  (void)extend;  // fds, offsets into shared buffers and weight sharing are board memory details
  return Guarded(RKNN_ERR_FAIL, [&] {
    if (context == nullptr) throw ApiError(RKNN_ERR_PARAM_INVALID, "rknn_init: context is NULL");
    if (model == nullptr) throw ApiError(RKNN_ERR_PARAM_INVALID, "rknn_init: model is NULL");
    auto ctx = std::make_shared<rknnsim::capi::Context>(rknnsim::capi::Load(model, size), flag);
    *context = rknnsim::capi::Register(std::move(ctx));
  });
}

int rknn_dup_context(rknn_context* context_in, rknn_context* context_out) {
  return Guarded(RKNN_ERR_FAIL, [&] {
    if (context_in == nullptr || context_out == nullptr)
      throw ApiError(RKNN_ERR_PARAM_INVALID, "rknn_dup_context: context_in or context_out is NULL");
    const auto source = Find(*context_in);
    // The copy shares the loaded model (weights) and starts with no inputs, outputs or bindings.
    *context_out = rknnsim::capi::Register(std::make_shared<rknnsim::capi::Context>(source->loaded(), source->flag()));
  });
}

int rknn_destroy(rknn_context context) {
  return Guarded(RKNN_ERR_FAIL, [&] {
    auto& r = rknnsim::capi::Contexts();
    std::shared_ptr<rknnsim::capi::Context> doomed;  // destroyed after the lock is released
    std::lock_guard<std::mutex> hold(r.lock);
    auto it = r.contexts.find(context);
    if (it == r.contexts.end())
      throw ApiError(RKNN_ERR_CTX_INVALID, "rknn_destroy: context " + std::to_string(context) + " is invalid");
    doomed = std::move(it->second);
    r.contexts.erase(it);
  });
}

int rknn_query(rknn_context context, rknn_query_cmd cmd, void* info, uint32_t size) {
  return Guarded(RKNN_ERR_FAIL, [&] {
    Find(context)->Query(rknnsim::capi::RawEnum(cmd), info, size);
  });
}

int rknn_inputs_set(rknn_context context, uint32_t n_inputs, rknn_input inputs[]) {
  return Guarded(RKNN_ERR_INPUT_INVALID, [&] { Find(context)->SetInputs(n_inputs, inputs); });
}

int rknn_set_batch_core_num(rknn_context context, int core_num) {
  return Guarded(RKNN_ERR_FAIL, [&] {
    const auto ctx = Find(context);
    if (core_num < 1 || core_num > ctx->loaded()->platform.cores)
      throw ApiError(RKNN_ERR_PARAM_INVALID, "rknn_set_batch_core_num: core_num " + std::to_string(core_num) +
                                                 " is not in 1.." + std::to_string(ctx->loaded()->platform.cores));
  });
}

int rknn_set_core_mask(rknn_context context, rknn_core_mask core_mask) {
  return Guarded(RKNN_ERR_FAIL, [&] { Find(context)->SetCoreMask(rknnsim::capi::RawEnum(core_mask)); });
}

int rknn_set_input_shapes(rknn_context context, uint32_t n_inputs, rknn_tensor_attr attr[]) {
  return Guarded(RKNN_ERR_FAIL, [&] { Find(context)->SetInputShapes(n_inputs, attr); });
}

int rknn_register_custom_ops(rknn_context ctx, rknn_custom_op* op, uint32_t custom_op_num) {
  return Guarded(RKNN_ERR_FAIL, [&] { Find(ctx)->RegisterCustomOps(op, custom_op_num); });
}

void rknn_custom_op_get_op_attr(rknn_custom_op_context* op_ctx, const char* attr_name, rknn_custom_op_attr* op_attr) {
  rknnsim::capi::GetCustomOpAttr(op_ctx, attr_name, op_attr);
}

int rknn_run(rknn_context context, rknn_run_extend* extend) {
  (void)extend;  // runs are synchronous: frame ids and fences have nothing to wait for
  return Guarded(RKNN_ERR_FAIL, [&] {
    Find(context)->Run();
  });
}

int rknn_wait(rknn_context context, rknn_run_extend* extend) {
  (void)extend;
  return Guarded(RKNN_ERR_FAIL, [&] { Find(context); });
}

int rknn_outputs_get(rknn_context context, uint32_t n_outputs, rknn_output outputs[], rknn_output_extend* extend) {
  if (extend != nullptr) extend->frame_id = 0;
  return Guarded(RKNN_ERR_OUTPUT_INVALID, [&] { Find(context)->GetOutputs(n_outputs, outputs); });
}

int rknn_outputs_release(rknn_context context, uint32_t n_ouputs, rknn_output outputs[]) {
  return Guarded(RKNN_ERR_FAIL, [&] { Find(context)->ReleaseOutputs(n_ouputs, outputs); });
}

rknn_tensor_mem* rknn_create_mem(rknn_context ctx, uint32_t size) { return rknn_create_mem2(ctx, size, 0); }

rknn_tensor_mem* rknn_create_mem2(rknn_context ctx, uint64_t size, uint64_t alloc_flags) {
  (void)alloc_flags;  // cacheability and SRAM placement do not change simulated results
  rknn_tensor_mem* mem = nullptr;
  Guarded(RKNN_ERR_FAIL, [&] { mem = Find(ctx)->CreateMem(size); });
  return mem;
}

int rknn_destroy_mem(rknn_context ctx, rknn_tensor_mem* mem) {
  return Guarded(RKNN_ERR_FAIL, [&] { Find(ctx)->DestroyMem(mem); });
}

int rknn_set_io_mem(rknn_context ctx, rknn_tensor_mem* mem, rknn_tensor_attr* attr) {
  return Guarded(RKNN_ERR_FAIL, [&] { Find(ctx)->SetIoMem(mem, attr); });
}

int rknn_mem_sync(rknn_context context, rknn_tensor_mem* mem, rknn_mem_sync_mode mode) {
  (void)mode;  // simulated memory is coherent
  return Guarded(RKNN_ERR_FAIL, [&] {
    Find(context);
    if (mem == nullptr) throw ApiError(RKNN_ERR_PARAM_INVALID, "rknn_mem_sync: mem is NULL");
  });
}

}  // extern "C"
