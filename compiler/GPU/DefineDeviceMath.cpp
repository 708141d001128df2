//===- DefineDeviceMath.cpp - libdevice's one-instruction functions ------===//

#include "compiler/GPU/Passes.h"

#include "llvm/ADT/StringSwitch.h"

#include <functional>

#define DEBUG_TYPE "seqc-define-device-math"

namespace seqc {
#define GEN_PASS_DEF_DEFINEDEVICEMATHPASS
#include "compiler/GPU/Passes.h.inc"
} // namespace seqc

using namespace mlir;

namespace {

/// The body of a libdevice function from its arguments.
using Body = std::function<Value(OpBuilder &, Location, ValueRange)>;

template <typename OpTy>
static Body unary() {
  return [](OpBuilder &b, Location loc, ValueRange args) -> Value {
    return OpTy::create(b, loc, args[0]);
  };
}

template <typename OpTy>
static Body binary() {
  return [](OpBuilder &b, Location loc, ValueRange args) -> Value {
    return OpTy::create(b, loc, args[0], args[1]);
  };
}

static Body reciprocalSqrt() {
  return [](OpBuilder &b, Location loc, ValueRange args) -> Value {
    Type type = args[0].getType();
    Value one = LLVM::ConstantOp::create(b, loc, type,
                                         b.getFloatAttr(type, 1.0));
    return LLVM::FDivOp::create(b, loc, one,
                                LLVM::SqrtOp::create(b, loc, args[0]));
  };
}

static Body fusedMultiplyAdd() {
  return [](OpBuilder &b, Location loc, ValueRange args) -> Value {
    return LLVM::FMAOp::create(b, loc, args[0], args[1], args[2]);
  };
}

/// libdevice's name without `__nv_` and a trailing `f` (its f32 variant)
/// -> the body both variants share.
static Body bodyOf(StringRef name) {
  name.consume_front("__nv_");
  if (name.ends_with("f"))
    name = name.drop_back();
  return llvm::StringSwitch<Body>(name)
      .Case("fabs", unary<LLVM::FAbsOp>())
      .Case("floor", unary<LLVM::FFloorOp>())
      .Case("ceil", unary<LLVM::FCeilOp>())
      .Case("trunc", unary<LLVM::FTruncOp>())
      .Case("round", unary<LLVM::RoundOp>())
      .Case("rint", unary<LLVM::RintOp>())
      .Case("sqrt", unary<LLVM::SqrtOp>())
      .Case("rsqrt", reciprocalSqrt())
      .Case("copysign", binary<LLVM::CopySignOp>())
      .Case("fmin", binary<LLVM::MinNumOp>())
      .Case("fmax", binary<LLVM::MaxNumOp>())
      .Case("fma", fusedMultiplyAdd())
      .Default(Body());
}

struct DefineDeviceMathPass
    : seqc::impl::DefineDeviceMathPassBase<DefineDeviceMathPass> {
  using Base::Base;

  void runOnOperation() override {
    OpBuilder builder(&getContext());
    for (auto func : getOperation().getOps<LLVM::LLVMFuncOp>()) {
      if (!func.isExternal() || !func.getName().starts_with("__nv_"))
        continue;
      Body body = bodyOf(func.getName());
      LLVM::LLVMFunctionType type = func.getFunctionType();
      // Every variant takes and returns one float type.
      Type result = type.getReturnType();
      if (!body || !isa<FloatType>(result) ||
          llvm::any_of(type.getParams(),
                       [&](Type param) { return param != result; }))
        continue;
      Block *entry = func.addEntryBlock(builder);
      OpBuilder b = OpBuilder::atBlockEnd(entry);
      Value value = body(b, func.getLoc(), entry->getArguments());
      LLVM::ReturnOp::create(b, func.getLoc(), value);
      func.setLinkage(LLVM::Linkage::Internal);
    }
  }
};

} // namespace
