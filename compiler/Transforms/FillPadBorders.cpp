//===- FillPadBorders.cpp - a tensor.pad as its borders and its source ---===//
//
// See the pass description in Passes.td.
//
//===----------------------------------------------------------------------===//

#include "compiler/Transforms/Passes.h"

#include "mlir/Dialect/Arith/Utils/Utils.h"

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
void fillBorders(tensor::PadOp pad, Value padValue, IRRewriter &rewriter) {
  Location loc = pad.getLoc();
  rewriter.setInsertionPoint(pad);
  // A constant defined in the pad's body goes with it: the fills get a
  // copy of it.
  if (pad.getRegion().isAncestor(padValue.getParentRegion()))
    padValue = rewriter.clone(*padValue.getDefiningOp())->getResult(0);
  Value source = pad.getSource();
  RankedTensorType type = pad.getResultType();
  int64_t rank = type.getRank();
  SmallVector<OpFoldResult> low = pad.getMixedLowPad();
  SmallVector<OpFoldResult> high = pad.getMixedHighPad();
  SmallVector<OpFoldResult> sourceSizes =
      tensor::getMixedSizes(rewriter, loc, source);
  // Where each dimension's high slab starts, and the result's sizes (low +
  // source + high; static ones from the type).
  SmallVector<OpFoldResult> highStarts, sizes;
  for (int64_t d = 0; d < rank; ++d) {
    highStarts.push_back(add(rewriter, loc, low[d], sourceSizes[d]));
    sizes.push_back(type.isDynamicDim(d)
                        ? add(rewriter, loc, highStarts.back(), high[d])
                        : rewriter.getIndexAttr(type.getDimSize(d)));
  }
  Value result =
      tensor::EmptyOp::create(rewriter, loc, sizes, type.getElementType());
  SmallVector<OpFoldResult> unitStrides(rank, rewriter.getIndexAttr(1));
  auto fillSlab = [&](int64_t d, OpFoldResult offset, OpFoldResult extent) {
    SmallVector<OpFoldResult> offsets(rank, rewriter.getIndexAttr(0));
    SmallVector<OpFoldResult> slabSizes(sizes);
    offsets[d] = offset;
    slabSizes[d] = extent;
    Value slab = tensor::ExtractSliceOp::create(rewriter, loc, result, offsets,
                                                slabSizes, unitStrides);
    Value filled = linalg::FillOp::create(rewriter, loc, ValueRange{padValue},
                                          ValueRange{slab})
                       .getResult(0);
    result = tensor::InsertSliceOp::create(rewriter, loc, filled, result,
                                           offsets, slabSizes, unitStrides);
  };
  for (int64_t d = 0; d < rank; ++d) {
    if (!isZeroInteger(low[d]))
      fillSlab(d, rewriter.getIndexAttr(0), low[d]);
    if (!isZeroInteger(high[d]))
      fillSlab(d, highStarts[d], high[d]);
  }
  result = tensor::InsertSliceOp::create(rewriter, loc, source, result, low,
                                         sourceSizes, unitStrides);
  if (result.getType() != type)
    result = tensor::CastOp::create(rewriter, loc, type, result);
  rewriter.replaceOp(pad, result);
}

struct FillPadBordersPass
    : seqc::impl::FillPadBordersPassBase<FillPadBordersPass> {
  using Base::Base;
  void runOnOperation() override {
    SmallVector<std::pair<tensor::PadOp, Value>> pads;
    getOperation()->walk([&](tensor::PadOp pad) {
      // A padding value that depends on the position (a region computing
      // it) is left to bufferization's own lowering, and a `nofold` pad
      // (a copy asked for) as it is.
      if (pad.getNofold())
        return;
      if (Value value = pad.getConstantPaddingValue())
        pads.push_back({pad, value});
    });
    IRRewriter rewriter(&getContext());
    for (auto [pad, value] : pads)
      fillBorders(pad, value, rewriter);
  }
};

} // namespace
