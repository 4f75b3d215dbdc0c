#include "sim/platform/ddr_memory.h"

#include <algorithm>
#include <atomic>
#include <cstring>
#include <iterator>

#include "sim/platform/stored_epoch_query.h"

namespace rknnsim::sim {

using sc_core::SC_NS;
using sc_core::sc_time;

DdrMemory::DdrMemory(sc_core::sc_module_name name, const isa::PlatformConfig& p)
    : sc_module(name),
      socket("socket"),
      time_per_byte_(1.0 / (p.ddr_bandwidth_gbps * p.ddr_efficiency), SC_NS),
      latency_(p.ddr_latency_ns, SC_NS) {
  socket.register_b_transport(this, &DdrMemory::b_transport);
  socket.register_get_direct_mem_ptr(this, &DdrMemory::get_direct_mem_ptr);
}

// Access to the whole storage. The pointer stays valid until the next Load, which happens only
// between simulations (SimulateConcurrent), so initiators ask again for every transfer.
bool DdrMemory::get_direct_mem_ptr(int, tlm::tlm_generic_payload& trans, tlm::tlm_dmi& dmi) {
  if (storage_.empty() || trans.get_address() >= storage_.size()) return false;
  dmi.set_dmi_ptr(storage_.data());
  dmi.set_start_address(0);
  dmi.set_end_address(storage_.size() - 1);
  dmi.allow_read_write();
  return true;
}

namespace {

// Epochs are never reused, across every DDR of the process (prepared weights outlive a platform).
uint64_t NewEpoch() {
  static std::atomic<uint64_t> last{0};
  return ++last;
}

}  // namespace

void DdrMemory::Load(uint64_t bytes, std::vector<DdrImage> images) {
  storage_.resize(bytes);  // keeps the bytes below the new size
  std::sort(images.begin(), images.end(), [](const DdrImage& a, const DdrImage& b) { return a.addr < b.addr; });
  std::vector<ConstantRegion> constants;
  uint64_t cleared = 0;  // [0, cleared) holds its final bytes
  for (const DdrImage& image : images) {
    if (image.addr > cleared) std::fill(storage_.begin() + cleared, storage_.begin() + image.addr, 0);
    uint8_t* at = storage_.data() + image.addr;
    if (image.constant) {
      // Comparing costs what copying does; what it buys is the epoch, which spares the weight
      // cache its own comparison on every task. An image another one overlaps (a corrupted
      // program's input over its weights) is never vouched for: its final bytes depend on the
      // order of the copies.
      const auto held = std::find_if(constants_.begin(), constants_.end(), [&](const ConstantRegion& r) {
        return r.addr == image.addr && r.bytes == image.bytes && !r.written;
      });
      const bool overlapped = std::any_of(images.begin(), images.end(), [&](const DdrImage& other) {
        return &other != &image && other.addr < image.addr + image.bytes && image.addr < other.addr + other.bytes;
      });
      const bool same = held != constants_.end() && !overlapped && std::memcmp(at, image.data, image.bytes) == 0;
      if (!same) std::memcpy(at, image.data, image.bytes);
      constants.push_back({image.addr, image.bytes, same ? held->epoch : NewEpoch(), overlapped});
    } else {
      std::memcpy(at, image.data, image.bytes);
    }
    cleared = std::max(cleared, image.addr + image.bytes);
  }
  if (cleared < bytes) std::fill(storage_.begin() + cleared, storage_.end(), 0);
  constants_ = std::move(constants);
}

void DdrMemory::NoteWrite(uint64_t addr, uint64_t len) {
  for (ConstantRegion& r : constants_)
    if (addr < r.addr + r.bytes && r.addr < addr + len) r.written = true;
}

StoredEpoch DdrMemory::EpochOf(uint64_t addr, uint64_t len) const {
  for (const ConstantRegion& r : constants_)
    if (!r.written && addr >= r.addr && len <= r.bytes && addr - r.addr <= r.bytes - len) return {r.epoch, addr - r.addr};
  return {};
}

sc_time DdrMemory::Reserve(sc_time issue, sc_time duration) {
  // Nothing can be issued before the present: forget the past.
  const sc_time now = sc_core::sc_time_stamp();
  while (!busy_.empty() && busy_.begin()->second <= now) busy_.erase(busy_.begin());

  sc_time t = issue;
  auto it = busy_.upper_bound(t);
  if (it != busy_.begin() && std::prev(it)->second > t) t = std::prev(it)->second;  // issued into a busy interval
  sc_time left = duration;
  while (true) {
    const bool last = it == busy_.end() || it->first - t >= left;
    const sc_time until = last ? t + left : it->first;
    if (until > t) {
      // Occupy [t, until), merged with the busy intervals it touches.
      sc_time start = t;
      auto before = busy_.lower_bound(t);
      if (before != busy_.begin() && std::prev(before)->second == t) {
        start = std::prev(before)->first;
        busy_.erase(std::prev(before));
      }
      sc_time end = until;
      auto after = busy_.find(until);
      if (after != busy_.end()) {
        end = after->second;
        busy_.erase(after);
      }
      busy_[start] = end;
      left -= until - t;
    }
    if (last) return t + (until - t);
    it = busy_.upper_bound(t);  // the interval that stopped us, now possibly merged
    t = std::prev(it)->second;   // skip it
  }
}

void DdrMemory::b_transport(int, tlm::tlm_generic_payload& trans, sc_time& delay) {
  const uint64_t addr = trans.get_address();
  const uint64_t len = trans.get_data_length();
  if (addr > storage_.size() || len > storage_.size() - addr) {
    trans.set_response_status(tlm::TLM_ADDRESS_ERROR_RESPONSE);
    return;
  }
  if (trans.get_command() == tlm::TLM_IGNORE_COMMAND) {  // a question, no data, no time
    StoredEpochQuery* query = nullptr;
    trans.get_extension(query);
    if (query) query->answer = EpochOf(addr, len);
    trans.set_response_status(tlm::TLM_OK_RESPONSE);
    return;
  }
  // Every write passes here, in-place ones for their timing: a constant image it touches is no
  // longer vouched for.
  if (trans.is_write()) NoteWrite(addr, len);
  // Byte enables (strided writes of Rockchip programs): only enabled bytes move, and only they
  // occupy the channel.
  const unsigned char* enables = trans.get_byte_enable_ptr();
  const uint64_t enable_length = trans.get_byte_enable_length();
  uint64_t moved = len;
  if (enables && enable_length > 0) {
    moved = 0;
    for (uint64_t i = 0; i < len; ++i) moved += enables[i % enable_length] == TLM_BYTE_ENABLED;
  }
  if (unsigned char* data = trans.get_data_ptr()) {
    if (trans.is_read()) std::memcpy(data, storage_.data() + addr, len);
    if (trans.is_write() && !(enables && enable_length > 0)) std::memcpy(storage_.data() + addr, data, len);
    if (trans.is_write() && enables && enable_length > 0)
      for (uint64_t i = 0; i < len; ++i)
        if (enables[i % enable_length] == TLM_BYTE_ENABLED) storage_[addr + i] = data[i];
  }
  // The initiator sees the data after its bytes have moved on the shared channel plus the
  // access latency.
  const sc_time done = Reserve(sc_core::sc_time_stamp() + delay, time_per_byte_ * static_cast<double>(moved));
  delay = done + latency_ - sc_core::sc_time_stamp();
  trans.set_response_status(tlm::TLM_OK_RESPONSE);
}

}  // namespace rknnsim::sim
