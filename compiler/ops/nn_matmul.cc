// MatMul (ONNX opset 9-21): numpy matmul of two operands of rank >= 1. A 1-D A is a row [1, K]
// and a 1-D B a column [K, 1] (the added axis is dropped from the result); the leading (batch)
// axes broadcast numpy-style. Each batch entry is one Eigen GEMM.
#include <Eigen/Core>

#include "compiler/ops/nn.h"
#include "compiler/ops/op_util.h"

namespace rknnsim::ops {
namespace {

using RowMatrix = Eigen::Matrix<float, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>;

struct MatMulPlan {
  int64_t m = 1, k = 1, n = 1;
  ir::Shape batch;                      // broadcast batch shape
  std::vector<int64_t> a_step, b_step;  // per batch axis: matrix offset step (0 on broadcast axes)
  ir::Shape out;
};

MatMulPlan Plan(const ir::Graph& g, const ir::Node& node) {
  const ir::Shape& a = InputShape(g, node, 0);
  const ir::Shape& b = InputShape(g, node, 1);
  if (a.empty() || b.empty())
    throw NodeError(node, "MatMul needs operands of rank >= 1, got " + ir::ShapeToString(a) + " x " +
                              ir::ShapeToString(b));
  MatMulPlan p;
  const ir::Shape a2 = a.size() == 1 ? ir::Shape{1, a[0]} : a;
  const ir::Shape b2 = b.size() == 1 ? ir::Shape{b[0], 1} : b;
  p.m = a2[a2.size() - 2], p.k = a2.back(), p.n = b2.back();
  if (b2[b2.size() - 2] != p.k)
    throw NodeError(node, "inner dimensions differ: " + ir::ShapeToString(a) + " x " + ir::ShapeToString(b));
  const size_t ra = a2.size() - 2, rb = b2.size() - 2, rank = std::max(ra, rb);
  p.batch.assign(rank, 1);
  p.a_step.assign(rank, 0);
  p.b_step.assign(rank, 0);
  int64_t a_stride = p.m * p.k, b_stride = p.k * p.n;
  for (size_t i = rank; i-- > 0;) {  // from the innermost batch axis outwards
    const int64_t da = i + ra >= rank ? a2[i + ra - rank] : 1;
    const int64_t db = i + rb >= rank ? b2[i + rb - rank] : 1;
    if (da != db && da != 1 && db != 1)
      throw NodeError(node, "batch dimensions do not broadcast: " + ir::ShapeToString(a) + " x " +
                                ir::ShapeToString(b));
    p.batch[i] = da == 1 ? db : da;  // 1 broadcasts to anything, including 0
    p.a_step[i] = da == 1 ? 0 : a_stride;
    p.b_step[i] = db == 1 ? 0 : b_stride;
    a_stride *= da, b_stride *= db;
  }
  p.out = p.batch;
  if (a.size() > 1) p.out.push_back(p.m);
  if (b.size() > 1) p.out.push_back(p.n);
  return p;
}

void Parse(const AttrReader&, const ir::Graph&, ir::Node& node) {
  if (node.inputs.size() != 2 || node.inputs[0] < 0 || node.inputs[1] < 0)
    throw NodeError(node, "MatMul takes two inputs");
}

std::vector<ir::Shape> Infer(const ir::Graph& g, const ir::Node& node) { return {Plan(g, node).out}; }

void RunFloat(FloatArgs& args) {
  const MatMulPlan p = Plan(args.graph, args.node);
  const int64_t batches = ir::NumElements(p.batch), rank = static_cast<int64_t>(p.batch.size());
  args.out.assign(static_cast<size_t>(batches * p.m * p.n), 0.0f);
  if (p.m == 0 || p.n == 0 || p.k == 0) return;  // empty operands: nothing to multiply (zeros)
  std::vector<int64_t> index(p.batch.size(), 0);
  int64_t a_off = 0, b_off = 0;
  for (int64_t bi = 0; bi < batches; ++bi) {
    Eigen::Map<const RowMatrix> am(args.in[0]->data() + a_off, p.m, p.k);
    Eigen::Map<const RowMatrix> bm(args.in[1]->data() + b_off, p.k, p.n);
    Eigen::Map<RowMatrix> cm(args.out.data() + bi * p.m * p.n, p.m, p.n);
    cm.noalias() = am * bm;
    for (int64_t i = rank - 1; i >= 0; --i) {  // odometer over the batch axes
      a_off += p.a_step[i], b_off += p.b_step[i];
      if (++index[i] < p.batch[i]) break;
      a_off -= p.a_step[i] * p.batch[i], b_off -= p.b_step[i] * p.batch[i];
      index[i] = 0;
    }
  }
}

}  // namespace

const OpDef kMatMulOp{ir::OpKind::kMatMul, "MatMul", Parse, Infer, RunFloat, nullptr, nullptr, false};

}  // namespace rknnsim::ops
