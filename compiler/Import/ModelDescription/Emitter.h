//===- Emitter.h - the .seq emitter shared by its source files --*- C++ -*-===//
//
// Internal to the model description front end: ModelDescription.cpp walks
// the layer DAG and owns the helpers; LayerEmitters.cpp emits each layer
// kind.
//
//===----------------------------------------------------------------------===//

#ifndef SEQC_COMPILER_IMPORT_MODELDESCRIPTION_EMITTER_H
#define SEQC_COMPILER_IMPORT_MODELDESCRIPTION_EMITTER_H

#include "compiler/Import/ModelDescription/Layers.h"
#include "compiler/Import/ModelDescription/Parser.h"
#include "compiler/Import/ModelDescription/Weights.h"
#include "dialects/Seq/IR/SeqOps.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/IR/Builders.h"
#include "mlir/IR/BuiltinTypes.h"
#include "mlir/IR/Diagnostics.h"
#include "mlir/IR/Verifier.h"
#include "mlir/Support/FileUtilities.h"

#include "llvm/ADT/StringMap.h"
#include "llvm/Support/Path.h"


namespace seqc {
namespace md {

// The MLIR names this internal header uses (no using-directive in headers).
using mlir::ArrayRef;
using mlir::FailureOr;
using mlir::FileLineColLoc;
using mlir::InFlightDiagnostic;
using mlir::Location;
using mlir::LogicalResult;
using mlir::MLIRContext;
using mlir::ModuleOp;
using mlir::OpBuilder;
using mlir::OpFoldResult;
using mlir::OwningOpRef;
using mlir::RankedTensorType;
using mlir::SmallVector;
using mlir::StringRef;
using mlir::Type;
using mlir::Value;

//===----------------------------------------------------------------------===//
// Emitter
//===----------------------------------------------------------------------===//

/// A value of the model and the names of its dimensions ("" where none).
struct Val {
  Value value;
  SmallVector<std::string> dims;
  RankedTensorType type() const {
    return mlir::cast<RankedTensorType>(value.getType());
  }
  int64_t rank() const { return type().getRank(); }
};

class Emitter {
public:
  Emitter(const ModelDescription &md, StringRef path, MLIRContext *ctx,
          Weights &weights)
      : md(md), path(path), ctx(ctx), weights(weights), b(ctx) {}

  OwningOpRef<ModuleOp> emit();

private:
  Location loc(Pos p) { return FileLineColLoc::get(ctx, path, p.line, p.col); }
  InFlightDiagnostic error(Pos p) { return mlir::emitError(loc(p)); }

  FailureOr<Val> resolve(const std::string &name, Pos use);
  FailureOr<Val> emitLayer(const LayerStmt &layer, ArrayRef<Val> operands);

  // Keywords (already type-checked).
  const Argument *keyword(StringRef name) const;
  int64_t intKw(StringRef name, int64_t dflt) const {
    const Argument *a = keyword(name);
    return a ? a->value.intValue : dflt;
  }
  double floatKw(StringRef name, double dflt) const {
    const Argument *a = keyword(name);
    return a ? a->value.floatValue : dflt;
  }
  bool boolKw(StringRef name, bool dflt) const {
    const Argument *a = keyword(name);
    return a ? a->value.boolValue : dflt;
  }
  std::string nameKw(StringRef name, StringRef dflt) const {
    const Argument *a = keyword(name);
    return a ? a->value.text : dflt.str();
  }
  /// The state_dict prefix of the current layer.
  std::string prefix() const { return nameKw("name", current->name); }

  // Diagnostics about values and weights.
  std::string describe(const Val &v, StringRef name) const;
  FailureOr<WeightTensor> weight(StringRef suffix);
  /// Weight `suffix` of rank `rank`; otherwise "weight 'P.suffix' is
  /// [..] but <owner>'s <suffix> is <what>".
  FailureOr<WeightTensor> weightOfRank(StringRef suffix, int64_t rank,
                                       StringRef owner, StringRef what);
  LogicalResult expectShape(const WeightTensor &w, ArrayRef<int64_t> expected,
                            StringRef why);
  LogicalResult checkKwAgainst(StringRef kw, int64_t fromWeights,
                               const WeightTensor &w, StringRef what);
  LogicalResult expectFloat(const Val &v, int64_t rank, StringRef what);
  FailureOr<int64_t> staticDim(const Val &v, int64_t dim, StringRef what);

