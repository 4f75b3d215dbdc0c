#include "common/host_conv.h"

#include <oneapi/dnnl/dnnl.hpp>
#include <omp.h>
#include <pthread.h>

#include <algorithm>
#include <array>
#include <cstring>
#include <map>
#include <memory>
#include <string_view>
#include <unordered_map>
#include <mutex>
#include <stdexcept>
#include <string>
#include <vector>

#include "common/parallel.h"
#include "common/transpose_bytes.h"

namespace rknnsim {
namespace {

using dnnl::memory;

enum class Kind { kInt8, kFloat };  // int8 -> int32 sums with a runtime zero point; float32 -> float32

using Key = std::array<int64_t, 17>;

// A compiled kernel is only valid for the thread count it was compiled for (the pool's size where
// it runs: inside a ParallelChunks chunk that is one).
Key KeyOf(const ConvShape& s, Kind kind) {
  return {s.channels,   s.height,     s.width,    s.kernels,  s.groups, s.kernel_h, s.kernel_w,
          s.stride_h,   s.stride_w,   s.dilation_h, s.dilation_w, s.pad_top, s.pad_left, s.out_h,
          s.out_w,      int64_t(kind), int64_t(omp_get_max_threads())};
}

void Check(const ConvShape& s) {
  const bool positive = s.channels > 0 && s.height > 0 && s.width > 0 && s.kernels > 0 && s.groups > 0 &&
                        s.kernel_h > 0 && s.kernel_w > 0 && s.stride_h > 0 && s.stride_w > 0 && s.dilation_h > 0 &&
                        s.dilation_w > 0 && s.out_h > 0 && s.out_w > 0 && s.pad_top >= 0 && s.pad_left >= 0;
  if (!positive || s.channels % s.groups != 0 || s.kernels % s.groups != 0)
    throw std::logic_error("host convolution: inconsistent shape");
}

size_t WeightElements(const ConvShape& s) {
  return size_t(s.kernels * s.kernel_h * s.kernel_w * (s.channels / s.groups));
}

// oneDNN's AMX kernels pay a fixed cost on every call (tile configuration, and CPUID queries that
// trap to the hypervisor on a virtual machine) that a small convolution does not win back:
// measured with ONEDNN_VERBOSE on mobilenet_v2's tiles, its 1x1 AMX kernel took 2-6x the time of the
// AVX-512 VNNI one below ~6 M multiply-adds, while resnet18's 3x3 layers above it ran 2-3x faster on
// AMX. Smaller convolutions take the first implementation that is neither AMX nor the reference
// loop (both are exact: int32 sums).
constexpr int64_t kAmxWorthwhileMacs = 6'000'000;

int64_t MultiplyAdds(const ConvShape& s) { return int64_t(WeightElements(s)) * s.out_h * s.out_w; }

void SkipAmxWhenSmall(dnnl::convolution_forward::primitive_desc& pd, const ConvShape& s) {
  const auto name_of = [](const dnnl::convolution_forward::primitive_desc& d) { return std::string(d.impl_info_str()); };
  if (MultiplyAdds(s) >= kAmxWorthwhileMacs || name_of(pd).find("amx") == std::string::npos) return;
  // A copy to iterate: oneDNN 2.x's next_impl leaves `pd` as it is when no implementation fits (the
  // Debian package is 2.6; 3.x shares the iterator between copies and would need a fresh one).
  dnnl::convolution_forward::primitive_desc other = pd;
  while (other.next_impl()) {
    const std::string name = name_of(other);
    if (name.find("amx") == std::string::npos && name.rfind("ref", 0) != 0) {
      pd = other;
      return;
    }
  }
}

// oneDNN narrows int8 products to saturating 16-bit pairs on CPUs without a VNNI dot product (and
// rescales s8 weights to avoid it), which would not be exact.
bool ExactOnThisCpu() {
  const auto isa = static_cast<unsigned>(dnnl::get_effective_cpu_isa());
  const auto vnni_bit = [](dnnl::cpu_isa with, dnnl::cpu_isa without) {
    return static_cast<unsigned>(with) & ~static_cast<unsigned>(without);
  };
  return (isa & vnni_bit(dnnl::cpu_isa::avx512_core_vnni, dnnl::cpu_isa::avx512_core)) ||
         (isa & vnni_bit(dnnl::cpu_isa::avx2_vnni, dnnl::cpu_isa::avx2));
}

// One convolution shape, compiled once: oneDNN JIT-compiles a kernel per shape, which costs
// milliseconds, while a network runs the same few dozen shapes on every inference.
// Scratch memory is the caller's (scratchpad_mode::user), one buffer per thread: oneDNN's own
// "library" scratchpad is shared between primitives unless it was built with
// DNNL_ENABLE_CONCURRENT_EXEC, and calibration and the C API run convolutions from several
// threads at once (shared scratch made calibration differ from run to run).
struct Compiled {
  dnnl::convolution_forward conv;
  dnnl::reorder weight_reorder;
  memory::desc src, user_weights, weights, dst, conv_scratch, reorder_scratch;
};

memory ThreadScratch(const memory::desc& desc, const dnnl::engine& cpu) {
  thread_local std::vector<uint8_t> buffer;
  buffer.resize(std::max<size_t>(buffer.size(), desc.get_size()));
  return memory(desc, cpu, buffer.data());
}

// Weights in oneDNN's layout for one weights descriptor, with the stored bytes they came from.
struct Prepared {
  std::string layout;
  memory::desc desc;
  std::vector<uint8_t> stored, weights;
  StoredEpoch since;  // the last caller's vouch for `stored` (guarded by the engine's mutex)
};

// Bound on the prepared weights kept (stored + rearranged bytes). Past it the cache starts over:
// a network larger than this still runs exactly, it only rearranges its weights on every call.
constexpr size_t kPreparedBytesLimit = size_t{1} << 30;

// oneDNN's threads are libgomp's: a child forked after the parent used them convolves on one thread
// (common/parallel.h), with primitives compiled anew for it; the mutex is held across fork so the
// child gets it unlocked.
class Engine {
 public:
  static Engine& Get() {
    static Engine* engine = [] {
      auto* e = new Engine;  // never destroyed: fork handlers and thread-local streams may outlive statics
      SingleThreadAfterFork();
      pthread_atfork([] { Get().mutex_.lock(); }, [] { Get().mutex_.unlock(); }, [] { Get().AfterForkInChild(); });
      return e;
    }();
    return *engine;
  }
  const Compiled& Lookup(const ConvShape& s, Kind kind) {
    std::lock_guard<std::mutex> lock(mutex_);
    auto [it, inserted] = compiled_.try_emplace(KeyOf(s, kind));
    if (inserted) it->second = Compile(s, kind);
    return *it->second;
  }

