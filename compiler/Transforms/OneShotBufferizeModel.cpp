//===- OneShotBufferizeModel.cpp - one-shot bufferization, seqc's boundaries =//
//
// See the pass description in Passes.td: upstream one-shot-bufferize with
// function boundaries, whose options cannot give functions different
// boundary layouts; this pass runs the same module bufferization with a
// type converter that does.
//
//===----------------------------------------------------------------------===//

#include "compiler/Transforms/Passes.h"

#include "mlir/Dialect/Bufferization/IR/BufferizableOpInterface.h"
#include "mlir/Dialect/Bufferization/IR/Bufferization.h"
#include "mlir/Dialect/Bufferization/Transforms/OneShotAnalysis.h"
#include "mlir/Dialect/Bufferization/Transforms/OneShotModuleBufferize.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"

#define DEBUG_TYPE "seqc-one-shot-bufferize"

namespace seqc {
#define GEN_PASS_DEF_ONESHOTBUFFERIZEMODELPASS
#include "compiler/Transforms/Passes.h.inc"
} // namespace seqc

using namespace mlir;
using namespace mlir::bufferization;

namespace {

/// memref<[shape], strided<[?, ..., ?, 1], offset: ?>>: any view whose
/// innermost dimension is contiguous, what the vector code needs.
MemRefType getUnitInnerStrideType(RankedTensorType type,
                                  Attribute memorySpace) {
  SmallVector<int64_t> strides(type.getRank(), ShapedType::kDynamic);
  strides.back() = 1;
  auto layout =
      StridedLayoutAttr::get(type.getContext(), ShapedType::kDynamic, strides);
  return MemRefType::get(type.getShape(), type.getElementType(), layout,
                         memorySpace);
}

struct OneShotBufferizeModelPass
    : seqc::impl::OneShotBufferizeModelPassBase<OneShotBufferizeModelPass> {
  using Base::Base;

  void getDependentDialects(DialectRegistry &registry) const override {
    registry.insert<BufferizationDialect, memref::MemRefDialect>();
  }

  void runOnOperation() override {
    OneShotBufferizationOptions options;
    options.bufferizeFunctionBoundaries = true;
    // A time loop may still yield a state that is new each step (a
    // seq.scan written by hand; the named recurrences update theirs in
    // place).
    options.allowReturnAllocsFromLoops = true;
    // The model entries take and return plain contiguous memrefs: that is
    // the descriptor layout the runtime builds. A function marked
    // kStridedArgumentsAttr takes views as they are (a cast, no copy);
    // its results get the layout of what it returns (a fresh buffer's
    // identity layout), which the casts to the converter's type are folded
    // back to.
    options.functionArgTypeConverterFn =
        [](TensorLikeType type, Attribute memorySpace, func::FuncOp func,
           const BufferizationOptions &) -> BufferLikeType {
      auto ranked = dyn_cast<RankedTensorType>(type);
      if (ranked && ranked.getRank() > 0 &&
          func->hasAttr(seqc::kStridedArgumentsAttr))
        return cast<BufferLikeType>(
            getUnitInnerStrideType(ranked, memorySpace));
      return cast<BufferLikeType>(getMemRefTypeWithStaticIdentityLayout(
          cast<TensorType>(type), memorySpace));
    };
    options.inferFunctionResultLayout = true;
    // The layout of a buffer asked for before its producer is bufferized,
    // when the analysis cannot tell (upstream's default is fully dynamic).
    // The flash attention's scf.if over its two loop nests is asked for by
    // its first branch's yield before the second branch exists, and both
    // yield the identity layout of their fresh buffers: with a fully dynamic
    // guess, its result was such a view, and a function returning it copied
    // it into a contiguous buffer. A guess that turns out wrong costs a
    // copy there, never a wrong result (a view is cast to a more general
    // layout only).
    options.unknownTypeConverterFn = [](TensorType type, Attribute memorySpace,
                                        const BufferizationOptions &) {
      return getMemRefTypeWithStaticIdentityLayout(type, memorySpace);
    };
    // A buffer of a strided type is allocated contiguous and cast to it:
    // castOrReallocMemRefValue copies a view that cannot be cast (one whose
    // innermost stride is not 1, into a kernel's argument) into a new
    // buffer of the argument's type, and memref.alloc makes only
    // identity layouts.
    options.allocationFn = [](OpBuilder &b, Location loc, MemRefType type,
                              ValueRange dynamicSizes,
                              unsigned alignment) -> FailureOr<Value> {
      auto contiguous =
          MemRefType::get(type.getShape(), type.getElementType(),
                          MemRefLayoutAttrInterface(), type.getMemorySpace());
      IntegerAttr align =
          alignment != 0 ? b.getI64IntegerAttr(alignment) : IntegerAttr();
      Value buffer =
          memref::AllocOp::create(b, loc, contiguous, dynamicSizes, align);
      if (contiguous == type)
        return buffer;
      return memref::CastOp::create(b, loc, type, buffer).getResult();
    };
    BufferizationState state;
    if (failed(runOneShotModuleBufferize(getOperation(), options, state)))
      signalPassFailure();
  }
};

} // namespace
