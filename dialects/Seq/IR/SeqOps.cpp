//===- SeqOps.cpp - seq attention, convolution and glue ops -------------===//

#include "dialects/Seq/IR/SeqOps.h"
#include "dialects/Seq/IR/SeqVerifyUtils.h"

#include "mlir/IR/Builders.h"
#include "mlir/IR/Matchers.h"
#include "mlir/IR/PatternMatch.h"
#include "mlir/IR/TypeUtilities.h"
#include "mlir/IR/OpImplementation.h"

using namespace mlir;
using namespace seqc::seq;

#define GET_OP_CLASSES
#include "dialects/Seq/IR/SeqOps.cpp.inc"

//===----------------------------------------------------------------------===//
// AttentionOp
//===----------------------------------------------------------------------===//

LogicalResult AttentionOp::verify() {
  Operation *op = getOperation();
  for (auto [name, value] : {std::pair<const char *, Value>{"query", getQuery()},
                             {"key", getKey()},
                             {"value", getValue()},
                             {"result", getResult()}}) {
    if (cast<RankedTensorType>(value.getType()).getRank() != 4)
      return emitOpError() << "'" << name
                           << "' must have rank 4 (B x heads x L x D), found "
                           << value.getType();
    if (failed(verifySameElementType(op, name, getQuery().getType(),
                                     value.getType())))
      return failure();
  }
  Type q = getQuery().getType(), k = getKey().getType();
  int64_t b = dimOf(q, 0), hq = dimOf(q, 1), lq = dimOf(q, 2),
          d = dimOf(q, 3);
  int64_t hkv = dimOf(k, 1), lk = dimOf(k, 2);
  int64_t dv = dimOf(getValue().getType(), 3);
  if (failed(verifyShape(op, "key", k,
                         {{b, "B"}, {hkv, "Hkv"}, {lk, "Lk"}, {d, "D"}})) ||
      failed(verifyShape(op, "value", getValue().getType(),
                         {{b, "B"}, {hkv, "Hkv"}, {lk, "Lk"}, {dv, "Dv"}})) ||
      failed(verifyShape(op, "result", getResult().getType(),
                         {{b, "B"}, {hq, "Hq"}, {lq, "Lq"}, {dv, "Dv"}})))
    return failure();
  if (failed(verifyNonZeroSizes(op, {{hq, "the query head count Hq"},
                                     {hkv, "the key/value head count Hkv"},
                                     {d, "the head size D"},
                                     {dv, "the value head size Dv"}})))
    return failure();
  if (!ShapedType::isDynamic(hq) && !ShapedType::isDynamic(hkv) &&
      hq % hkv != 0)
    return emitOpError() << "query heads (" << hq
                         << ") must be a multiple of key/value heads (" << hkv
                         << ")";

  if (Value mask = getMask()) {
    auto maskType = cast<RankedTensorType>(mask.getType());
    Type elementType = maskType.getElementType();
    if (!elementType.isInteger(1) &&
        elementType != getElementTypeOrSelf(q))
      return emitOpError() << "'mask' must be i1 (keep where true) or "
                           << getElementTypeOrSelf(q)
                           << " (added to the scores), found " << elementType;
    int64_t scores[4] = {b, hq, lq, lk};
    const char *names[4] = {"B", "Hq", "Lq", "Lk"};
    int64_t rank = maskType.getRank();
    if (rank < 2 || rank > 4)
      return emitOpError() << "'mask' must have rank 2 to 4 (broadcast to "
                              "B x Hq x Lq x Lk), found "
                           << maskType;
    for (int64_t i = 0; i < rank; ++i) {
      int64_t found = maskType.getDimSize(i);
      int64_t expected = scores[4 - rank + i];
      // A dynamic extent is read with the scores' index: against a score
      // dimension of 1 it could only ever be 1 (a larger one would be
      // silently cut), so it must say so.
      if (ShapedType::isDynamic(found) && expected == 1)
        return emitOpError() << "'mask' dimension " << i
                             << " is dynamic, but " << names[4 - rank + i]
                             << " is 1: give the mask a static 1 there";
      if (found == 1 || ShapedType::isDynamic(found) ||
          ShapedType::isDynamic(expected) || found == expected)
        continue;
      return emitOpError() << "'mask' dimension " << i << " (" << found
                           << ") must be 1 or " << names[4 - rank + i] << " ("
                           << expected << ")";
    }
  }

  if (std::optional<ArrayRef<int64_t>> window = getWindow()) {
    if (window->size() != 2)
      return emitOpError() << "'window' must be [left, right], found "
                           << window->size() << " value(s)";
    if ((*window)[0] < -1 || (*window)[1] < -1)
      return emitOpError()
             << "'window' sides must be >= 0, or -1 for unbounded";
    if ((*window)[0] == -1 && (*window)[1] == -1)
      return emitOpError() << "'window' is unbounded on both sides; omit it";
    // The lowerings compute p(i) - left and p(i) + right in i64 index
    // arithmetic; with both terms below 2^62 (tensor extents are far
    // smaller) no sum can wrap. A side longer than the keys is -1 anyway.
    constexpr int64_t kMaxWindowSide = (int64_t(1) << 62) - 1;
    if ((*window)[0] > kMaxWindowSide || (*window)[1] > kMaxWindowSide)
      return emitOpError() << "'window' sides must be below 2^62 (use -1 "
                              "for an unbounded side)";
  }
  if (std::optional<APFloat> scale = getScale()) {
    float value = scale->convertToFloat();
    if (!(value > 0.0f && std::isfinite(value)))
      return emitOpError() << "'scale' must be positive and finite, found "
                           << value;
  }
  if (std::optional<APFloat> cap = getSoftcap()) {
    float value = cap->convertToFloat();
    if (!(value > 0.0f && std::isfinite(value)))
      return emitOpError() << "'softcap' must be positive and finite, found "
                           << value;
  }
  if (std::optional<APFloat> floor = getMinRowMax();
      floor && !floor->isFinite())
    return emitOpError() << "'min_row_max' must be finite, found "
                         << floor->convertToFloat();
  if (Value table = getRelativeBias()) {
    // [Hq, 2R + 1]: one bias per head and clipped distance j - p(i).
    auto tableType = cast<RankedTensorType>(table.getType());
    if (tableType.getRank() != 2)
      return emitOpError() << "'relative_bias' must be a [Hq, 2R + 1] table, "
                              "found "
                           << tableType;
    if (failed(verifySameElementType(op, "relative_bias", q, tableType)))
      return failure();
    // Read with the head and a clamped distance: no extent is left to
    // check at run time.
    int64_t rows = tableType.getDimSize(0), columns = tableType.getDimSize(1);
    if (ShapedType::isDynamic(hq) || rows != hq)
      return emitOpError() << "'relative_bias' must have one row per query "
                              "head, a static number, found "
                           << tableType << " for " << q;
    if (ShapedType::isDynamic(columns) || columns % 2 == 0)
      return emitOpError() << "'relative_bias' must have a static, odd "
                              "number of columns (distances -R .. R), found "
                           << tableType;
  }
  if (std::optional<ArrayRef<float>> slopes = getAlibiSlopes()) {
    // One slope per query head: the lowerings index it with the head.
    if (ShapedType::isDynamic(hq))
      return emitOpError() << "'alibi_slopes' needs a static number of query "
                              "heads";
    if (static_cast<int64_t>(slopes->size()) != hq)
      return emitOpError() << "'alibi_slopes' must have one slope per query "
                              "head (" << hq << "), found " << slopes->size();
    for (float slope : *slopes)
      if (!std::isfinite(slope))
        return emitOpError() << "'alibi_slopes' must be finite, found "
                             << slope;
  }
  return success();
}