  // The weights in `c`'s layout, rearranged on first sight of their stored bytes.
  std::shared_ptr<const Prepared> Weights(const Compiled& c, const ConvWeights& w, dnnl::stream& stream) {
    const auto* bytes = static_cast<const uint8_t*>(w.stored);
    const std::string_view head(reinterpret_cast<const char*>(bytes), std::min<size_t>(w.stored_bytes, 256));
    const size_t fingerprint = std::hash<std::string_view>()(head) ^ w.stored_bytes;
    std::lock_guard<std::mutex> lock(mutex_);
    auto [first, last] = prepared_.equal_range(fingerprint);
    const bool vouched = w.since.epoch != 0;
    for (auto it = first; it != last; ++it) {
      Prepared& p = *it->second;
      if (p.desc != c.weights || p.layout != w.layout || p.stored.size() != w.stored_bytes) continue;
      if (vouched && p.since.epoch == w.since.epoch && p.since.offset == w.since.offset) return it->second;
      if (std::memcmp(p.stored.data(), bytes, w.stored_bytes) == 0) {
        p.since = w.since;  // the next call from the same region skips the comparison
        return it->second;
      }
    }
    auto p = std::make_shared<Prepared>();
    p->desc = c.weights;
    p->layout = w.layout;
    p->since = w.since;
    p->stored.assign(bytes, bytes + w.stored_bytes);
    std::vector<uint8_t> ohwi(c.user_weights.get_size());
    w.unpack(ohwi.data());
    p->weights.resize(c.weights.get_size());
    memory user(c.user_weights, cpu_, ohwi.data()), prepared(c.weights, cpu_, p->weights.data());
    c.weight_reorder.execute(stream, {{DNNL_ARG_FROM, user},
                                      {DNNL_ARG_TO, prepared},
                                      {DNNL_ARG_SCRATCHPAD, ThreadScratch(c.reorder_scratch, cpu_)}});
    stream.wait();
    prepared_bytes_ += p->stored.size() + p->weights.size();
    if (prepared_bytes_ > kPreparedBytesLimit) prepared_.clear(), prepared_bytes_ = p->stored.size() + p->weights.size();
    prepared_.emplace(fingerprint, p);
    return p;
  }

