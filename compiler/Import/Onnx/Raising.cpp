//===- Raising.cpp - PyTorch decompositions back to seq ops --------------===//
//
// The exporter decomposes GELU, biased Linear and scaled dot-product
// attention into primitive ONNX ops. Each pattern is matched backwards from
// its last node, when every value it reads is already imported; the raised
// op replaces the last node's output and the primitive ops it made dead are
// erased once the graph is imported.
//
//   GELU       Mul(Mul(x, Add(Erf(Div(x, sqrt 2)), 1)), 0.5)
//                -> seq.activation <gelu>
//   Linear     Add(MatMul(x, W), b), W and b constants -> seq.linear bias(b)
//   LayerNorm  Add(Mul(Div(Sub(x, m), Sqrt(Add(mean(Pow(Sub, 2)), eps))),
//              gamma), beta), m = ReduceMean(x) over the last axis (or the
//              Div alone) -> seq.layer_norm
//   Attention  MatMul(Softmax(mask(scale(MatMul(q, Transpose(k))))), v)
//                -> seq.attention, where scale is Mul/Div by a constant
//              (on the scores or on q) and mask is absent, Where(c, -inf, .)
//              or Add(., m); a mask built by Trilu from ones (or a constant
//              lower-triangular one) becomes causal(top_left).
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
// GELU and Linear
//===----------------------------------------------------------------------===//

bool raiseGelu(GraphImporter &g, const Node &n) {
  // Mul(inner, 0.5) with inner = Mul(x, Add(Erf(Div(x, sqrt2)), 1)).
  auto half = withScalar(g, &n);
  if (!half || !near(half->second, 0.5))
    return false;
  const Node *inner = def(g, half->first, "Mul");
  if (!inner || inner->input_size() != 2)
    return false;
  for (int i = 0; i < 2; ++i) {
    StringRef x = inner->input(i);
    auto plusOne = withScalar(g, def(g, inner->input(1 - i), "Add"));
    if (!plusOne || !near(plusOne->second, 1.0))
      continue;
    const Node *erf = def(g, plusOne->first, "Erf");
    if (!erf)
      continue;
    const Node *arg = producer(g, erf->input(0));
    auto scaled = withScalar(g, arg);
    if (!scaled || scaled->first != x)
      continue;
    bool ok = (arg->op_type() == "Div" && arg->input(0) == x &&
               near(scaled->second, std::sqrt(2.0))) ||
              (arg->op_type() == "Mul" && near(scaled->second, M_SQRT1_2));
    Value xv = f32Tensor(g, x);
    if (!ok || !xv)
      continue;
    g.setOutput(
        0,
        seq::ActivationOp::create(
            g.builder, g.loc,
            seq::ActivationAttr::get(g.context, seq::ActivationKind::gelu), xv)
            .getResult());
    return true;
  }
  return false;
}