void AttentionOp::getDimensionTies(SmallVectorImpl<DimensionTie> &ties) {
  // The verifier's rule: q [B, Hq, Lq, D], k [B, Hkv, Lk, D],
  // v [B, Hkv, Lk, Dv], result [B, Hq, Lq, Dv].
  Value q = getQuery(), k = getKey(), v = getValue(), out = getResult();
  for (Value other : {k, v, out})
    addTie(ties, q, 0, other, 0);
  addTie(ties, q, 1, out, 1);
  addTie(ties, q, 2, out, 2);
  addTie(ties, q, 3, k, 3);
  addTie(ties, k, 1, v, 1);
  addTie(ties, k, 2, v, 2);
  addTie(ties, v, 3, out, 3);
  // The mask broadcasts to [B, Hq, Lq, Lk] from the right; its dimensions
  // that are not a static 1 are read with the scores' indices.
  if (Value mask = getMask()) {
    auto maskType = cast<RankedTensorType>(mask.getType());
    int64_t offset = 4 - maskType.getRank();
    Value partner[4] = {q, q, q, k};
    int64_t partnerDim[4] = {0, 1, 2, 2};
    for (int64_t i = 0; i < maskType.getRank(); ++i)
      if (maskType.getDimSize(i) != 1)
        addTie(ties, mask, i, partner[offset + i], partnerDim[offset + i]);
  }
}

