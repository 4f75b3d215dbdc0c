#include "runtime/html_report.h"

#include <algorithm>
#include <cstdio>
#include <map>
#include <set>
#include <sstream>
#include <vector>

namespace rknnsim::runtime {
namespace {

constexpr int kChartWidth = 960;   // SVG width in pixels
constexpr int kLabelWidth = 300;   // left column of bar charts: layer or op-type names
constexpr int kRowHeight = 16;
constexpr const char* kNpuCompute = "#3b6fb6", *kNpuDdr = "#c8553d", *kCpu = "#e0a030", *kRw = "#7a9e7e";

std::string Escape(const std::string& text) {
  std::string out;
  for (char c : text) switch (c) {
      case '&': out += "&amp;"; break;
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      case '"': out += "&quot;"; break;
      case '\'': out += "&#39;"; break;
      default: out += c;
    }
  return out;
}

std::string Num(double v, int decimals = 1) {
  char buffer[64];
  std::snprintf(buffer, sizeof buffer, "%.*f", decimals, v);
  return buffer;
}

// `text` cut to at most `limit` bytes with "..." when longer, never inside a UTF-8 sequence.
std::string Shortened(const std::string& text, size_t limit) {
  if (text.size() <= limit) return text;
  size_t end = limit - 3;
  while (end > 0 && (static_cast<unsigned char>(text[end]) & 0xC0) == 0x80) --end;  // a continuation byte
  return text.substr(0, end) + "...";
}

// A horizontal bar with its label on the left, value on the right and a tooltip.
void Bar(std::ostringstream& svg, int row, const std::string& label, double value, double max_value,
         const std::string& color, const std::string& value_text, const std::string& tooltip) {
  const int y = row * kRowHeight;
  const double span = kChartWidth - kLabelWidth - 150;  // room for the value text
  const double width = max_value > 0 ? std::max(1.0, value / max_value * span) : 1.0;
  svg << "<g><title>" << Escape(tooltip) << "</title><text x='" << kLabelWidth - 6 << "' y='" << y + 12
      << "' text-anchor='end'>" << Escape(Shortened(label, 44)) << "</text><rect x='"
      << kLabelWidth << "' y='" << y + 2 << "' width='" << Num(width) << "' height='" << kRowHeight - 4 << "' fill='"
      << color << "'/><text x='" << Num(kLabelWidth + width + 4) << "' y='" << y + 12 << "'>" << Escape(value_text)
      << "</text></g>\n";
}

std::string Svg(const std::string& id, int height, const std::string& body) {
  return "<svg id='" + id + "' width='" + std::to_string(kChartWidth) + "' height='" + std::to_string(height) +
         "' xmlns='http://www.w3.org/2000/svg'>\n" + body + "</svg>\n";
}

bool IsCpu(const LayerPerf& l) { return l.target.find("CPU") != std::string::npos; }

std::string LayerTimes(const PerfReport& perf) {
  double max_us = 0;
  for (const LayerPerf& l : perf.layers) max_us = std::max(max_us, l.time_us);
  std::ostringstream svg;
  int row = 0;
  for (const LayerPerf& l : perf.layers) {
    const bool cpu = IsCpu(l), ddr_bound = !cpu && l.cycles_ddr > l.cycles_npu;
    const std::string bound = cpu ? "CPU" : ddr_bound ? "NPU, DDR-bound" : "NPU, compute-bound";
    Bar(svg, row++, std::to_string(l.id) + " " + l.op_type + " " + l.name, l.time_us, max_us,
        cpu ? kCpu : ddr_bound ? kNpuDdr : kNpuCompute, Num(l.time_us) + " us",
        l.name + " (" + l.op_type + "): " + Num(l.time_us) + " us, " + bound + ", DDR " +
            std::to_string(l.cycles_ddr) + " / NPU " + std::to_string(l.cycles_npu) + " cycles, RW " +
            Num(l.rw_kb) + " KB, out " + l.output_shapes);
  }
  return Svg("layer-times", row * kRowHeight + 4, svg.str());
}

std::string OpTypes(const PerfReport& perf) {
  std::map<std::string, double> rw;
  for (const LayerPerf& l : perf.layers) rw[l.op_type] += l.rw_kb;
  double max_us = 0, max_rw = 0;
  for (const OpTypeSummary& t : perf.op_types) max_us = std::max(max_us, t.total_us), max_rw = std::max(max_rw, rw[t.op_type]);
  std::ostringstream svg;
  int row = 0;
  for (const OpTypeSummary& t : perf.op_types) {
    Bar(svg, row++, t.op_type + " (" + std::to_string(t.calls) + ")", t.total_us, max_us, t.npu_us > 0 ? kNpuCompute : kCpu,
        Num(t.total_us) + " us, " + Num(t.time_ratio) + "%", t.op_type + ": " + Num(t.total_us) + " us in " +
                                                                 std::to_string(t.calls) + " layer(s)");
    Bar(svg, row++, "RW", rw[t.op_type], max_rw, kRw, Num(rw[t.op_type]) + " KB", t.op_type + ": " + Num(rw[t.op_type]) + " KB");
  }
  return Svg("op-types", row * kRowHeight + 4, svg.str());
}

// Per NPU core one lane per unit, each task's busy time on it from the task's start (units of a
// task stream concurrently, sim/platform/command_processor.h).
std::string Timeline(const isa::Program& program, const isa::PlatformConfig& platform, const sim::SimulationResult& result) {
  const char* units[] = {"DMA", "CORE", "DPU", "PPU", "CPU"};
  constexpr int kUnits = 5;
  std::set<uint32_t> cores;
  double end_us = 0;
  for (const sim::TaskTimingRecord& r : result.tasks) cores.insert(r.core), end_us = std::max(end_us, r.end_us);
  const double span = kChartWidth - 120, scale = end_us > 0 ? span / end_us : 0;
  const double us_per_cycle = 1.0 / platform.clock_mhz;
  std::map<uint32_t, int> first_row;
  int rows = 0;
  std::ostringstream svg;
  for (uint32_t core : cores) {
    first_row[core] = rows;
    for (int u = 0; u < kUnits; ++u, ++rows)
      svg << "<text x='4' y='" << rows * kRowHeight + 12 << "'>core " << core << " " << units[u] << "</text>\n";
  }
  for (const sim::TaskTimingRecord& r : result.tasks) {
    const isa::Task& task = program.tasks[r.task];
    const std::string layer = program.layers[task.layer].name;
    const double busy[kUnits] = {r.dma_cycles * us_per_cycle, r.core_cycles * us_per_cycle, r.dpu_cycles * us_per_cycle,
                                 r.ppu_cycles * us_per_cycle, task.op == isa::TaskOp::kCpu ? r.end_us - r.start_us : 0};
    for (int u = 0; u < kUnits; ++u) {
      if (busy[u] <= 0) continue;
      svg << "<rect x='" << Num(120 + r.start_us * scale, 2) << "' y='" << (first_row[r.core] + u) * kRowHeight + 2
          << "' width='" << Num(std::max(0.5, busy[u] * scale), 2) << "' height='" << kRowHeight - 4 << "' fill='"
          << (u == 4 ? kCpu : u == 0 ? kNpuDdr : kNpuCompute) << "'><title>" << Escape(layer) << ": task " << r.task
          << ", " << units[u] << " " << Num(busy[u], 2) << " us from " << Num(r.start_us, 2) << " us</title></rect>\n";
    }
  }
  svg << "<text x='120' y='" << rows * kRowHeight + 12 << "'>0 us</text><text x='" << kChartWidth - 4 << "' y='"
      << rows * kRowHeight + 12 << "' text-anchor='end'>" << Num(end_us) << " us</text>\n";
  return Svg("timeline", (rows + 1) * kRowHeight + 4, svg.str());
}

std::string Memory(const MemoryReport& m) {
  const double total = std::max<double>(1, double(m.total_bytes)), span = kChartWidth - 8;
  const std::pair<const char*, uint64_t> parts[] = {
      {"Weight", m.weight_bytes}, {"Internal Tensor", m.internal_bytes}, {"Other", m.other_bytes}};
  const char* colors[] = {kNpuCompute, kNpuDdr, kCpu};
  std::ostringstream svg;
  double x = 4;
  for (int i = 0; i < 3; ++i) {
    const double w = parts[i].second / total * span;
    const std::string text = std::string(parts[i].first) + ": " + Num(parts[i].second / 1048576.0, 2) + " MiB (" +
                             std::to_string(parts[i].second) + " B)";
    svg << "<rect x='" << Num(x) << "' y='4' width='" << Num(w) << "' height='24' fill='" << colors[i] << "'><title>"
        << text << "</title></rect><rect x='" << 4 + i * 320 << "' y='38' width='12' height='12' fill='" << colors[i]
        << "'/><text x='" << 20 + i * 320 << "' y='49'>" << text << "</text>\n";
    x += w;
  }
  return Svg("memory", 58, svg.str());
}

std::string LayerTable(const PerfReport& perf) {
  std::ostringstream html;
  html << "<table id='layers'><tr><th>ID</th><th>OpType</th><th>DataType</th><th>Target</th><th>OutputShape</th>"
          "<th>Cycles DDR/NPU/Total</th><th>Time(us)</th><th>RW(KB)</th><th>FullName</th></tr>\n";
  for (const LayerPerf& l : perf.layers)
    html << "<tr><td>" << l.id << "</td><td>" << Escape(l.op_type) << "</td><td>" << Escape(l.data_type) << "</td><td>"
         << Escape(l.target) << "</td><td>" << Escape(l.output_shapes) << "</td><td>" << l.cycles_ddr << "/"
         << l.cycles_npu << "/" << l.cycles_total << "</td><td>" << Num(l.time_us) << "</td><td>" << Num(l.rw_kb)
         << "</td><td>" << Escape(l.name) << "</td></tr>\n";
  html << "</table>\n";
  return html.str();
}

}  // namespace

std::string BuildHtmlReport(const HtmlReportInput& in) {
  std::ostringstream html;
  html << "<!DOCTYPE html>\n<html lang='en'><head><meta charset='utf-8'><title>rknn-sim report: " << Escape(in.title)
       << "</title>\n<style>body{font:13px sans-serif;margin:24px;color:#222}svg text{font:11px sans-serif}"
          "h2{margin-top:28px}table{border-collapse:collapse}td,th{border:1px solid #ccc;padding:2px 6px;"
          "text-align:right}td:last-child{text-align:left}.key span{display:inline-block;width:12px;height:12px;"
          "margin:0 4px 0 14px;vertical-align:middle}</style></head><body>\n";
  html << "<h1>" << Escape(in.title) << "</h1>\n<p id='summary'>" << Escape(in.subtitle) << "<br>Total Time(us) of the "
       << "layers timed alone (perf_debug=True): " << Num(in.perf.total_time_us) << "; one rknn_run: "
       << Num(in.perf.run_time_us) << " us (" << Num(in.perf.run_time_us > 0 ? 1e6 / in.perf.run_time_us : 0)
       << " FPS); RW " << Num(in.perf.total_rw_kb) << " KB; " << in.perf.layers.size() << " layers, "
       << in.program.tasks.size() << " tasks</p>\n";
  html << "<p class='key'><span style='background:" << kNpuCompute << "'></span>NPU, compute-bound<span style='background:"
       << kNpuDdr << "'></span>NPU, DDR-bound (DMA lane: DDR transfers)<span style='background:" << kCpu
       << "'></span>CPU</p>\n";
  html << "<h2>Time per layer (each timed alone, as perf_debug)</h2>\n" << LayerTimes(in.perf);
  html << "<h2>Time and RW by op type</h2>\n" << OpTypes(in.perf);
  html << "<h2>Unit timeline of one rknn_run</h2>\n" << Timeline(in.program, in.platform, in.result);
  html << "<h2>Memory</h2>\n" << Memory(in.memory);
  html << "<h2>Layers</h2>\n" << LayerTable(in.perf);
  html << "</body></html>\n";
  return html.str();
}

}  // namespace rknnsim::runtime