bool raiseLinear(GraphImporter &g, const Node &n) {
  if (n.input_size() != 2)
    return false;
  for (int i = 0; i < 2; ++i) {
    const Node *mm = def(g, n.input(i), "MatMul");
    if (!mm)
      continue;
    OnnxValue *w = g.lookup(mm->input(1));
    auto bias = floatConst(g, n.input(1 - i));
    Value x = f32Tensor(g, mm->input(0));
    if (!w || !w->constant || !w->constant.getElementType().isF32() ||
        w->constant.getType().getRank() != 2 || !bias || !x)
      continue;
    int64_t rows = w->constant.getType().getDimSize(0),
            cols = w->constant.getType().getDimSize(1);
    auto biasType =
        cast<RankedTensorType>(g.lookup(n.input(1 - i))->constant.getType());
    if (biasType.getRank() != 1 || biasType.getDimSize(0) != cols)
      continue;
    SmallVector<float> in(w->constant.getValues<float>()), wt(in.size());
    for (int64_t r = 0; r < rows; ++r)
      for (int64_t c = 0; c < cols; ++c)
        wt[c * rows + r] = in[r * cols + c];
    auto f32 = g.builder.getF32Type();
    Value wv = arith::ConstantOp::create(
        g.builder, g.loc,
        DenseElementsAttr::get(RankedTensorType::get({cols, rows}, f32),
                               ArrayRef(wt)));
    Value bv = arith::ConstantOp::create(g.builder, g.loc,
                                         g.lookup(n.input(1 - i))->constant);
    SmallVector<int64_t> shape(tensorType(x).getShape());
    shape.back() = cols;
    g.setOutput(0, seq::LinearOp::create(g.builder, g.loc,
                                         RankedTensorType::get(shape, f32), x,
                                         wv, bv)
                       .getResult());
    return true;
  }
  return false;
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

//===----------------------------------------------------------------------===//
// Attention
//===----------------------------------------------------------------------===//

/// Skips Cast and Identity nodes.
StringRef throughCasts(GraphImporter &g, StringRef name) {
  while (const Node *n = producer(g, name)) {
    if (n->op_type() != "Cast" && n->op_type() != "Identity")
      break;
    name = n->input(0);
  }
  return name;
}

/// Whether `name` is a tensor of ones (a constant, or ConstantOfShape /
/// Expand of a one).
bool isOnes(GraphImporter &g, StringRef name) {
  name = throughCasts(g, name);
  if (auto c = floatConst(g, name))
    return llvm::all_of(*c, [](float v) { return v == 1.0f; });
  if (OnnxValue *v = g.lookup(name);
      v && v->constant && v->constant.getElementType().isInteger(64))
    return llvm::all_of(v->constant.getValues<int64_t>(),
                        [](int64_t v) { return v == 1; });
  const Node *n = producer(g, name);
  if (!n)
    return false;
  if (n->op_type() == "Expand")
    return isOnes(g, n->input(0));
  if (n->op_type() == "ConstantOfShape") {
    for (const auto &a : n->attribute())
      if (a.name() == "value") {
        auto t = g.convertTensor(a.t(), true);
        if (failed(t) || t->getNumElements() != 1)
          return false;
        if (t->getElementType().isF32())
          return *t->getValues<float>().begin() == 1.0f;
        return t->getElementType().isInteger(64) &&
               *t->getValues<int64_t>().begin() == 1;
      }
  }
  return false;
}

/// The `k` input of a Trilu node (0 when absent, nullopt when unknown).
std::optional<int64_t> triluK(GraphImporter &g, const Node *t) {
  if (t->input_size() < 2 || t->input(1).empty())
    return 0;
  OnnxValue *v = g.lookup(t->input(1));
  if (!v || !v->constant || !v->constant.getElementType().isInteger(64) ||
      v->constant.getNumElements() != 1)
    return std::nullopt;
  return *v->constant.getValues<int64_t>().begin();
}

/// Whether `name` is a constant whose last two dimensions are tril(ones).
bool isLowerOnesConstant(GraphImporter &g, StringRef name) {
  OnnxValue *v = g.lookup(name);
  if (!v || !v->constant || !v->constant.getElementType().isF32())
    return false;
  auto t = v->constant.getType();
  if (t.getRank() < 2)
    return false;
  int64_t r = t.getDimSize(t.getRank() - 2), c = t.getDimSize(t.getRank() - 1);
  SmallVector<float> vals(v->constant.getValues<float>());
  for (size_t k = 0; k < vals.size(); ++k) {
    int64_t i = (k / c) % r, j = k % c;
    if (vals[k] != (j <= i ? 1.0f : 0.0f))
      return false;
  }
  return true;
}

/// Whether the Slice `n` starts at 0 on its axes (a top-left corner).
bool isTopLeftSlice(GraphImporter &g, const Node *n) {
  OnnxValue *starts = g.lookup(n->input(1));
  if (!starts || !starts->constant ||
      !starts->constant.getElementType().isInteger(64))
    return false;
  if (n->input_size() > 4 && !n->input(4).empty()) {
    OnnxValue *steps = g.lookup(n->input(4));
    if (!steps || !steps->constant ||
        !llvm::all_of(steps->constant.getValues<int64_t>(),
                      [](int64_t s) { return s == 1; }))
      return false;
  }
  return llvm::all_of(starts->constant.getValues<int64_t>(),
                      [](int64_t s) { return s == 0; });
}

/// Whether `name` is tril(ones) (the positions a causal query may see):
/// a Trilu of ones, or top-left slices of a constant tril(ones) buffer.
bool isLowerOnes(GraphImporter &g, StringRef name) {
  name = throughCasts(g, name);
  while (const Node *s = def(g, name, "Slice")) {
    if (!isTopLeftSlice(g, s))
      return false;
    name = throughCasts(g, s->input(0));
  }
  if (isLowerOnesConstant(g, name))
    return true;
  const Node *t = def(g, name, "Trilu");
  return t && nodeInt(t, "upper", 1) == 0 && triluK(g, t) == 0 &&
         isOnes(g, t->input(0));
}

/// Whether boolean `name` is true exactly above the diagonal (the
/// positions a causal query must not see).
bool isCausalMaskedCondition(GraphImporter &g, StringRef name) {
  name = throughCasts(g, name);
  const Node *n = producer(g, name);
  if (!n)
    return false;
  if (n->op_type() == "Equal") // tril(ones) == 0
    for (int i = 0; i < 2; ++i) {
      auto z = scalarConst(g, n->input(1 - i));
      OnnxValue *zi = g.lookup(n->input(1 - i));
      bool zero = (z && *z == 0.0f) ||
                  (zi && zi->constant && zi->constant.getNumElements() == 1 &&
                   zi->constant.getElementType().isInteger(64) &&
                   *zi->constant.getValues<int64_t>().begin() == 0);
      if (zero && isLowerOnes(g, n->input(i)))
        return true;
    }
  if (n->op_type() == "Not") // ~tril(ones)
    return isLowerOnes(g, n->input(0));
  if (n->op_type() == "Trilu") // triu(ones, 1)
    return nodeInt(n, "upper", 1) == 1 && triluK(g, n) == 1 &&
           isOnes(g, n->input(0));
  return false;
}

bool isMinusInf(std::optional<float> v) { return v && *v <= -1e9f; }

/// Whether the additive mask `name` is 0 on and below the diagonal and
/// -inf (or <= -1e9) above it.
bool isCausalAdditiveMask(GraphImporter &g, StringRef name) {
  if (OnnxValue *v = g.lookup(name);
      v && v->constant && v->constant.getElementType().isF32()) {
    auto t = v->constant.getType();
    if (t.getRank() < 2)
      return false;
    int64_t r = t.getDimSize(t.getRank() - 2),
            c = t.getDimSize(t.getRank() - 1);
    if (r != c)
      return false;
    SmallVector<float> vals(v->constant.getValues<float>());
    for (size_t k = 0; k < vals.size(); ++k) {
      int64_t i = (k / c) % r, j = k % c;
      if (j <= i ? vals[k] != 0.0f : vals[k] > -1e9f)
        return false;
    }
    return true;
  }
  // triu(full(-inf), 1)
  const Node *t = def(g, throughCasts(g, name), "Trilu");
  if (!t || nodeInt(t, "upper", 1) != 1 || triluK(g, t) != 1)
    return false;
  const Node *fill = def(g, t->input(0), "ConstantOfShape");
  if (!fill)
    return isMinusInf(scalarConst(g, t->input(0)));
  for (const auto &a : fill->attribute())
    if (a.name() == "value") {
      auto v = g.convertTensor(a.t(), true);
      return succeeded(v) && v->getNumElements() == 1 &&
             v->getElementType().isF32() &&
             *v->getValues<float>().begin() <= -1e9f;
    }
  return false;
}

/// `x` [N, L, D] as [N, 1, L, D].
Value addHeadDim(GraphImporter &g, Value x) {
  RankedTensorType t = tensorType(x);
  SmallVector<OpFoldResult> sizes = shapeOf(g, x);
  sizes.insert(sizes.begin() + 1, g.builder.getIndexAttr(1));
  auto type =
      RankedTensorType::get(seq::getStaticShape(sizes), t.getElementType());
  return tensor::ExpandShapeOp::create(
      g.builder, g.loc, type, x,
      SmallVector<ReassociationIndices>{{0, 1}, {2}, {3}}, sizes);
}

bool raiseAttention(GraphImporter &g, const Node &n) {
  if (n.input_size() != 2)
    return false;
  const Node *softmax = def(g, n.input(0), "Softmax");
  Value v = f32Tensor(g, n.input(1));
  if (!softmax || !v)
    return false;
  int64_t rank = tensorType(v).getRank();
  if (rank != 3 && rank != 4)
    return false;
  int64_t axis = nodeInt(softmax, "axis", -1);
  if (axis != -1 && axis != rank - 1)
    return false;
  // The mask.
  std::string scores = softmax->input(0);
  bool causal = false;
  Value mask;
  if (const Node *where = def(g, scores, "Where")) {
    std::optional<float> fill = scalarConst(g, where->input(1));
    if (!isMinusInf(fill))
      return false;
    if (isCausalMaskedCondition(g, where->input(0))) {
      // The diagonal is always kept, so no row is fully masked and a finite
      // fill (<= -1e9) underflows to exactly the same zero weights.
      causal = true;
    } else if (!std::isinf(*fill)) {
      // masked_fill with a finite value (Hugging Face's finfo.min): a fully
      // masked row is a softmax over equal fills, i.e. the mean of V, which
      // a keep mask (zeros) does not reproduce. Left to the ops as written.
      return false;
    } else {
      Value c = g.tensorOf(where->input(0));
      if (!c || !tensorType(c).getElementType().isInteger(1) ||
          tensorType(c).getRank() > 4)
        return false;
      FailureOr<Value> keep = buildElementwise(
          g, {c}, [&](OpBuilder &b, Location l, ValueRange a) -> Value {
            Value one = arith::ConstantOp::create(b, l, b.getBoolAttr(true));
            return arith::XOrIOp::create(b, l, a[0], one);
          });
      if (failed(keep))
        return false;
      mask = *keep;
    }
    scores = where->input(2);
  } else if (const Node *add = def(g, scores, "Add")) {
    // The scores are the operand that a MatMul (maybe scaled) produced.
    int s = -1;
    for (int i = 0; i < 2 && s < 0; ++i) {
      const Node *p = producer(g, add->input(i));
      if (p &&
          (p->op_type() == "MatMul" ||
           ((p->op_type() == "Mul" || p->op_type() == "Div") &&
            withScalar(g, p) && def(g, withScalar(g, p)->first, "MatMul"))))
        s = i;
    }
    if (s < 0)
      return false;
    StringRef m = add->input(1 - s);
    if (isCausalAdditiveMask(g, m)) {
      causal = true;
    } else {
      mask = f32Tensor(g, m);
      if (!mask || tensorType(mask).getRank() > 4)
        return false;
    }
    scores = add->input(s);
  }
  // The scale.
  float scale = 1.0f;
  if (const Node *p = producer(g, scores);
      p && (p->op_type() == "Mul" || p->op_type() == "Div")) {
    auto s = withScalar(g, p);
    if (!s || (p->op_type() == "Div" && p->input(0) != s->first) ||
        s->second == 0.0f)
      return false;
    scale = p->op_type() == "Mul" ? s->second : 1.0f / s->second;
    scores = s->first;
  }
  const Node *qk = def(g, scores, "MatMul");
  if (!qk)
    return false;
  std::string qName = qk->input(0);
  if (const Node *p = producer(g, qName);
      p && (p->op_type() == "Mul" || p->op_type() == "Div")) {
    // MHA scales q before the product.
    auto s = withScalar(g, p);
    if (s && (p->op_type() == "Mul" || p->input(0) == s->first) &&
        s->second != 0.0f) {
      scale *= p->op_type() == "Mul" ? s->second : 1.0f / s->second;
      qName = s->first;
    }
  }
  Value q = f32Tensor(g, qName);
  if (!q || tensorType(q).getRank() != rank)
    return false;
  // k^T: undo the last transpose, folding it into the one before.
  Value k;
  SmallVector<int64_t> swap;
  for (int64_t i = 0; i < rank; ++i)
    swap.push_back(i);
  std::swap(swap[rank - 1], swap[rank - 2]);
  if (const Node *t = def(g, qk->input(1), "Transpose")) {
    SmallVector<int64_t> perm;
    for (const auto &a : t->attribute())
      if (a.name() == "perm")
        perm.assign(a.ints().begin(), a.ints().end());
    Value src = f32Tensor(g, t->input(0));
    if (!src || tensorType(src).getRank() != rank ||
        (int64_t)perm.size() != rank)
      return false;
    SmallVector<int64_t> composed;
    bool identity = true;
    for (int64_t i = 0; i < rank; ++i) {
      composed.push_back(perm[swap[i]]);
      identity &= composed.back() == i;
    }
    k = identity ? src : seq::createTranspose(g.builder, g.loc, src, composed);
  } else {
    Value kt = f32Tensor(g, qk->input(1));
    if (!kt || tensorType(kt).getRank() != rank)
      return false;
    k = seq::createTranspose(g.builder, g.loc, kt, swap);
  }
  if (rank == 3) {
    q = addHeadDim(g, q);
    k = addHeadDim(g, k);
    v = addHeadDim(g, v);
    // The mask broadcasts against the [N, Lq, Lk] scores; a rank-3 one (the
    // [B*H, 1, S] key-padding mask nn.MultiheadAttention exports) gets the
    // head dimension at the same place as q, k and v. Lower ranks align on
    // the right either way.
    if (mask && tensorType(mask).getRank() == 3)
      mask = addHeadDim(g, mask);
  }
  RankedTensorType qt = tensorType(q), vt = tensorType(v);
  auto type = RankedTensorType::get(
      {qt.getDimSize(0), qt.getDimSize(1), qt.getDimSize(2), vt.getDimSize(3)},
      g.builder.getF32Type());
  seq::CausalAlignmentAttr causalAttr;
  if (causal)
    causalAttr = seq::CausalAlignmentAttr::get(g.context,
                                               seq::CausalAlignment::top_left);
  Value out = seq::AttentionOp::create(g.builder, g.loc, type, q, k, v, mask,
                                       /*relative_bias=*/Value(), causalAttr,
                                       DenseI64ArrayAttr(),
                                       g.builder.getF32FloatAttr(scale),
                                       /*alibi_slopes=*/DenseF32ArrayAttr())
                  .getResult();
  if (rank == 3)
    out = tensor::CollapseShapeOp::create(
        g.builder, g.loc, out,
        SmallVector<ReassociationIndices>{{0, 1}, {2}, {3}});
  g.setOutput(0, out);
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
  if (op == "Mul")
    raised = raiseGelu(g, n);
  else if (op == "Add")
    raised = raiseLinear(g, n) || raiseLayerNorm(g, n);
  else if (op == "Div")
    raised = raiseLayerNorm(g, n);
  else if (op == "MatMul")
    raised = raiseAttention(g, n);
  return success();
}

} // namespace seqc::onnx_import
