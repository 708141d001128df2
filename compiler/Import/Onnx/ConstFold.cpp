//===- ConstFold.cpp - integer ops on known constants --------------------===//
//
// PyTorch's exporter computes some attributes at run time from constants:
// F.pad's pads, for one, come out of ConstantOfShape -> Concat -> Reshape
// -> Slice (step -1) -> Transpose -> Reshape -> Cast. When every input of an
// integer op is a known constant, the op is evaluated here, so the consumer
// sees a constant of the right shape.
//
//===----------------------------------------------------------------------===//

#include "compiler/Import/Onnx/GraphImporter.h"

#include "llvm/Support/MathExtras.h"

#include <limits>

#include "mlir/Dialect/Utils/StaticValueUtils.h"

using namespace mlir;

namespace seqc::onnx_import {
namespace {

struct IntArray {
  SmallVector<int64_t> shape;
  SmallVector<int64_t> data;
  int64_t rank() const { return shape.size(); }
};

/// The most elements an integer constant may have to be folded here.
constexpr int64_t kMaxFoldedElements = int64_t(1) << 16;

std::optional<IntArray> constInts(GraphImporter &g, unsigned i) {
  const OnnxValue *v = g.input(i);
  if (!v)
    return std::nullopt;
  IntArray a;
  // Shape arithmetic is small; a large constant is data, left to the ops.
  if (v->constant && v->constant.getElementType().isInteger(64) &&
      v->constant.getNumElements() <= kMaxFoldedElements) {
    auto t = v->constant.getType();
    a.shape.assign(t.getShape().begin(), t.getShape().end());
    for (int64_t x : v->constant.getValues<int64_t>())
      a.data.push_back(x);
    return a;
  }
  if (v->elements && !v->boolean) {
    for (OpFoldResult e : *v->elements) {
      std::optional<int64_t> c = getConstantIntValue(e);
      if (!c)
        return std::nullopt;
      a.data.push_back(*c);
    }
    if (!v->shape.empty())
      a.shape.assign(v->shape.begin(), v->shape.end());
    else if (!v->scalar)
      a.shape.push_back(a.data.size());
    return a;
  }
  return std::nullopt;
}

SmallVector<int64_t> stridesOf(ArrayRef<int64_t> shape) {
  SmallVector<int64_t> s(shape.size(), 1);
  for (int64_t i = (int64_t)shape.size() - 2; i >= 0; --i)
    s[i] = s[i + 1] * shape[i + 1];
  return s;
}

/// The element count of `shape`, or -1 when it overflows int64 (a folded
/// shape read from the model may hold anything).
int64_t numElements(ArrayRef<int64_t> shape) {
  int64_t n = 1;
  for (int64_t d : shape)
    if (d < 0 || llvm::MulOverflow(n, d, n))
      return -1;
  return n;
}

/// Calls `fn(index)` for each multi-index of `shape`, row-major.
void forEachIndex(ArrayRef<int64_t> shape,
                  function_ref<void(ArrayRef<int64_t>)> fn) {
  int64_t n = numElements(shape);
  SmallVector<int64_t> idx(shape.size(), 0);
  for (int64_t k = 0; k < n; ++k) {
    fn(idx);
    for (int64_t d = (int64_t)shape.size() - 1; d >= 0; --d) {
      if (++idx[d] < shape[d])
        break;
      idx[d] = 0;
    }
  }
}

std::optional<IntArray> evaluate(GraphImporter &g, StringRef op) {
  unsigned n = g.node->input_size();
  SmallVector<IntArray> in;
  for (unsigned i = 0; i < n; ++i) {
    if (g.node->input(i).empty()) {
      in.emplace_back();
      continue;
    }
    auto a = constInts(g, i);
    if (!a)
      return std::nullopt;
    in.push_back(*a);
  }
  if (in.empty())
    return std::nullopt;
  IntArray &x = in[0];
  if (op == "Cast") {
    int64_t to = g.intAttr("to", 0);
    if (to != onnx::TensorProto::INT64 && to != onnx::TensorProto::INT32)
      return std::nullopt;
    return x;
  }
  if (op == "Reshape") {
    if (n < 2 || in[1].rank() != 1)
      return std::nullopt;
    SmallVector<int64_t> shape;
    int64_t infer = -1, known = 1;
    for (auto [i, d] : llvm::enumerate(in[1].data)) {
      if (d == 0 && g.intAttr("allowzero", 0) == 0) {
        if ((int64_t)i >= x.rank())
          return std::nullopt;
        d = x.shape[i];
      }
      if (d == -1) {
        if (infer >= 0)
          return std::nullopt;
        infer = i;
        shape.push_back(1);
        continue;
      }
      if (d < 0 || llvm::MulOverflow(known, d, known))
        return std::nullopt;
      shape.push_back(d);
    }
    if (infer >= 0) {
      if (known == 0 || (int64_t)x.data.size() % known)
        return std::nullopt;
      shape[infer] = x.data.size() / known;
    }
    if (numElements(shape) != (int64_t)x.data.size())
      return std::nullopt;
    x.shape = shape;
    return x;
  }
  if (op == "Transpose") {
    SmallVector<int64_t> perm;
    if (auto p = g.intsAttr("perm"))
      perm = *p;
    else
      for (int64_t i = x.rank() - 1; i >= 0; --i)
        perm.push_back(i);
    if ((int64_t)perm.size() != x.rank())
      return std::nullopt;
    IntArray out;
    SmallVector<bool> seen(x.rank(), false);
    for (int64_t p : perm) {
      // Not a permutation: left to the op's importer, which says so.
      if (p < 0 || p >= x.rank() || seen[p])
        return std::nullopt;
      seen[p] = true;
      out.shape.push_back(x.shape[p]);
    }
    SmallVector<int64_t> st = stridesOf(x.shape);
    forEachIndex(out.shape, [&](ArrayRef<int64_t> idx) {
      int64_t off = 0;
      for (size_t d = 0; d < idx.size(); ++d)
        off += idx[d] * st[perm[d]];
      out.data.push_back(x.data[off]);
    });
    return out;
  }
  if (op == "Slice") {
    if (n < 3 || x.rank() == 0)
      return std::nullopt;
    const IntArray &starts = in[1], &ends = in[2];
    size_t k = starts.data.size();
    if (ends.data.size() != k)
      return std::nullopt;
    SmallVector<int64_t> axes, steps(k, 1);
    if (n > 3 && !in[3].data.empty())
      axes = in[3].data;
    else
      for (size_t i = 0; i < k; ++i)
        axes.push_back(i);
    if (n > 4 && !in[4].data.empty())
      steps = in[4].data;
    if (axes.size() != k || steps.size() != k)
      return std::nullopt;
    SmallVector<int64_t> begin(x.rank(), 0), step(x.rank(), 1),
        size(x.shape.begin(), x.shape.end());
    for (size_t i = 0; i < k; ++i) {
      int64_t a = axes[i] < 0 ? axes[i] + x.rank() : axes[i];
      int64_t st = steps[i];
      // Validate before indexing; INT64_MIN has no negation.
      if (a < 0 || a >= x.rank() || st == 0 ||
          st == std::numeric_limits<int64_t>::min())
        return std::nullopt;
      int64_t dim = x.shape[a];
      // Clamp first: a start or end near INT64_MIN plus dim must not wrap.
      int64_t s = std::clamp<int64_t>(starts.data[i], -dim - 1, dim + 1);
      int64_t e = std::clamp<int64_t>(ends.data[i], -dim - 1, dim + 1);
      if (s < 0)
        s += dim;
      if (e < 0)
        e += dim;
      if (st > 0) {
        s = std::clamp<int64_t>(s, 0, dim);
        e = std::clamp<int64_t>(e, 0, dim);
        size[a] = e > s ? 1 + (e - s - 1) / st : 0;
      } else {
        s = std::clamp<int64_t>(s, -1, dim - 1);
        e = std::clamp<int64_t>(e, -1, dim - 1);
        size[a] = s > e ? 1 + (s - e - 1) / (-st) : 0;
      }
      begin[a] = s;
      step[a] = st;
    }
    IntArray out;
    out.shape = size;
    SmallVector<int64_t> st = stridesOf(x.shape);
    forEachIndex(size, [&](ArrayRef<int64_t> idx) {
      int64_t off = 0;
      for (size_t d = 0; d < idx.size(); ++d)
        off += (begin[d] + idx[d] * step[d]) * st[d];
      out.data.push_back(x.data[off]);
    });
    return out;
  }
  return std::nullopt;
}

} // namespace

LogicalResult foldIntegerOp(GraphImporter &g, StringRef op, bool &handled) {
  handled = false;
  if (op != "Cast" && op != "Reshape" && op != "Transpose" && op != "Slice")
    return success();
  // Only values of rank 2 or more need this; rank 0/1 shape arithmetic is
  // handled (symbolically) by the tensor ops.
  std::optional<IntArray> r = evaluate(g, op);
  if (!r)
    return success();
  bool wide = false;
  for (unsigned i = 0; i < (unsigned)g.node->input_size(); ++i)
    if (auto a = constInts(g, i); a && a->rank() >= 2 && i == 0)
      wide = true;
  if (!wide && r->rank() < 2 && op != "Slice")
    return success();
  OnnxValue v;
  v.constant = DenseElementsAttr::get(
      RankedTensorType::get(r->shape, g.builder.getI64Type()),
      ArrayRef<int64_t>(r->data));
  g.setOutput(0, v);
  handled = true;
  return success();
}

} // namespace seqc::onnx_import
