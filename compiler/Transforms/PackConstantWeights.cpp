//===- PackConstantWeights.cpp - weights in the GEMM microkernel's layout -===//
//
// A linear layer's contraction y[l..., n] += x[l..., k] * w[n, k] reads w
// (PyTorch's [out_features, in_features]) along k. The GEMM microkernel
// (seqc-lower-packed-contractions) wants the opposite: per step of k, a
// contiguous run of NR consecutive columns n, and the next step's run right
// after it, so the whole K x NR panel it walks is one stream that stays in
// cache while rows of x pass over it (BLIS's packed B panel; Goto and van
// de Geijn, "Anatomy of High-Performance Matrix Multiplication", 2008).
// When w is a constant, that packing costs nothing at run time: it is done
// here, once, at compile time:
//
//   packed[j, k, c] = w[j * NR + c, k]   (0 past the last column)
//
// and the contraction reads packed[n floordiv NR, k, n mod NR] instead of
// w[n, k], which is the same value: the op stays a correct linalg.generic
// whichever later pass lowers it.
//
//===----------------------------------------------------------------------===//

#include "compiler/Transforms/ContractionForms.h"
#include "compiler/Transforms/Passes.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"

#include "llvm/Support/Debug.h"

#define DEBUG_TYPE "seqc-pack-constant-weights"

namespace seqc {
#define GEN_PASS_DEF_PACKCONSTANTWEIGHTSPASS
#include "compiler/Transforms/Passes.h.inc"
} // namespace seqc

using namespace mlir;
using seqc::isLinearContraction;