//===----------------------------------------------------------------------===//
// Conv1dOp
//===----------------------------------------------------------------------===//

void Conv1dOp::getDimensionTies(SmallVectorImpl<DimensionTie> &ties) {
  addTie(ties, getInput(), 0, getResult(), 0);
  // Stride 1 with all the window's reach padded (causally, or split
  // between the sides) keeps the length: Tout = T + left + right -
  // dilation * (K - 1) = T.
  if (getLengthChange() == 0)
    addTie(ties, getInput(), 2, getResult(), 2);
}

std::optional<int64_t> Conv1dOp::getLengthChange() {
  auto weight = cast<RankedTensorType>(getWeight().getType());
  if (getStride() != 1 || weight.isDynamicDim(2))
    return std::nullopt;
  auto [left, right] = getPaddingSizes();
  return left + right -
         static_cast<int64_t>(getDilation()) * (weight.getDimSize(2) - 1);
}

std::pair<int64_t, int64_t> Conv1dOp::getPaddingSizes() {
  if (getCausal()) {
    int64_t kernel = dimOf(getWeight().getType(), 2);
    return {getDilation() * (kernel - 1), 0};
  }
  if (DenseI64ArrayAttr padding = getPaddingAttr();
      padding && padding.size() == 2)
    return {padding[0], padding[1]};
  return {0, 0};
}

LogicalResult Conv1dOp::verify() {
  Operation *op = getOperation();
  Type input = getInput().getType(), weight = getWeight().getType();
  if (cast<RankedTensorType>(input).getRank() != 3)
    return emitOpError() << "'input' must have rank 3 (B x Cin x T), found "
                         << input;
  if (cast<RankedTensorType>(weight).getRank() != 3)
    return emitOpError()
           << "'weight' must have rank 3 (Cout x Cin/groups x K), found "
           << weight;
  int64_t groups = getGroups();
  // Window arithmetic (t * stride + k * dilation, T + padding) must stay far
  // from 64-bit overflow: bound the attributes as the hidden size is.
  constexpr int64_t kMaxAttr = (int64_t(1) << 31) - 1;
  for (auto [name, value] : {std::pair<const char *, int64_t>{"stride", getStride()},
                             {"dilation", getDilation()},
                             {"groups", groups}})
    if (value > kMaxAttr)
      return emitOpError() << "'" << name << "' must be at most " << kMaxAttr
                           << ", found " << value;
  if (std::optional<ArrayRef<int64_t>> padding = getPadding())
    for (int64_t side : *padding)
      if (side > kMaxAttr)
        return emitOpError() << "'padding' must be at most " << kMaxAttr
                             << " on each side, found " << side;
  int64_t b = dimOf(input, 0), cin = dimOf(input, 1), t = dimOf(input, 2);
  int64_t cout = dimOf(weight, 0), k = dimOf(weight, 2);
  if (k == 0) // torch refuses a kernel of size 0 too
    return emitOpError() << "the kernel has no taps: 'weight' is " << weight;
  if (failed(verifyNonZeroSizes(op, {{cin, "the input channel count Cin"},
                                     {cout, "the output channel count Cout"}})))
    return failure();
  if (!ShapedType::isDynamic(cin) && cin % groups != 0)
    return emitOpError() << "input channels (" << cin
                         << ") must be divisible by groups (" << groups << ")";
  if (!ShapedType::isDynamic(cout) && cout % groups != 0)
    return emitOpError() << "output channels (" << cout
                         << ") must be divisible by groups (" << groups << ")";
  int64_t cinPerGroup =
      ShapedType::isDynamic(cin) ? ShapedType::kDynamic : cin / groups;
  if (failed(verifyShape(op, "weight", weight,
                         {{cout, "Cout"},
                          {cinPerGroup, "Cin/groups"},
                          {k, "K"}})))
    return failure();
  if (getBias() &&
      failed(verifyShape(op, "bias", getBias().getType(), {{cout, "Cout"}})))
    return failure();
  if (std::optional<ArrayRef<int64_t>> padding = getPadding()) {
    if (getCausal())
      return emitOpError() << "'causal' fixes the padding; do not also give "
                              "'padding'";
    if (padding->size() != 2 || (*padding)[0] < 0 || (*padding)[1] < 0)
      return emitOpError()
             << "'padding' must be two non-negative sizes [left, right]";
  }
  for (auto [name, value] :
       {std::pair<const char *, Value>{"weight", getWeight()},
        {"bias", getBias()},
        {"result", getResult()}})
    if (value &&
        failed(verifySameElementType(op, name, input, value.getType())))
      return failure();

  int64_t tOut = ShapedType::kDynamic;
  if (!ShapedType::isDynamic(t) && !ShapedType::isDynamic(k)) {
    auto [left, right] = getPaddingSizes();
    int64_t span = t + left + right - getDilation() * (k - 1) - 1;
    if (span < 0)
      return emitOpError() << "the dilated kernel (" << getDilation() * (k - 1) + 1
                           << " steps) is longer than the padded input ("
                           << t + left + right << " steps)";
    tOut = span / getStride() + 1;
  }
  return verifyShape(op, "result", getResult().getType(),
                     {{b, "B"}, {cout, "Cout"}, {tOut, "Tout"}});
}

