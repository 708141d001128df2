//===- Raising.cpp - PyTorch's decomposed LayerNorm back to seq ops ------===//
//
// Below opset 17 the exporter decomposes LayerNorm into primitive ONNX
// ops. The pattern is matched backwards from its last node, when every
// value it reads is already imported; the raised op replaces the last
// node's output and the primitive ops it made dead are erased once the
// graph is imported.
//
//   LayerNorm  Add(Mul(Div(Sub(x, m), Sqrt(Add(mean(Pow(Sub, 2)), eps))),
//              gamma), beta), m = ReduceMean(x) over the last axis (or the
//              Div alone) -> seq.layer_norm
//
// Attention, GELU and a Linear's bias are raised on the IR, for every
// front end (seq-raise-attention, seq-raise-gelu, seq-raise-linear-bias in
// dialects/Seq/Transforms), after import.
//
//===----------------------------------------------------------------------===//

#include "compiler/Import/Onnx/GraphImporter.h"

#include "dialects/Seq/IR/SeqOps.h"
#include "dialects/Seq/Utils/TensorUtils.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"

#include <cmath>

using namespace mlir;
using namespace seqc;

namespace seqc::onnx_import {
namespace {

using Node = onnx::NodeProto;

const Node *producer(GraphImporter &g, StringRef name) {
  int i = g.producer(name);
  return i < 0 ? nullptr : &g.graph->node(i);
}

/// `name`'s producer when it has op type `op`.
const Node *def(GraphImporter &g, StringRef name, StringRef op) {
  const Node *n = producer(g, name);
  return n && n->op_type() == op ? n : nullptr;
}

int64_t nodeInt(const Node *n, StringRef name, int64_t dflt) {
  for (const auto &a : n->attribute())
    if (a.name() == name)
      return a.i();
  return dflt;
}

/// All elements of a known f32 constant, if `name` is one.
std::optional<SmallVector<float>> floatConst(GraphImporter &g, StringRef name) {
  OnnxValue *v = g.lookup(name);
  if (!v || !v->constant || !v->constant.getElementType().isF32())
    return std::nullopt;
  return SmallVector<float>(v->constant.getValues<float>());
}

std::optional<float> scalarConst(GraphImporter &g, StringRef name) {
  auto v = floatConst(g, name);
  if (!v || v->size() != 1)
    return std::nullopt;
  return (*v)[0];
}

bool near(std::optional<float> v, double want) {
  return v && std::fabs(*v - want) <= 1e-4 * std::max(1.0, std::fabs(want));
}

/// For a binary node with one scalar constant operand: the other operand's
/// name and the constant.
std::optional<std::pair<std::string, float>> withScalar(GraphImporter &g,
                                                        const Node *n) {
  if (!n || n->input_size() != 2)
    return std::nullopt;
  for (int i = 0; i < 2; ++i)
    if (auto c = scalarConst(g, n->input(i)))
      return std::make_pair(n->input(1 - i), *c);
  return std::nullopt;
}

Value f32Tensor(GraphImporter &g, StringRef name) {
  Value v = g.tensorOf(name);
  if (!v || !isa<RankedTensorType>(v.getType()) ||
      !tensorType(v).getElementType().isF32())
    return nullptr;
  return v;
}

//===----------------------------------------------------------------------===//
// LayerNorm (opsets before 17 have no LayerNormalization)
//===----------------------------------------------------------------------===//

/// Whether `n` is ReduceMean over the last axis only, keeping it.
bool isLastAxisMean(GraphImporter &g, const Node *n, int64_t rank) {
  if (!n || n->op_type() != "ReduceMean" || nodeInt(n, "keepdims", 1) != 1)
    return false;
  for (const auto &a : n->attribute())
    if (a.name() == "axes")
      return a.ints_size() == 1 && (a.ints(0) == -1 || a.ints(0) == rank - 1);
  return false;
}

/// Add(Mul(Div(Sub(x, mean(x)), Sqrt(Add(mean(Pow(Sub, 2)), eps))), g), b)
/// (or the Div alone) -> seq.layer_norm over the last axis.
bool raiseLayerNorm(GraphImporter &g, const Node &n) {
  std::string core = n.output(0);
  std::optional<std::string> gammaName, betaName;
  if (n.op_type() == "Add") {
    for (int i = 0; i < 2 && !gammaName; ++i) {
      const Node *mul = def(g, n.input(i), "Mul");
      if (!mul || !floatConst(g, n.input(1 - i)))
        continue;
      for (int j = 0; j < 2; ++j)
        if (floatConst(g, mul->input(j)) && def(g, mul->input(1 - j), "Div")) {
          gammaName = mul->input(j);
          betaName = n.input(1 - i);
          core = mul->input(1 - j);
          break;
        }
    }
    if (!gammaName)
      return false;
  }
  const Node *div = def(g, core, "Div");
  if (!div)
    return false;
  const Node *sub = def(g, div->input(0), "Sub");
  const Node *sqrt = def(g, div->input(1), "Sqrt");
  if (!sub || !sqrt)
    return false;
  Value x = f32Tensor(g, sub->input(0));
  if (!x || tensorType(x).getRank() < 1)
    return false;
  int64_t rank = tensorType(x).getRank();
  const Node *mean = producer(g, sub->input(1));
  if (!isLastAxisMean(g, mean, rank) || mean->input(0) != sub->input(0))
    return false;
  auto plusEps = withScalar(g, def(g, sqrt->input(0), "Add"));
  if (!plusEps)
    return false;
  const Node *var = producer(g, plusEps->first);
  if (!isLastAxisMean(g, var, rank))
    return false;
  const Node *pow = def(g, var->input(0), "Pow");
  if (!pow || pow->input(0) != div->input(0) ||
      !near(scalarConst(g, pow->input(1)), 2.0))
    return false;
  int64_t last = tensorType(x).getDimSize(rank - 1);
  Value scale, bias;
  if (gammaName) {
    auto isVector = [&](StringRef name) {
      auto t = g.lookup(name)->constant.getType();
      return t.getRank() == 1 && t.getDimSize(0) == last;
    };
    if (!isVector(*gammaName) || !isVector(*betaName))
      return false;
    scale = f32Tensor(g, *gammaName);
    bias = f32Tensor(g, *betaName);
  }
  g.setOutput(
      0, seq::LayerNormOp::create(g.builder, g.loc, x.getType(), x, scale, bias,
                                  g.builder.getF32FloatAttr(plusEps->second),
                                  g.builder.getI64IntegerAttr(-1))
             .getResult());
  return true;
}

} // namespace

LogicalResult raisePattern(GraphImporter &g, int index, bool &raised) {
  const Node &n = g.graph->node(index);
  raised = false;
  if (!n.domain().empty() && n.domain() != "ai.onnx")
    return success();
  for (const std::string &in : n.input())
    if (!in.empty() && !g.lookup(in))
      return success(); // importNode reports it
  StringRef op = n.op_type();
  if (op == "Add" || op == "Div")
    raised = raiseLayerNorm(g, n);
  return success();
}

} // namespace seqc::onnx_import
