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

#include <optional>


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

/// "f32", "i64", "bool": how messages name element types.
std::string elementName(mlir::Type t);

/// A value of the model and the names of its dimensions ("" where none).
struct Val {
  Value value;
  SmallVector<std::string> dims;
  RankedTensorType type() const {
    return mlir::cast<RankedTensorType>(value.getType());
  }
  int64_t rank() const { return type().getRank(); }
};

/// torch.result_type of two tensors' element types (PyTorch's type
/// promotion, torch/csrc/.../ScalarType.h promoteTypes): a float over an
/// integer over bool, the wider of two of one kind, f32 for f16 with bf16.
mlir::Type promoteTensorTypes(mlir::Builder &b, mlir::Type x, mlir::Type y);

/// torch.result_type of two tensors, one of them maybe 0-d (`xZeroDim`,
/// `yZeroDim`): a 0-d tensor decides only when its kind (float over
/// integer over bool) is above the other's (an i32 [T] plus an i64 0-d is
/// i32, plus an f32 0-d is f32), as c10's ResultTypeState ranks
/// dimensioned over zero-dim tensors.
mlir::Type promoteTensorTypes(mlir::Builder &b, mlir::Type x, bool xZeroDim,
                              mlir::Type y, bool yZeroDim);

/// torch.result_type of a tensor of element type `tensor` and a Python
/// number (`floatScalar`: a float literal): the tensor's type, unless the
/// number is of a higher kind (a float with integer or bool data gives the
/// default dtype f32; an integer with bool data gives i64).
mlir::Type promoteWithScalar(mlir::Builder &b, mlir::Type tensor, bool floatScalar);

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
  /// The layer statements in the order resolve() emits them, each after
  /// the statements it reads (a depth-first walk, without recursion: a
  /// file of 20,000 statements written last-first does not nest 20,000
  /// calls). A cycle fails, as resolve() would report it.
  FailureOr<std::vector<const LayerStmt *>>
  orderLayers(const std::vector<LayerStmt> &all);
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
  /// The value a KwType::Value keyword names, or null when not given.
  const Val *valueKw(StringRef name) const;
  /// The state_dict prefix of the current layer.
  std::string prefix() const { return nameKw("name", current->name); }

  // Diagnostics about values and weights.
  std::string describe(const Val &v, StringRef name) const;
  /// Weight `P.suffix` of the current layer (prefix P).
  FailureOr<WeightTensor> weight(StringRef suffix);
  /// The weight called `name` in the state_dict.
  FailureOr<WeightTensor> weightNamed(const std::string &name);
  /// Weight `suffix` of rank `rank`; otherwise "weight 'P.suffix' is
  /// [..] but <owner>'s <suffix> is <what>".
  FailureOr<WeightTensor> weightOfRank(StringRef suffix, int64_t rank,
                                       StringRef owner, StringRef what);
  LogicalResult expectShape(const WeightTensor &w, ArrayRef<int64_t> expected,
                            StringRef why, StringRef hint = "");
  LogicalResult checkKwAgainst(StringRef kw, int64_t fromWeights,
                               const WeightTensor &w, StringRef what);
  LogicalResult expectFloat(const Val &v, int64_t rank, StringRef what);
  /// Warns when operand `operand`, `x`, names its first two dimensions
  /// the other way round from the layout the layer reads (a batch-like
  /// name where the layer reads time, and a time-like one where it reads
  /// batch): the layer would silently mix the batch into the sequence.
  /// `hasOption` says whether batch_first can change the layout.
  void warnIfLayoutSwapped(const Val &x, unsigned operand, bool batchFirst,
                           bool hasOption);
  /// The current layer's batch_first keyword for operand `operand` (`x`),
  /// with warnIfLayoutSwapped's warning.
  bool batchFirstFor(const Val &x, unsigned operand);
  /// Warns when the weights file has a recurrence's reverse direction or
  /// deeper layers that its keywords leave unread.
  void warnIfMoreRecurrence(bool bidirectional, int64_t numLayers);
  /// Whether x's first two dimension names say [batch, time, ...].
  static bool namesBatchFirst(const Val &x);
  FailureOr<int64_t> staticDim(const Val &v, int64_t dim, StringRef what);

  // Builders.
  /// Where the ops being emitted come from: the current layer statement, or
  /// `scanPos` while a scan block (not a layer) emits its own ops.
  Location here() { return loc(current ? current->layerPos : scanPos); }
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
  FailureOr<Val> emitPosEncoding(const Val &x);
  FailureOr<int64_t> positionalEmbedSize(const Val &x, bool batchFirst);
  Val addPerStep(const Val &x, Value table, int64_t timeDim);
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
  /// mha: self- or cross-attention (operands[1] the key/value input).
  FailureOr<Val> emitAttention(ArrayRef<Val> operands);
  /// The q, k, v projection weights (and biases) and the output projection
  /// of an mha layer: nn.MultiheadAttention's packed in_proj_weight, its
  /// separate q/k/v_proj_weight, or the four (or fused two) linears
  /// weights_from names.
  struct AttentionWeights {
    WeightTensor q, k, v, out;
    std::optional<WeightTensor> qBias, kBias, vBias, outBias;
  };
  FailureOr<AttentionWeights> attentionWeights(int64_t embed, int64_t kvEmbed);
  /// relative_attention_bias=NAME: seq.attention's [heads, 2R + 1] table of
  /// NAME.weight's rows by T5's buckets of each distance -R .. R (R =
  /// relative_attention_max_distance).
  FailureOr<Value> relativeBiasTable(const Argument &layer, int64_t heads,
                                     bool bidirectional);
  /// weights_from=[qkv, output]: one projection whose rows are q, k and v
  /// (heads, kv_heads, kv_heads heads of one size), split; `matrix` and
  /// `vector` read a layer's weight (transposed for fan_in_fan_out) and
  /// bias.
  FailureOr<AttentionWeights> fusedAttentionWeights(
      const std::string &qkv, const std::string &output,
      llvm::function_ref<FailureOr<WeightTensor>(const std::string &)> matrix,
      llvm::function_ref<FailureOr<WeightTensor>(const std::string &)> vector,
      int64_t embed);
  /// The mask seq.attention applies for mha's key_padding_mask and
  /// attn_mask keywords (null when neither is given).
  FailureOr<Value> attentionMask(const Val &query, const Val &keys,
                                 int64_t heads);
  /// The [L, D] cos and sin tables of rotary position embedding for the
  /// steps of dimension `timeDim` of `positionsOf` (rope_theta, head size
  /// `d`): the first `rotary` (even, <= d) features rotate with the
  /// frequencies of a `rotary`-feature embedding (feature i with frequency
  /// i mod R/2 in the rotate_half layout, i / 2 in rotate_every_two), the
  /// others by angle 0 (cos 1, sin 0).
  std::pair<Value, Value> ropeTables(const Val &positionsOf, int64_t timeDim,
                                     int64_t d, int64_t rotary,
                                     bool everyTwo);
  /// Rotary position embedding (RoFormer, Su et al. 2021) of a [B, H, L,
  /// D] projection, on its first `rotary` features (GPT-NeoX's partial
  /// rotary; the rest pass through), with each feature's partner in
  /// Hugging Face LLaMA's rotate_half layout (i and i + R/2) or, with
  /// `everyTwo`, GPT-J's rotate_every_two (2j and 2j + 1).
  Value applyRope(Value projected, Value cos, Value sin, int64_t rotary,
                  bool everyTwo);
  // Scan blocks (ScanBlocks.cpp).
  /// Emits `scan` as one seq.scan and defines its NAME.field values.
  LogicalResult emitScan(const ScanStmt &scan);
  FailureOr<Val> emitZeros(const Val &like);
  // Value ops (ValueOps.cpp).
  /// x.to(dtype): f32, i64, i32 or bool, with PyTorch's conversions.
  FailureOr<Val> emitTo(const Val &x);
  FailureOr<Val> emitParameter();
  FailureOr<Val> emitMatmul(const Val &a, const Val &bv);
  FailureOr<Val> emitCumSum(const Val &x);
  /// Comparisons, logical ops, where and masked_fill.
  FailureOr<Val> emitSelection(ArrayRef<Val> operands);
  FailureOr<Val> emitSequenceMask(const Val &lengths, const Val &like);
  /// The numpy broadcast of `operands` (all of the current layer's
  /// operands, for messages): the result shape, its dimension names, each
  /// operand's dimension map (as `elementwise` takes it) and the result's
  /// dynamic sizes (tensor.dim ops, unless `emitSizes` is false).
  struct Broadcast {
    SmallVector<int64_t> shape;
    SmallVector<std::string> dims;
    SmallVector<SmallVector<int64_t>> maps;
    SmallVector<Value> dynamicSizes;
  };
  FailureOr<Broadcast> broadcast(ArrayRef<Val> operands, bool emitSizes = true);
  /// One linalg.generic over the numpy broadcast of `operands` whose body
  /// maps their elements to a `resultElt` element; the result keeps the
  /// broadcast's dimension names.
  FailureOr<Val>
  mapBroadcast(ArrayRef<Val> operands, Type resultElt,
               llvm::function_ref<Value(OpBuilder &, Location, mlir::ValueRange)>
                   body);
  /// A linalg.generic over `shape` reading `ins` through `dimMaps` (as
  /// `elementwise`) whose body `body` maps the operands' elements to the
  /// result element (of type `resultElt`).
  Value mapElements(ArrayRef<Value> ins, ArrayRef<SmallVector<int64_t>> dimMaps,
                    ArrayRef<int64_t> outShape, ArrayRef<Value> outDyn,
                    Type resultElt,
                    llvm::function_ref<Value(OpBuilder &, Location, mlir::ValueRange)>
                        body);
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
  // Activations and pointwise math (MathOps.cpp).
  /// The seq.activation of layer kind `kind` with the current keywords, or
  /// none where a generic computes it.
  std::optional<seq::ActivationAttr> activationOf(StringRef kind);
  FailureOr<Val> emitMath(ArrayRef<Val> operands);
  FailureOr<Val> emitMinMax(ArrayRef<Val> operands);
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
  /// The last entry of dimension `dim` of `x` (x[-1] along it; with
  /// `keepDim`, x[-1:], a dimension of size 1); a run-time extent of 0 is
  /// refused at run time, a static one at compile time.
  FailureOr<Val> lastAlong(const Val &x, int64_t dim, bool keepDim);
  FailureOr<Val> emitTranspose(const Val &x);
  FailureOr<Val> emitPermute(const Val &x);
  FailureOr<Val> emitReshape(const Val &x);
  // Parts of values (Slicing.cpp).
  /// x[..., start:end:step] along `dim` (step >= 1; no `end`: to the end),
  /// with Python's clamping of the bounds; a fixed extent's empty slice is
  /// an error.
  FailureOr<Val> sliceAlong(const Val &x, int64_t dim, int64_t start,
                            std::optional<int64_t> end, int64_t step);
  FailureOr<Val> emitSlice(const Val &x);
  FailureOr<Val> emitFlip(const Val &x);
  FailureOr<Val> emitGlu(const Val &x);
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
  Pos scanPos;
  /// The scan that defines each NAME.field value, and each scan's progress
  /// (1 emitting, 2 done).
  llvm::StringMap<const ScanStmt *> scanFields;
  llvm::DenseMap<const ScanStmt *, int> scanProgress;
  /// The values the current layer's KwType::Value keywords name.
  llvm::StringMap<Val> valueKeywords;
};

} // namespace md
} // namespace seqc

#endif // SEQC_COMPILER_IMPORT_MODELDESCRIPTION_EMITTER_H
