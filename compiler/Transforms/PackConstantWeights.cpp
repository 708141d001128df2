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

/// The f32 value of `v` if it is a constant of static shape, or a static
/// slice of one (a recurrence's per-direction weights: slices of the
/// [D, G*H, I] constant).
DenseElementsAttr constantValue(Value v) {
  DenseElementsAttr whole;
  if (matchPattern(v, m_Constant(&whole))) {
    auto type = cast<ShapedType>(whole.getType());
    return type.getElementType().isF32() && type.hasStaticShape()
               ? whole
               : DenseElementsAttr();
  }
  auto slice = v.getDefiningOp<tensor::ExtractSliceOp>();
  if (!slice || !slice.hasUnitStride() ||
      ShapedType::isDynamicShape(slice.getStaticOffsets()) ||
      ShapedType::isDynamicShape(slice.getStaticSizes()) ||
      !slice.getType().hasStaticShape())
    return {};
  DenseElementsAttr source = constantValue(slice.getSource());
  if (!source)
    return {};
  // The slice's elements in row-major order of its (unreduced) sizes.
  ArrayRef<int64_t> shape = source.getType().getShape();
  ArrayRef<int64_t> offsets = slice.getStaticOffsets(),
                    sizes = slice.getStaticSizes();
  auto values = source.getValues<float>();
  std::vector<float> result;
  result.reserve(slice.getType().getNumElements());
  SmallVector<int64_t> index(sizes.size(), 0);
  for (int64_t i = 0, e = slice.getType().getNumElements(); i < e; ++i) {
    int64_t flat = 0;
    for (size_t d = 0; d < sizes.size(); ++d)
      flat = flat * shape[d] + offsets[d] + index[d];
    result.push_back(values[flat]);
    for (int64_t d = sizes.size() - 1; d >= 0; --d) {
      if (++index[d] < sizes[d])
        break;
      index[d] = 0;
    }
  }
  return DenseElementsAttr::get(slice.getType(), ArrayRef<float>(result));
}

/// The constant w of a marked linear contraction on tensors, with loops
/// (l..., n, k), x (l..., k), w (n, k), y (l..., n); null if `op` is not
/// one (attention's q k^T, a run-time or external weight, another dtype).
/// The weight may be a static slice of a constant.
DenseElementsAttr linearWeight(linalg::GenericOp op) {
  auto rowMajor = [](unsigned loops, AffineExpr n, AffineExpr k) {
    return AffineMap::get(loops, 0, {n, k}, n.getContext());
  };
  if (!op->hasAttr("seq.contraction") || !op.hasPureTensorSemantics() ||
      !isLinearContraction(op, rowMajor))
    return {};
  return constantValue(op.getDpsInputs()[1]);
}

/// w [N, K] as [ceil(N / NR), K, NR], zero-padded.
DenseElementsAttr pack(DenseElementsAttr w, int64_t panelWidth) {
  ArrayRef<int64_t> shape = cast<RankedTensorType>(w.getType()).getShape();
  int64_t cols = shape[0], depth = shape[1];
  int64_t panels = llvm::divideCeil(cols, panelWidth);
  std::vector<float> packed(panels * depth * panelWidth, 0.0f);
  auto values = w.getValues<float>();
  for (int64_t n = 0; n < cols; ++n)
    for (int64_t k = 0; k < depth; ++k)
      packed[((n / panelWidth) * depth + k) * panelWidth + n % panelWidth] =
          values[n * depth + k];
  auto type = RankedTensorType::get({panels, depth, panelWidth},
                                    w.getElementType());
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
      DenseElementsAttr w = linearWeight(op);
      // Fewer columns than a panel (a classifier head, a gate of width 1)
      // would be mostly padding, in memory and in FMAs: the dot-product
      // kernel does better.
      if (!w || w.getType().getDimSize(0) < panelWidth)
        return;
      LLVM_DEBUG(llvm::dbgs()
                 << "[" DEBUG_TYPE "] " << op.getLoc() << ": packing a "
                 << w.getType() << " weight in panels of " << panelWidth
                 << " columns\n");
      OpBuilder b(op);
      Value packed =
          arith::ConstantOp::create(b, op.getLoc(), pack(w, panelWidth));
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
