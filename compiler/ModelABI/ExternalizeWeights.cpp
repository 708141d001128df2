//===- ExternalizeWeights.cpp - move weights out of the object ----------===//
//
// By default a model's weights are constants embedded in the object. With
// external weights they become trailing `seq.weight` arguments of the entry
// instead, and their values go to a safetensors file that the runtime
// memory-maps when the model is created (Passes.td).
//
//===----------------------------------------------------------------------===//

#include "compiler/ModelABI/ModelAbi.h"
#include "compiler/ModelABI/Passes.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/IR/BuiltinAttributes.h"

#include "seqc/model.h"
#include "seqc/safetensors.h"

#include "llvm/Support/Endian.h"

#define DEBUG_TYPE "seqc-externalize-weights"

namespace seqc {
#define GEN_PASS_DEF_EXTERNALIZEWEIGHTSPASS
#include "compiler/ModelABI/Passes.h.inc"
} // namespace seqc

using namespace mlir;

namespace {

struct Weight {
  std::string name;
  std::string dtype; // safetensors dtype: F32 or F64
  SmallVector<int64_t> shape;
  std::vector<char> bytes;
};

/// The little-endian bytes of a float constant, or failure for types the
/// file does not carry.
LogicalResult serialize(DenseElementsAttr attr, Weight &weight) {
  Type elementType = attr.getElementType();
  if (elementType.isF32()) {
    weight.dtype = "F32";
    for (APFloat v : attr.getValues<APFloat>()) {
      uint32_t bits = static_cast<uint32_t>(v.bitcastToAPInt().getZExtValue());
      char out[4];
      llvm::support::endian::write32le(out, bits);
      weight.bytes.insert(weight.bytes.end(), out, out + 4);
    }
    return success();
  }
  if (elementType.isF64()) {
    weight.dtype = "F64";
    for (APFloat v : attr.getValues<APFloat>()) {
      uint64_t bits = v.bitcastToAPInt().getZExtValue();
      char out[8];
      llvm::support::endian::write64le(out, bits);
      weight.bytes.insert(weight.bytes.end(), out, out + 8);
    }
    return success();
  }
  return failure();
}

/// Through the runtime's safetensors writer, the one that
/// seqc_rt_model_open_weights' reader is tested against.
LogicalResult writeSafetensors(StringRef path, ArrayRef<Weight> weights,
                               std::string &error) {
  std::vector<seqc_tensor> tensors(weights.size());
  std::vector<const char *> names;
  for (auto [i, w] : llvm::enumerate(weights)) {
    if (w.shape.size() > SEQC_MAX_RANK) {
      error = "weight '" + w.name + "' has rank " +
              std::to_string(w.shape.size()) + ", more than the " +
              std::to_string(SEQC_MAX_RANK) + " the runtime supports";
      return failure();
    }
    seqc_rt_tensor_init(&tensors[i], const_cast<char *>(w.bytes.data()),
                        w.dtype == "F64" ? SEQC_DTYPE_F64 : SEQC_DTYPE_F32,
                        static_cast<int64_t>(w.shape.size()), w.shape.data());
    names.push_back(w.name.c_str());
  }
  std::string file = path.str();
  seqc_error err;
  if (seqc_rt_safetensors_write(file.c_str(), weights.size(), names.data(),
                                tensors.data(), &err) != SEQC_OK) {
    error = err.message;
    return failure();
  }
  return success();
}

/// Replaces every floating-point `arith.constant` in `func` with at least
/// `minElements` elements by a new argument named `weight<k>` and, unless
/// `path` is empty, writes the values to the safetensors file `path`.
LogicalResult externalizeWeights(func::FuncOp func, StringRef path,
                                 int64_t minElements) {
  MLIRContext *ctx = func.getContext();
  SmallVector<arith::ConstantOp> constants;
  func.walk([&](arith::ConstantOp op) {
    auto attr = dyn_cast<DenseElementsAttr>(op.getValue());
    if (attr && isa<FloatType>(attr.getElementType()) &&
        attr.getNumElements() >= minElements &&
        (attr.getElementType().isF32() || attr.getElementType().isF64()))
      constants.push_back(op);
  });

  std::vector<Weight> weights;
  for (arith::ConstantOp op : constants) {
    auto attr = cast<DenseElementsAttr>(op.getValue());
    Weight w;
    w.name = "weight" + std::to_string(weights.size());
    w.shape.assign(attr.getType().getShape().begin(),
                   attr.getType().getShape().end());
    if (failed(serialize(attr, w)))
      continue;
    unsigned index = func.getNumArguments();
    NamedAttrList attrs;
    attrs.append("seq.name", StringAttr::get(ctx, w.name));
    attrs.append("seq.weight", UnitAttr::get(ctx));
    if (failed(func.insertArgument(index, op.getType(),
                                   attrs.getDictionary(ctx), op.getLoc())))
      return failure();
    op.getResult().replaceAllUsesWith(func.getArgument(index));
    op.erase();
    weights.push_back(std::move(w));
  }

  // No weights: no file (the runtime would refuse it, and the header's
  // create takes no path).
  if (weights.empty()) {
    if (!path.empty())
      func.emitWarning() << "--external-weights: the model has no f32 or f64 "
                            "constant to move to a file, so no weights file "
                            "is written and the model opens without one";
    return success();
  }
  std::string error;
  if (!path.empty() && failed(writeSafetensors(path, weights, error)))
    return func.emitError() << error;
  return success();
}

struct ExternalizeWeightsPass
    : seqc::impl::ExternalizeWeightsPassBase<ExternalizeWeightsPass> {
  using Base::Base;
  void runOnOperation() override {
    FailureOr<func::FuncOp> entry = seqc::getModelEntry(getOperation());
    if (failed(entry) ||
        failed(externalizeWeights(*entry, weightsFile, minElements)))
      signalPassFailure();
  }
};

} // namespace