  // Builders.
  Location here() { return loc(current->layerPos); }
  Value constant(ArrayRef<int64_t> shape, ArrayRef<float> data);
  Value dimValue(Value v, int64_t dim);
  OpFoldResult dimFold(Value v, int64_t dim);
  Value emptyTensor(ArrayRef<int64_t> shape, ArrayRef<Value> dynSizes,
                    Type elt);
  Val transpose(const Val &v, ArrayRef<int64_t> perm);
  Val linearOp(const Val &x, const WeightTensor &w, const WeightTensor *bias);

  // Layers.
  FailureOr<Val> emitRecurrence(ArrayRef<Val> operands);
  LogicalResult checkInitialState(const Val &s, unsigned operand, int64_t rows,
                                  const Val &x, int64_t batchDim, int64_t size);
  Value initialState(const Val &s, int64_t layer, int64_t numDirs,
                     RankedTensorType opType, bool batchFirst);
  FailureOr<Val> resolveState(const std::string &name, Pos use);
  FailureOr<Val> emitRmsNorm(const Val &x);
  FailureOr<Val> emitPosEmbedding(const Val &x);
  /// A linalg.generic adding or multiplying `ins`: dimension j of operand k
  /// follows output dimension dimMaps[k][j], or is a size-1 dimension read
  /// at index 0 where that is -1.
  Value elementwise(StringRef op, ArrayRef<Value> ins,
                    ArrayRef<SmallVector<int64_t>> dimMaps,
                    ArrayRef<int64_t> outShape, ArrayRef<Value> outDyn);
  FailureOr<Val> emitLinear(const Val &x);
  FailureOr<Val> emitLayerNorm(const Val &x);
  FailureOr<Val> emitEmbedding(const Val &x);
  FailureOr<Val> emitConv1d(const Val &x);
  FailureOr<Val> emitAttention(const Val &x);
  FailureOr<Val> emitLinearAttention(const Val &x);
  /// A [B, L, E] projection as [B, heads, L, E / heads].
  Value splitHeads(const Val &projected, int64_t heads);
  /// [B, heads, L, D] back to [B, L, heads * D], with the dims of `like`.
  Val mergeHeads(Value attended, const Val &like);
  FailureOr<Val> emitMamba(const Val &x);
  FailureOr<Val> emitNtm(const Val &x);
  FailureOr<Val> emitRwkvTimeMix(const Val &x);
  FailureOr<Val> emitRwkvChannelMix(const Val &x);
  /// Weight `suffix` of the given shape ([1, 1, C] time_mix accepted as
  /// [C]); `why` names what needs that shape.
  FailureOr<WeightTensor> rwkvWeight(StringRef suffix, ArrayRef<int64_t> shape,
                                     StringRef why);
  /// RWKV's token shift of a [B, C, T] input: mix * x_t + (1 - mix) *
  /// x_{t-1}, as [B, T, C].
  Val tokenShiftMix(const Val &channelsFirst, const WeightTensor &mix);
  FailureOr<Val> emitElementwise(ArrayRef<Val> operands);
  FailureOr<Val> emitConcat(ArrayRef<Val> operands);
  FailureOr<Val> emitSoftmax(const Val &x);
  FailureOr<Val> emitLogSoftmax(const Val &x);
  /// sum, mean, max over `dim` (keepdim).
  FailureOr<Val> emitReduction(const Val &x);
  /// A sum (of exp(x - shift) with `shift`) or max of `x` over `dim`,
  /// which the result drops.
  Value reduceAlong(Value x, int64_t dim, StringRef kind,
                    Value shift = Value());
  FailureOr<Val> emitLast(const Val &x);
  FailureOr<Val> emitTranspose(const Val &x);
  FailureOr<Val> emitPermute(const Val &x);
  FailureOr<Val> emitReshape(const Val &x);
  FailureOr<int64_t> normalizeDim(int64_t dim, int64_t rank, StringRef kw);

  const ModelDescription &md;
  StringRef path;
  MLIRContext *ctx;
  Weights &weights;
  OpBuilder b;

  llvm::StringMap<Val> values;
  llvm::StringMap<const LayerStmt *> layers;
  llvm::StringMap<int> state; // 1 visiting, 2 done
  std::vector<std::string> stack;
  const LayerStmt *current = nullptr;
};

} // namespace md
} // namespace seqc

#endif // SEQC_COMPILER_IMPORT_MODELDESCRIPTION_EMITTER_H