//===----------------------------------------------------------------------===//
// Glue ops
//===----------------------------------------------------------------------===//

/// The result shape of an op that replaces the last dimension of `input`.
static SmallVector<ExpectedDim> replaceLastDim(Type input, int64_t size,
                                               StringRef name) {
  auto type = cast<RankedTensorType>(input);
  SmallVector<ExpectedDim> dims;
  for (int64_t i = 0; i + 1 < type.getRank(); ++i)
    dims.push_back({type.getDimSize(i), "d" + std::to_string(i)});
  dims.push_back({size, name.str()});
  return dims;
}

LogicalResult LinearOp::verify() {
  Operation *op = getOperation();
  Type input = getInput().getType();
  if (cast<RankedTensorType>(input).getRank() < 1)
    return emitOpError() << "'input' must have rank >= 1";
  int64_t in = dimOf(input, cast<RankedTensorType>(input).getRank() - 1);
  auto weight = cast<RankedTensorType>(getWeight().getType());
  if (weight.getRank() != 2)
    return emitOpError() << "'weight' must have rank 2 (O x I), found "
                         << weight;
  int64_t out = weight.getDimSize(0);
  if (failed(verifyShape(op, "weight", weight, {{out, "O"}, {in, "I"}})))
    return failure();
  if (getBias() &&
      failed(verifyShape(op, "bias", getBias().getType(), {{out, "O"}})))
    return failure();
  for (auto [name, value] : {std::pair<const char *, Value>{"weight", getWeight()},
                             {"bias", getBias()},
                             {"result", getResult()}})
    if (value &&
        failed(verifySameElementType(op, name, input, value.getType())))
      return failure();
  return verifyShape(op, "result", getResult().getType(),
                     replaceLastDim(input, out, "O"));
}

/// Shared by layer_norm and rms_norm: `axis` in range, parameters shaped like
/// the normalized dimensions, result shaped like the input.
static LogicalResult verifyNormalization(Operation *op, Value input,
                                         int64_t axis,
                                         ArrayRef<std::pair<const char *, Value>>
                                             params,
                                         Value result, float epsilon) {
  auto type = cast<RankedTensorType>(input.getType());
  int64_t rank = type.getRank();
  if (axis < -rank || axis >= rank)
    return op->emitOpError() << "'axis' must be in [" << -rank << ", " << rank
                             << "), found " << axis;
  if (axis < 0)
    axis += rank;
  SmallVector<ExpectedDim> normalized;
  for (int64_t i = axis; i < rank; ++i)
    normalized.push_back({type.getDimSize(i), "d" + std::to_string(i)});
  for (auto [name, value] : params) {
    if (!value)
      continue;
    if (failed(verifyShape(op, name, value.getType(), normalized)) ||
        failed(verifySameElementType(op, name, type, value.getType())))
      return failure();
  }
  if (!(epsilon >= 0.0f && std::isfinite(epsilon)))
    return op->emitOpError() << "'epsilon' must be non-negative and finite";
  if (result.getType() != input.getType())
    return op->emitOpError() << "result type " << result.getType()
                             << " must equal the input type " << type;
  return success();
}

