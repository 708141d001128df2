//===- FillPadBorders.cpp - a tensor.pad as its borders and its source ---===//
//
// See the pass description in Passes.td.
//
//===----------------------------------------------------------------------===//

#include "compiler/Transforms/Passes.h"

#include "mlir/Dialect/Arith/Utils/Utils.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"

#define DEBUG_TYPE "seqc-fill-pad-borders"

namespace seqc {
#define GEN_PASS_DEF_FILLPADBORDERSPASS
#include "compiler/Transforms/Passes.h.inc"
} // namespace seqc

using namespace mlir;

namespace {

/// x + y, folded where one is zero or both are constants.
OpFoldResult add(OpBuilder &b, Location loc, OpFoldResult x, OpFoldResult y) {
  if (isZeroInteger(x))
    return y;
  if (isZeroInteger(y))
    return x;
  std::optional<int64_t> cx = getConstantIntValue(x),
                         cy = getConstantIntValue(y);
  if (cx && cy)
    return b.getIndexAttr(*cx + *cy);
  return arith::AddIOp::create(b, loc,
                               getValueOrCreateConstantIndexOp(b, loc, x),
                               getValueOrCreateConstantIndexOp(b, loc, y))
      .getResult();
}

/// %r = tensor.pad %src low[l] high[h] { yield %c }
///   -> %e = tensor.empty; each border slab of %e filled with %c
///      (extract_slice, linalg.fill, insert_slice: written in place);
///      %r = tensor.insert_slice %src into the rest.
/// The slabs of one dimension span every other dimension whole, so the
/// corners are filled once per padded dimension they touch.
void fillBorders(tensor::PadOp pad, Value padValue, OpBuilder &b) {
  Location loc = pad.getLoc();
  Value source = pad.getSource();
  RankedTensorType type = pad.getResultType();
  int64_t rank = type.getRank();
  SmallVector<OpFoldResult> low = pad.getMixedLowPad();
  SmallVector<OpFoldResult> high = pad.getMixedHighPad();
  SmallVector<OpFoldResult> sourceSizes = tensor::getMixedSizes(b, loc, source);
  SmallVector<OpFoldResult> sizes;
  for (int64_t d = 0; d < rank; ++d)
    sizes.push_back(
        type.isDynamicDim(d)
            ? add(b, loc, add(b, loc, low[d], sourceSizes[d]), high[d])
            : b.getIndexAttr(type.getDimSize(d)));
  Value result = tensor::EmptyOp::create(b, loc, sizes, type.getElementType());
  SmallVector<OpFoldResult> unitStrides(rank, b.getIndexAttr(1));
  auto fillSlab = [&](int64_t d, OpFoldResult offset, OpFoldResult extent) {
    SmallVector<OpFoldResult> offsets(rank, b.getIndexAttr(0));
    SmallVector<OpFoldResult> slabSizes(sizes);
    offsets[d] = offset;
    slabSizes[d] = extent;
    Value slab = tensor::ExtractSliceOp::create(b, loc, result, offsets,
                                                slabSizes, unitStrides);
    Value filled =
        linalg::FillOp::create(b, loc, ValueRange{padValue}, ValueRange{slab})
            .getResult(0);
    result = tensor::InsertSliceOp::create(b, loc, filled, result, offsets,
                                           slabSizes, unitStrides);
  };
  for (int64_t d = 0; d < rank; ++d) {
    if (!isZeroInteger(low[d]))
      fillSlab(d, b.getIndexAttr(0), low[d]);
    // The high slab starts past the low padding and the source.
    if (!isZeroInteger(high[d]))
      fillSlab(d, add(b, loc, low[d], sourceSizes[d]), high[d]);
  }
  result = tensor::InsertSliceOp::create(b, loc, source, result, low,
                                         sourceSizes, unitStrides);
  if (result.getType() != type)
    result = tensor::CastOp::create(b, loc, type, result);
  pad.replaceAllUsesWith(result);
  pad.erase();
}

struct FillPadBordersPass
    : seqc::impl::FillPadBordersPassBase<FillPadBordersPass> {
  using Base::Base;
  void runOnOperation() override {
    SmallVector<tensor::PadOp> pads;
    getOperation()->walk([&](tensor::PadOp pad) {
      // A padding value that depends on the position (a region computing
      // it) is left to bufferization's own lowering.
      if (pad.getConstantPaddingValue())
        pads.push_back(pad);
    });
    OpBuilder b(&getContext());
    for (tensor::PadOp pad : pads) {
      b.setInsertionPoint(pad);
      fillBorders(pad, pad.getConstantPaddingValue(), b);
    }
  }
};

} // namespace