  const dnnl::engine& cpu() const { return cpu_; }

  // The transpose of a rows x cols matrix of `type` as a oneDNN reorder, compiled once per shape.
  const dnnl::reorder& Transposer(int64_t rows, int64_t cols, memory::data_type type) {
    std::lock_guard<std::mutex> lock(mutex_);
    const std::array<int64_t, 4> key{rows, cols, int64_t(type), int64_t(omp_get_max_threads())};
    auto [it, inserted] = transposers_.try_emplace(key);
    if (inserted) {
      const memory::desc from({rows, cols}, type, memory::format_tag::ab), to({rows, cols}, type, memory::format_tag::ba);
      it->second = std::make_unique<dnnl::reorder>(dnnl::reorder::primitive_desc(cpu_, from, cpu_, to));
    }
    return *it->second;
  }

 private:
  void AfterForkInChild() {
    compiled_.clear();
    transposers_.clear();
    const int capacity = dnnl::get_primitive_cache_capacity();  // oneDNN's own cache holds the same kernels
    dnnl::set_primitive_cache_capacity(0);
    dnnl::set_primitive_cache_capacity(capacity);
    mutex_.unlock();
  }

  std::unique_ptr<Compiled> Compile(const ConvShape& s, Kind kind) const {
    const int64_t extent_h = (s.kernel_h - 1) * s.dilation_h + 1, extent_w = (s.kernel_w - 1) * s.dilation_w + 1;
    // Rows below the last window hold nothing the sum reads: crop them (the input stays dense), so
    // that the bottom padding oneDNN derives is never negative. Columns cannot be cropped without
    // making the rows strided, which only oneDNN's slow reference kernel reads: unread columns
    // give a negative right padding, which oneDNN's kernels accept.
    const int64_t height = std::min(s.height, (s.out_h - 1) * s.stride_h + extent_h - s.pad_top);
    const int64_t pad_bottom = (s.out_h - 1) * s.stride_h + extent_h - height - s.pad_top;
    const int64_t pad_right = (s.out_w - 1) * s.stride_w + extent_w - s.width - s.pad_left;
    if (height <= 0 || pad_right <= -s.stride_w) throw std::logic_error("host convolution: window outside the input");

    const bool int8 = kind == Kind::kInt8;
    const auto in_type = int8 ? memory::data_type::s8 : memory::data_type::f32;
    const auto out_type = int8 ? memory::data_type::s32 : memory::data_type::f32;
    auto out = std::make_unique<Compiled>();
    out->src = memory::desc({1, s.channels, height, s.width}, in_type, memory::format_tag::nhwc);
    const int64_t cg = s.channels / s.groups, kg = s.kernels / s.groups;
    const memory::dims weight_dims = s.groups == 1 ? memory::dims{s.kernels, s.channels, s.kernel_h, s.kernel_w}
                                                   : memory::dims{s.groups, kg, cg, s.kernel_h, s.kernel_w};
    out->user_weights =
        memory::desc(weight_dims, in_type, s.groups == 1 ? memory::format_tag::ohwi : memory::format_tag::gohwi);
    out->dst = memory::desc({1, s.kernels, s.out_h, s.out_w}, out_type, memory::format_tag::nhwc);
    dnnl::primitive_attr attr;
    attr.set_scratchpad_mode(dnnl::scratchpad_mode::user);
    if (int8) attr.set_zero_points(DNNL_ARG_SRC, 0, {DNNL_RUNTIME_S32_VAL});
    const memory::desc any_weights(weight_dims, in_type, memory::format_tag::any);
    const dnnl::convolution_forward::desc desc(
        dnnl::prop_kind::forward_inference, dnnl::algorithm::convolution_direct, out->src, any_weights, out->dst,
        {s.stride_h, s.stride_w}, {s.dilation_h - 1, s.dilation_w - 1}, {s.pad_top, s.pad_left},
        {pad_bottom, pad_right});
    dnnl::convolution_forward::primitive_desc pd(desc, attr, cpu_);
    if (int8) SkipAmxWhenSmall(pd, s);
    out->conv = dnnl::convolution_forward(pd);
    out->weights = pd.weights_desc();
    out->conv_scratch = pd.scratchpad_desc();
    dnnl::primitive_attr reorder_attr;
    reorder_attr.set_scratchpad_mode(dnnl::scratchpad_mode::user);
    const dnnl::reorder::primitive_desc reorder_pd(cpu_, out->user_weights, cpu_, out->weights, reorder_attr);
    out->weight_reorder = dnnl::reorder(reorder_pd);
    out->reorder_scratch = reorder_pd.scratchpad_desc();
    return out;
  }