namespace {

/// A constant's f32 elements in row-major order, with its static shape:
/// the attribute's own storage, or a copy (a slice, a splat).
struct ConstantFloats {
  SmallVector<int64_t> shape;
  ArrayRef<float> storage;
  std::vector<float> copy;
  const float *data() const {
    return copy.empty() ? storage.data() : copy.data();
  }
};

/// The elements of `v` if it is an f32 constant of static shape, or a
/// static slice of one (a recurrence's per-direction weights: slices of
/// the [D, G*H, I] constant). Copied from the attribute's raw storage in
/// contiguous runs: element-wise access through getValues costs more than
/// the rest of the pass on a model's megabytes of weights.
std::optional<ConstantFloats> constantValue(Value v) {
  DenseElementsAttr whole;
  if (matchPattern(v, m_Constant(&whole))) {
    auto type = cast<ShapedType>(whole.getType());
    if (!type.getElementType().isF32() || !type.hasStaticShape())
      return std::nullopt;
    ConstantFloats result{SmallVector<int64_t>(type.getShape()), {}, {}};
    if (whole.isSplat()) {
      result.copy.assign(type.getNumElements(), whole.getSplatValue<float>());
    } else {
      ArrayRef<char> raw = whole.getRawData();
      result.storage = ArrayRef<float>(
          reinterpret_cast<const float *>(raw.data()), type.getNumElements());
    }
    return result;
  }
  auto slice = v.getDefiningOp<tensor::ExtractSliceOp>();
  if (!slice || !slice.hasUnitStride() ||
      ShapedType::isDynamicShape(slice.getStaticOffsets()) ||
      ShapedType::isDynamicShape(slice.getStaticSizes()) ||
      !slice.getType().hasStaticShape())
    return std::nullopt;
  std::optional<ConstantFloats> source = constantValue(slice.getSource());
  if (!source)
    return std::nullopt;
  // The slice's elements in row-major order of its (unreduced) sizes: one
  // copy per run along the innermost dim.
  ArrayRef<int64_t> shape = source->shape;
  ArrayRef<int64_t> offsets = slice.getStaticOffsets(),
                    sizes = slice.getStaticSizes();
  ConstantFloats result{
      SmallVector<int64_t>(slice.getType().getShape()), {}, {}};
  result.copy.reserve(slice.getType().getNumElements());
  if (slice.getType().getNumElements() == 0)
    return result;
  size_t rank = sizes.size();
  int64_t run = sizes.back();
  SmallVector<int64_t> index(rank, 0);
  while (true) {
    int64_t flat = 0;
    for (size_t d = 0; d < rank; ++d)
      flat = flat * shape[d] + offsets[d] + index[d];
    const float *begin = source->data() + flat;
    result.copy.insert(result.copy.end(), begin, begin + run);
    int64_t d = static_cast<int64_t>(rank) - 2;
    for (; d >= 0; --d) {
      if (++index[d] < sizes[d])
        break;
      index[d] = 0;
    }
    if (d < 0)
      return result;
  }
}

/// The constant w of a marked linear contraction on tensors, with loops
/// (l..., n, k), x (l..., k), w (n, k), y (l..., n); none if `op` is not
/// one (attention's q k^T, a run-time or external weight, another dtype).
/// The weight may be a static slice of a constant.
std::optional<ConstantFloats> linearWeight(linalg::GenericOp op) {
  auto rowMajor = [](unsigned loops, AffineExpr n, AffineExpr k) {
    return AffineMap::get(loops, 0, {n, k}, n.getContext());
  };
  if (!op->hasAttr("seq.contraction") || !op.hasPureTensorSemantics() ||
      !isLinearContraction(op, rowMajor))
    return std::nullopt;
  return constantValue(op.getDpsInputs()[1]);
}

/// w [N, K] as [ceil(N / NR), K, NR], zero-padded.
DenseElementsAttr pack(const ConstantFloats &w, int64_t panelWidth,
                       Type elementType) {
  int64_t cols = w.shape[0], depth = w.shape[1];
  int64_t panels = llvm::divideCeil(cols, panelWidth);
  std::vector<float> packed(panels * depth * panelWidth, 0.0f);
  for (int64_t n = 0; n < cols; ++n) {
    const float *row = w.data() + n * depth;
    float *column =
        packed.data() + (n / panelWidth) * depth * panelWidth + n % panelWidth;
    for (int64_t k = 0; k < depth; ++k)
      column[k * panelWidth] = row[k];
  }
  auto type = RankedTensorType::get({panels, depth, panelWidth}, elementType);
  return DenseElementsAttr::get(type, ArrayRef<float>(packed));
}

struct PackConstantWeightsPass
    : seqc::impl::PackConstantWeightsPassBase<PackConstantWeightsPass> {
  using Base::Base;
  void runOnOperation() override {
    if (panelWidth < 1) {
      getOperation()->emitError()
          << "seqc-pack-constant-weights: panel-width must be >= 1";
      return signalPassFailure();
    }
    getOperation()->walk([&](linalg::GenericOp op) {
      std::optional<ConstantFloats> w = linearWeight(op);
      // Fewer columns than a panel (a classifier head, a gate of width 1)
      // would be mostly padding, in memory and in FMAs: the dot-product
      // kernel does better.
      if (!w || w->shape[0] < panelWidth)
        return;
      LLVM_DEBUG(llvm::dbgs()
                 << "[" DEBUG_TYPE "] " << op.getLoc() << ": packing a "
                 << w->shape[0] << "x" << w->shape[1] << " weight in panels of "
                 << panelWidth << " columns\n");
      OpBuilder b(op);
      Value packed = arith::ConstantOp::create(
          b, op.getLoc(), pack(*w, panelWidth, b.getF32Type()));
      unsigned loops = op.getNumLoops();
      AffineExpr n = b.getAffineDimExpr(loops - 2),
                 k = b.getAffineDimExpr(loops - 1);
      SmallVector<AffineMap> maps = op.getIndexingMapsArray();
      maps[1] = AffineMap::get(
          loops, 0, {n.floorDiv(panelWidth), k, n % panelWidth},
          b.getContext());
      op->setOperand(1, packed);
      op.setIndexingMapsAttr(b.getAffineMapArrayAttr(maps));
    });
  }
};

} // namespace