void LinearOp::getDimensionTies(SmallVectorImpl<DimensionTie> &ties) {
  // [..., in] -> [..., out]: every leading dimension is kept.
  int64_t rank = cast<RankedTensorType>(getInput().getType()).getRank();
  for (int64_t i = 0; i + 1 < rank; ++i)
    addTie(ties, getInput(), i, getResult(), i);
}

LogicalResult LayerNormOp::verify() {
  return verifyNormalization(*this, getInput(), getAxis(),
                             {{"scale", getScale()}, {"bias", getBias()}},
                             getResult(), getEpsilon().convertToFloat());
}

LogicalResult RmsNormOp::verify() {
  return verifyNormalization(*this, getInput(), getAxis(),
                             {{"scale", getScale()}}, getResult(),
                             getEpsilon().convertToFloat());
}

void LayerNormOp::getDimensionTies(SmallVectorImpl<DimensionTie> &ties) {
  addTiesOfAllDims(ties, getInput(), getResult());
}

void RmsNormOp::getDimensionTies(SmallVectorImpl<DimensionTie> &ties) {
  addTiesOfAllDims(ties, getInput(), getResult());
}

void ActivationOp::getDimensionTies(SmallVectorImpl<DimensionTie> &ties) {
  addTiesOfAllDims(ties, getInput(), getResult());
}

void EmbeddingOp::getDimensionTies(SmallVectorImpl<DimensionTie> &ties) {
  // indices [...] -> result [..., E].
  addTiesOfAllDims(ties, getIndices(), getResult());
}

LogicalResult EmbeddingOp::verify() {
  auto table = cast<RankedTensorType>(getTable().getType());
  if (table.getRank() != 2)
    return emitOpError() << "'table' must have rank 2 (V x E), found "
                         << table;
  auto indices = cast<RankedTensorType>(getIndices().getType());
  SmallVector<ExpectedDim> dims;
  for (int64_t i = 0; i < indices.getRank(); ++i)
    dims.push_back({indices.getDimSize(i), "d" + std::to_string(i)});
  dims.push_back({table.getDimSize(1), "E"});
  if (failed(verifySameElementType(*this, "result", table,
                                   getResult().getType())))
    return failure();
  return verifyShape(*this, "result", getResult().getType(), dims);
}

//===----------------------------------------------------------------------===//
// PositionsOp
//===----------------------------------------------------------------------===//

void PositionsOp::getDimensionTies(SmallVectorImpl<DimensionTie> &ties) {
  // result [T] <- like's dimension `dim`.
  addTie(ties, getLike(), static_cast<int64_t>(getDim()), getResult(), 0);
}

LogicalResult PositionsOp::verify() {
  auto like = cast<RankedTensorType>(getLike().getType());
  int64_t dim = getDim();
  if (dim < 0 || dim >= like.getRank())
    return emitOpError() << "dim " << dim << " is out of range for 'like' "
                         << like;
  return verifyShape(*this, "result", getResult().getType(),
                     {{like.getDimSize(dim), "T"}});
}

//===----------------------------------------------------------------------===//
// TimeShiftOp
//===----------------------------------------------------------------------===//

LogicalResult TimeShiftOp::verify() {
  auto input = cast<RankedTensorType>(getInput().getType());
  if (static_cast<int64_t>(getDim()) >= input.getRank())
    return emitOpError() << "dim " << getDim() << " is out of range for "
                         << input;
  return success();
}

void TimeShiftOp::getDimensionTies(SmallVectorImpl<DimensionTie> &ties) {
  addTiesOfAllDims(ties, getInput(), getResult());
}

//===----------------------------------------------------------------------===//
// CheckOp
//===----------------------------------------------------------------------===//

LogicalResult CheckOp::verify() {
  if (static_cast<bool>(getSelector()) != static_cast<bool>(getAlternatives()))
    return emitOpError("takes a selector and its alternative messages "
                       "together, or neither");
  return success();
}

LogicalResult CheckOp::canonicalize(CheckOp op, PatternRewriter &rewriter) {
  // A check that holds by construction costs nothing at run time.
  if (matchPattern(op.getCondition(), m_One())) {
    rewriter.eraseOp(op);
    return success();
  }
  // An earlier check of the same condition in the same block fails first.
  for (Operation *prev = op->getPrevNode(); prev; prev = prev->getPrevNode())
    if (auto earlier = dyn_cast<CheckOp>(prev))
      if (earlier.getCondition() == op.getCondition() &&
          earlier.getKind() == op.getKind()) {
        rewriter.eraseOp(op);
        return success();
      }
  return failure();
}
