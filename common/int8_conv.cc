#include "common/int8_conv.h"

#include <oneapi/dnnl/dnnl.hpp>

#include <algorithm>
#include <array>
#include <cstring>
#include <map>
#include <string_view>
#include <unordered_map>
#include <memory>
#include <mutex>
#include <stdexcept>
#include <string>
#include <vector>

namespace rknnsim {
namespace {

using Key = std::array<int64_t, 15>;

Key KeyOf(const Int8ConvShape& s) {
  return {s.channels, s.height,   s.width,      s.kernels,    s.groups,  s.kernel_h, s.kernel_w, s.stride_h,
          s.stride_w, s.dilation_h, s.dilation_w, s.pad_top, s.pad_left, s.out_h,   s.out_w};
}

void Check(const Int8ConvShape& s) {
  const bool positive = s.channels > 0 && s.height > 0 && s.width > 0 && s.kernels > 0 && s.groups > 0 &&
                        s.kernel_h > 0 && s.kernel_w > 0 && s.stride_h > 0 && s.stride_w > 0 && s.dilation_h > 0 &&
                        s.dilation_w > 0 && s.out_h > 0 && s.out_w > 0 && s.pad_top >= 0 && s.pad_left >= 0;
  if (!positive || s.channels % s.groups != 0 || s.kernels % s.groups != 0)
    throw std::logic_error("Int8ConvAccumulate: inconsistent convolution shape");
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
struct Compiled {
  dnnl::convolution_forward conv;
  dnnl::reorder weight_reorder;
  dnnl::memory::desc src, user_weights, weights, dst;
};

// Weights in oneDNN's layout for one weights descriptor, with the stored bytes they came from.
struct Prepared {
  std::string layout;
  dnnl::memory::desc desc;
  std::vector<uint8_t> stored, weights;
};

// Bound on the prepared weights kept (stored + rearranged bytes). Past it the cache starts over:
// a network larger than this still runs exactly, it only rearranges its weights on every call.
constexpr size_t kPreparedBytesLimit = size_t{1} << 30;

class Engine {
 public:
  static Engine& Get() {
    static Engine engine;
    return engine;
  }
  const Compiled& Lookup(const Int8ConvShape& s) {
    std::lock_guard<std::mutex> lock(mutex_);
    auto [it, inserted] = compiled_.try_emplace(KeyOf(s));
    if (inserted) it->second = Compile(s);
    return *it->second;
  }

  // The weights in `c`'s layout, rearranged on first sight of their stored bytes.
  std::shared_ptr<const Prepared> Weights(const Compiled& c, const Int8ConvWeights& w, dnnl::stream& stream) {
    const auto* bytes = static_cast<const uint8_t*>(w.stored);
    const size_t fingerprint = std::hash<std::string_view>()(
        std::string_view(reinterpret_cast<const char*>(bytes), std::min<size_t>(w.stored_bytes, 256))) ^ w.stored_bytes;
    std::lock_guard<std::mutex> lock(mutex_);
    auto [first, last] = prepared_.equal_range(fingerprint);
    for (auto it = first; it != last; ++it) {
      const Prepared& p = *it->second;
      if (p.desc == c.weights && p.layout == w.layout && p.stored.size() == w.stored_bytes && std::memcmp(p.stored.data(), bytes, w.stored_bytes) == 0)
        return it->second;
    }
    auto p = std::make_shared<Prepared>();
    p->desc = c.weights;
    p->layout = w.layout;
    p->stored.assign(bytes, bytes + w.stored_bytes);
    std::vector<int8_t> ohwi(c.user_weights.get_size());
    w.unpack(ohwi.data());
    p->weights.resize(c.weights.get_size());
    dnnl::memory user(c.user_weights, cpu_, ohwi.data()), prepared(c.weights, cpu_, p->weights.data());
    c.weight_reorder.execute(stream, user, prepared);
    stream.wait();
    prepared_bytes_ += p->stored.size() + p->weights.size();
    if (prepared_bytes_ > kPreparedBytesLimit) prepared_.clear(), prepared_bytes_ = p->stored.size() + p->weights.size();
    prepared_.emplace(fingerprint, p);
    return p;
  }

  const dnnl::engine& cpu() const { return cpu_; }

 private:
  std::unique_ptr<Compiled> Compile(const Int8ConvShape& s) const {
    using dnnl::memory;
    const int64_t extent_h = (s.kernel_h - 1) * s.dilation_h + 1, extent_w = (s.kernel_w - 1) * s.dilation_w + 1;
    // Rows below the last window hold nothing the sum reads: crop them (the input stays dense), so
    // that the bottom padding oneDNN derives is never negative. Columns cannot be cropped without
    // making the rows strided, which only oneDNN's slow reference kernel reads: unread columns
    // give a negative right padding, which oneDNN's kernels accept.
    const int64_t height = std::min(s.height, (s.out_h - 1) * s.stride_h + extent_h - s.pad_top);
    const int64_t width = s.width;
    const int64_t pad_bottom = (s.out_h - 1) * s.stride_h + extent_h - height - s.pad_top;
    const int64_t pad_right = (s.out_w - 1) * s.stride_w + extent_w - width - s.pad_left;
    if (height <= 0 || pad_right <= -s.stride_w) throw std::logic_error("Int8ConvAccumulate: window outside the input");

    auto out = std::make_unique<Compiled>();
    const memory::dims src_dims{1, s.channels, height, width};
    out->src = memory::desc(src_dims, memory::data_type::s8, memory::format_tag::nhwc);
    const int64_t cg = s.channels / s.groups, kg = s.kernels / s.groups;
    const memory::dims weight_dims = s.groups == 1 ? memory::dims{s.kernels, s.channels, s.kernel_h, s.kernel_w}
                                                   : memory::dims{s.groups, kg, cg, s.kernel_h, s.kernel_w};
    out->user_weights = memory::desc(weight_dims, memory::data_type::s8,
                                     s.groups == 1 ? memory::format_tag::ohwi : memory::format_tag::gohwi);
    out->dst = memory::desc({1, s.kernels, s.out_h, s.out_w}, memory::data_type::s32, memory::format_tag::nhwc);
    dnnl::primitive_attr attr;
    attr.set_zero_points(DNNL_ARG_SRC, 0, {DNNL_RUNTIME_S32_VAL});
    const memory::desc any_weights(weight_dims, memory::data_type::s8, memory::format_tag::any);
    const dnnl::convolution_forward::desc desc(
        dnnl::prop_kind::forward_inference, dnnl::algorithm::convolution_direct, out->src, any_weights, out->dst,
        {s.stride_h, s.stride_w}, {s.dilation_h - 1, s.dilation_w - 1}, {s.pad_top, s.pad_left},
        {pad_bottom, pad_right});
    const dnnl::convolution_forward::primitive_desc pd(desc, attr, cpu_);
    out->conv = dnnl::convolution_forward(pd);
    out->weights = pd.weights_desc();
    out->weight_reorder = dnnl::reorder(dnnl::reorder::primitive_desc(cpu_, out->user_weights, cpu_, out->weights));
    return out;
  }

  dnnl::engine cpu_{dnnl::engine::kind::cpu, 0};
  std::mutex mutex_;
  std::map<Key, std::unique_ptr<Compiled>> compiled_;
  std::unordered_multimap<size_t, std::shared_ptr<const Prepared>> prepared_;
  size_t prepared_bytes_ = 0;
};

}  // namespace

void Int8ConvAccumulate(const Int8ConvShape& s, const int8_t* x, int32_t x_zero_point, const Int8ConvWeights& w,
                        int32_t* acc) {
  Check(s);
  static const bool exact = ExactOnThisCpu();
  if (!exact) {
    std::vector<int8_t> ohwi(size_t(s.kernels * s.kernel_h * s.kernel_w * (s.channels / s.groups)));
    w.unpack(ohwi.data());
    return Int8ConvAccumulateDirect(s, x, x_zero_point, ohwi.data(), acc);
  }
  Engine& engine = Engine::Get();
  const Compiled& c = engine.Lookup(s);
  thread_local dnnl::stream stream(engine.cpu());
  const std::shared_ptr<const Prepared> prepared = engine.Weights(c, w, stream);
  using dnnl::memory;
  memory weights(c.weights, engine.cpu(), const_cast<uint8_t*>(prepared->weights.data()));
  memory src(c.src, engine.cpu(), const_cast<int8_t*>(x));
  memory dst(c.dst, engine.cpu(), acc);
  int32_t zero_point = x_zero_point;
  memory zp({{1}, memory::data_type::s32, memory::format_tag::x}, engine.cpu(), &zero_point);
  c.conv.execute(stream, {{DNNL_ARG_SRC, src},
                          {DNNL_ARG_WEIGHTS, weights},
                          {DNNL_ARG_DST, dst},
                          {DNNL_ARG_ATTR_ZERO_POINTS | DNNL_ARG_SRC, zp}});
  stream.wait();
}

void Int8ConvAccumulate(const Int8ConvShape& s, const int8_t* x, int32_t x_zero_point, const int8_t* w,
                        int32_t* acc) {
  const size_t bytes = size_t(s.kernels * s.kernel_h * s.kernel_w * (s.channels / s.groups));
  Int8ConvWeights weights{"OHWI", w, bytes, [&](int8_t* ohwi) { std::memcpy(ohwi, w, bytes); }};
  Int8ConvAccumulate(s, x, x_zero_point, weights, acc);
}

void Int8ConvAccumulateDirect(const Int8ConvShape& s, const int8_t* x, int32_t x_zero_point, const int8_t* w,
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