  dnnl::engine cpu_{dnnl::engine::kind::cpu, 0};
  std::mutex mutex_;
  std::map<Key, std::unique_ptr<Compiled>> compiled_;
  std::map<std::array<int64_t, 4>, std::unique_ptr<dnnl::reorder>> transposers_;
  std::unordered_multimap<size_t, std::shared_ptr<Prepared>> prepared_;
  size_t prepared_bytes_ = 0;
};

dnnl::stream& ThreadStream() {
  thread_local dnnl::stream stream(Engine::Get().cpu());
  return stream;
}

// Runs the compiled convolution on oneDNN: src/dst in the caller's buffers.
void Execute(const Compiled& c, const Prepared& prepared, const void* x, void* y, const int32_t* zero_point) {
  const dnnl::engine& cpu = Engine::Get().cpu();
  dnnl::stream& stream = ThreadStream();
  memory weights(c.weights, cpu, const_cast<uint8_t*>(prepared.weights.data()));
  memory src(c.src, cpu, const_cast<void*>(x)), dst(c.dst, cpu, y);
  std::unordered_map<int, memory> args{{DNNL_ARG_SRC, src},
                                       {DNNL_ARG_WEIGHTS, weights},
                                       {DNNL_ARG_DST, dst},
                                       {DNNL_ARG_SCRATCHPAD, ThreadScratch(c.conv_scratch, cpu)}};
  if (zero_point)
    args.emplace(DNNL_ARG_ATTR_ZERO_POINTS | DNNL_ARG_SRC,
                 memory({{1}, memory::data_type::s32, memory::format_tag::x}, cpu, const_cast<int32_t*>(zero_point)));
  c.conv.execute(stream, args);
  stream.wait();
}

// Runs `s` on oneDNN with the weights prepared once.
void Run(const ConvShape& s, Kind kind, const void* x, const ConvWeights& w, void* y, const int32_t* zero_point) {
  const Compiled& c = Engine::Get().Lookup(s, kind);
  Execute(c, *Engine::Get().Weights(c, w, ThreadStream()), x, y, zero_point);
}

}  // namespace

// The prepared weights of the row blocks' kernels (blocks of another height may choose another
// layout), found without comparing the stored bytes again; or, on a CPU without VNNI, the OHWI
// weights of the plain loop.
struct Int8RowConv::Cache {
  std::mutex mutex;
  std::vector<std::shared_ptr<const Prepared>> prepared;
  std::vector<int8_t> ohwi;
};

Int8RowConv::Int8RowConv(const ConvShape& shape, int32_t x_zero_point, ConvWeights weights)
    : shape_(shape), zero_point_(x_zero_point), weights_(std::move(weights)), cache_(std::make_unique<Cache>()) {
  Check(shape_);
  static const bool exact = ExactOnThisCpu();
  if (!exact) {
    cache_->ohwi.resize(WeightElements(shape_));
    weights_.unpack(cache_->ohwi.data());
  }
}

Int8RowConv::~Int8RowConv() = default;

void Int8RowConv::Rows(const int8_t* x, int64_t first, int64_t count, int32_t* acc) const {
  const ConvShape& s = shape_;
  if (first < 0 || count < 0 || first + count > s.out_h) throw std::logic_error("host convolution: rows outside the output");
  if (count == 0) return;
  // The block as a convolution of its own: its first window row, clamped to the input (the rest is
  // padding), and only the input rows its windows reach, so that blocks at the same distance from
  // the edges share one compiled kernel.
  ConvShape block = s;
  const int64_t first_tap_row = first * s.stride_h - s.pad_top, first_row = std::max<int64_t>(first_tap_row, 0);
  const int64_t last_row = (first + count - 1) * s.stride_h - s.pad_top + (s.kernel_h - 1) * s.dilation_h;
  block.out_h = count, block.pad_top = first_row - first_tap_row;
  block.height = std::min(s.height - 1, last_row) - first_row + 1;
  if (block.height <= 0) {  // every window row of the block is padding
    std::fill(acc, acc + count * s.out_w * s.kernels, 0);
    return;
  }
  x += first_row * s.width * s.channels;
  if (!cache_->ohwi.empty()) return Int8ConvAccumulateDirect(block, x, zero_point_, cache_->ohwi.data(), acc);
  const Compiled& c = Engine::Get().Lookup(block, Kind::kInt8);
  std::shared_ptr<const Prepared> prepared;
  {
    std::lock_guard<std::mutex> lock(cache_->mutex);
    for (const auto& p : cache_->prepared)
      if (p->desc == c.weights) prepared = p;
    if (!prepared) prepared = cache_->prepared.emplace_back(Engine::Get().Weights(c, weights_, ThreadStream()));
  }
  Execute(c, *prepared, x, acc, &zero_point_);
}

void Int8ConvAccumulate(const ConvShape& s, const int8_t* x, int32_t x_zero_point, const ConvWeights& w,
                        int32_t* acc) {
  Int8RowConv(s, x_zero_point, w).Rows(x, 0, s.out_h, acc);
}

void Int8ConvAccumulate(const ConvShape& s, const int8_t* x, int32_t x_zero_point, const int8_t* w,
                        int32_t* acc) {
  const size_t bytes = WeightElements(s);
  Int8ConvAccumulate(s, x, x_zero_point, ConvWeights{"OHWI", w, bytes, [&](void* ohwi) { std::memcpy(ohwi, w, bytes); }, {}},
                     acc);
}

namespace {

void Transpose(const void* src, size_t rows, size_t cols, memory::data_type type, void* dst) {
  if (rows == 0 || cols == 0) return;
  Engine& engine = Engine::Get();
  const memory::dims dims{int64_t(rows), int64_t(cols)};
  memory from({dims, type, memory::format_tag::ab}, engine.cpu(), const_cast<void*>(src));
  memory to({dims, type, memory::format_tag::ba}, engine.cpu(), dst);
  dnnl::stream& stream = ThreadStream();
  engine.Transposer(int64_t(rows), int64_t(cols), type).execute(stream, from, to);
  stream.wait();
}

}  // namespace

void Transpose(const int8_t* src, size_t rows, size_t cols, int8_t* dst) {
  // Highway's byte interleaves run at several times oneDNN's s8 reorder.
  TransposeBytes(reinterpret_cast<const uint8_t*>(src), rows, cols, reinterpret_cast<uint8_t*>(dst));
}

void Transpose(const float* src, size_t rows, size_t cols, float* dst) {
  Transpose(src, rows, cols, memory::data_type::f32, dst);
}

void FloatConv(const ConvShape& s, const float* x, const ConvWeights& w, float* y) {
  Check(s);
  Run(s, Kind::kFloat, x, w, y, nullptr);
}

void Int8ConvAccumulateDirect(const ConvShape& s, const int8_t* x, int32_t x_zero_point, const int8_t* w,
                              int32_t* acc) {
  Check(s);
  const int64_t cg = s.channels / s.groups, kg = s.kernels / s.groups;
  for (int64_t oy = 0; oy < s.out_h; ++oy)
    for (int64_t ox = 0; ox < s.out_w; ++ox)
      for (int64_t k = 0; k < s.kernels; ++k) {
        const int64_t first_channel = k / kg * cg;
        int32_t sum = 0;
        for (int64_t ky = 0; ky < s.kernel_h; ++ky) {
          const int64_t iy = oy * s.stride_h - s.pad_top + ky * s.dilation_h;
          if (iy < 0 || iy >= s.height) continue;
          for (int64_t kx = 0; kx < s.kernel_w; ++kx) {
            const int64_t ix = ox * s.stride_w - s.pad_left + kx * s.dilation_w;
            if (ix < 0 || ix >= s.width) continue;
            const int8_t* xi = x + (iy * s.width + ix) * s.channels + first_channel;
            const int8_t* wi = w + ((k * s.kernel_h + ky) * s.kernel_w + kx) * cg;
            for (int64_t c = 0; c < cg; ++c) sum += (int32_t{xi[c]} - x_zero_point) * wi[c];
          }
        }
        acc[(oy * s.out_w + ox) * s.kernels + k] = sum;
      }
}

}  // namespace rknnsim
