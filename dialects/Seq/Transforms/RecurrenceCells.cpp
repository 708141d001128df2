//===- RecurrenceCells.cpp - one step of an RNN, LSTM or GRU -----------===//
//
// See RecurrenceCells.h.
//
//===----------------------------------------------------------------------===//

#include "dialects/Seq/Transforms/RecurrenceCells.h"
#include "dialects/Seq/Utils/TensorUtils.h"

#include "mlir/Dialect/Affine/IR/AffineOps.h"
#include "mlir/Dialect/Arith/Utils/Utils.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/Dialect/Bufferization/IR/Bufferization.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/IR/AffineMap.h"

using namespace mlir;
using namespace seqc::seq;

/// seq.linear with its result type derived from the operands.
Value seqc::seq::createLinear(OpBuilder &b, Location loc, Value input,
                              Value weight, Value bias) {
  auto inputType = cast<RankedTensorType>(input.getType());
  SmallVector<int64_t> shape(inputType.getShape());
  shape.back() = cast<RankedTensorType>(weight.getType()).getDimSize(0);
  auto type = RankedTensorType::get(shape, inputType.getElementType());
  return LinearOp::create(b, loc, type, input, weight, bias);
}

StepChunks seqc::seq::splitIntoChunks(OpBuilder &b, Location loc,
                                      OpFoldResult steps, int64_t chunkSteps) {
  AffineExpr s0 = getAffineSymbolExpr(0, b.getContext());
  int64_t k = chunkSteps;
  return {affine::makeComposedFoldedAffineApply(b, loc, s0.floorDiv(k),
                                                {steps}),
          affine::makeComposedFoldedAffineApply(b, loc, s0.floorDiv(k) * k,
                                                {steps}),
          affine::makeComposedFoldedAffineApply(b, loc, s0 % k, {steps})};
}

SmallVector<Value> seqc::seq::emitChunkLoop(OpBuilder &b, Location loc,
                                            OpFoldResult steps,
                                            int64_t chunkSteps,
                                            ValueRange inits,
                                            ChunkEmitter emitChunk) {
  int64_t k = chunkSteps;
  auto [fullChunks, remainderStart, remainder] =
      splitIntoChunks(b, loc, steps, k);
  Value zero = arith::ConstantIndexOp::create(b, loc, 0);
  Value one = arith::ConstantIndexOp::create(b, loc, 1);
  auto loop = scf::ForOp::create(
      b, loc, zero, getValueOrCreateConstantIndexOp(b, loc, fullChunks), one,
      inits);
  {
    OpBuilder::InsertionGuard guard(b);
    b.setInsertionPointToStart(loop.getBody());
    OpFoldResult t0 = affine::makeComposedFoldedAffineApply(
        b, loc, getAffineSymbolExpr(0, b.getContext()) * k,
        ArrayRef<OpFoldResult>{loop.getInductionVar()});
    scf::YieldOp::create(b, loc,
                         emitChunk(b, t0, b.getIndexAttr(k),
                                   loop.getRegionIterArgs()));
  }
  // No remainder chunk when T is a static multiple of the chunk: its slice
  // would start at T, past a static axis (an invalid extract_slice).
  if (isConstantIntValue(remainder, 0))
    return loop.getResults();
  return emitChunk(b, remainderStart, remainder, loop.getResults());
}

LogicalResult seqc::seq::checkChunkSteps(Operation *root, StringRef passName,
                                         int64_t chunkSteps) {
  if (chunkSteps >= 1)
    return success();
  return root->emitError() << passName
                           << ": chunk-steps must be at least 1, got "
                           << chunkSteps;
}

Value seqc::seq::castIfNeeded(OpBuilder &b, Location loc, Value value,
                              Type type) {
  if (value.getType() == type)
    return value;
  return tensor::CastOp::create(b, loc, type, value);
}

namespace {

/// How an epilogue operand is indexed over the [B, N] iteration space.
enum class Broadcast { Full, PerRow, PerColumn };

struct EpilogueInput {
  Value value;
  Broadcast broadcast;
};

/// Rows [offset, offset + size) of a 2-D weight.
Value extractRows(OpBuilder &b, Location loc, Value weight, int64_t offset,
                  int64_t size) {
  auto type = cast<RankedTensorType>(weight.getType());
  SmallVector<OpFoldResult> offsets = {b.getIndexAttr(offset),
                                       b.getIndexAttr(0)};
  SmallVector<OpFoldResult> sizes = {b.getIndexAttr(size),
                                     getDimSize(b, loc, weight, 1)};
  SmallVector<OpFoldResult> strides(2, b.getIndexAttr(1));
  auto resultType =
      RankedTensorType::get({size, type.getDimSize(1)}, type.getElementType());
  return tensor::ExtractSliceOp::create(b, loc, resultType, weight, offsets,
                                        sizes, strides);
}

/// One linalg.generic over [B, N] whose region is `body`; returns its
/// results, each [B, N] like `like`. The first results are written into
/// `destinations` (the carried states they replace): bufferization then
/// updates a state in place instead of allocating a new one every step, and
/// the state's extents stay visibly the same across steps (so the step's
/// temporaries get loop-invariant sizes and are allocated once).
SmallVector<Value> buildEpilogue(
    OpBuilder &b, Location loc, Value like, ArrayRef<EpilogueInput> inputs,
    unsigned numResults,
    function_ref<SmallVector<Value>(OpBuilder &, Location, ValueRange)> body,
    ValueRange destinations = {}) {
  MLIRContext *ctx = b.getContext();
  AffineExpr row = getAffineDimExpr(0, ctx), col = getAffineDimExpr(1, ctx);
  SmallVector<AffineMap> maps;
  SmallVector<Value> operands;
  for (const EpilogueInput &input : inputs) {
    operands.push_back(input.value);
    switch (input.broadcast) {
    case Broadcast::Full:
      maps.push_back(AffineMap::get(2, 0, {row, col}, ctx));
      break;
    case Broadcast::PerRow:
      maps.push_back(AffineMap::get(2, 0, {row}, ctx));
      break;
    case Broadcast::PerColumn:
      maps.push_back(AffineMap::get(2, 0, {col}, ctx));
      break;
    }
  }
  auto likeType = cast<RankedTensorType>(like.getType());
  SmallVector<OpFoldResult> sizes = {getDimSize(b, loc, like, 0),
                                     getDimSize(b, loc, like, 1)};
  SmallVector<Value> inits;
  SmallVector<Type> resultTypes;
  for (unsigned i = 0; i < numResults; ++i) {
    inits.push_back(
        i < destinations.size()
            ? destinations[i]
            : createEmptyTensor(b, loc, sizes, likeType.getElementType()));
    resultTypes.push_back(inits.back().getType());
    maps.push_back(AffineMap::get(2, 0, {row, col}, ctx));
  }
  SmallVector<utils::IteratorType> iterators(2, utils::IteratorType::parallel);
  auto generic = linalg::GenericOp::create(
      b, loc, resultTypes, operands, inits, maps, iterators,
      [&](OpBuilder &nested, Location nestedLoc, ValueRange args) {
        SmallVector<Value> results =
            body(nested, nestedLoc, args.take_front(operands.size()));
        linalg::YieldOp::create(nested, nestedLoc, results);
      });
  return SmallVector<Value>(generic.getResults());
}

/// Applies the sequence-length mask to a state that needs no further
/// product: returns {state kept where invalid, output zero where invalid}.
std::pair<Value, Value> maskState(OpBuilder &b, Location loc, Value valid,
                                  Value next, Value previous) {
  Value kept = arith::SelectOp::create(b, loc, valid, next, previous);
  Value zero = emitFloatConstant(b, loc, next.getType(), 0.0);
  Value out = arith::SelectOp::create(b, loc, valid, next, zero);
  return {kept, out};
}

/// A separate mask epilogue, for states produced by a product (the LSTM
/// projection), returning {next state, step output}.
std::pair<Value, Value> maskWithEpilogue(OpBuilder &b, Location loc,
                                         const StepEmitter &emit, Value next,
                                         Value previous) {
  Value stepLen = emit.stepAsLength(b, loc);
  SmallVector<Value> masked = buildEpilogue(
      b, loc, next,
      {{next, Broadcast::Full},
       {previous, Broadcast::Full},
       {emit.ctx.sequenceLens, Broadcast::PerRow}},
      2,
      [&](OpBuilder &nb, Location nl, ValueRange a) -> SmallVector<Value> {
        Value valid = StepEmitter::isValid(nb, nl, stepLen, a[2]);
        auto [kept, out] = maskState(nb, nl, valid, a[0], a[1]);
        return {kept, out};
      },
      ValueRange{previous});
  return {masked[0], masked[1]};
}

} // namespace

//===----------------------------------------------------------------------===//
// Cells: each returns {carried values..., step output} for one step.
//===----------------------------------------------------------------------===//

SmallVector<Value> seqc::seq::emitRnnStep(OpBuilder &b, Location loc,
                                          const StepEmitter &emit, Value r,
                                          Value xw, ValueRange carried) {
  Value h = carried[0];
  Value gates =
      arith::AddFOp::create(b, loc, xw, createLinear(b, loc, h, r, Value()));
  bool masked = static_cast<bool>(emit.ctx.sequenceLens);
  SmallVector<EpilogueInput> inputs = {{gates, Broadcast::Full}};
  Value stepLen;
  if (masked) {
    stepLen = emit.stepAsLength(b, loc);
    inputs.push_back({h, Broadcast::Full});
    inputs.push_back({emit.ctx.sequenceLens, Broadcast::PerRow});
  }
  SmallVector<Value> results = buildEpilogue(
      b, loc, gates, inputs, masked ? 2 : 1,
      [&](OpBuilder &nb, Location nl, ValueRange a) -> SmallVector<Value> {
        Value next = emit.activate(nb, nl, 0, a[0]);
        if (!masked)
          return {next};
        auto [kept, out] = maskState(
            nb, nl, StepEmitter::isValid(nb, nl, stepLen, a[2]), next, a[1]);
        return {kept, out};
      },
      ValueRange{h});
  return {results[0], masked ? results[1] : results[0]};
}

SmallVector<Value> seqc::seq::emitLstmStep(OpBuilder &b, Location loc,
                                           const StepEmitter &emit, LstmOp op,
                                           Value r, Value peepholes,
                                           Value projection, Value xw,
                                           ValueRange carried) {
  int64_t hs = emit.ctx.hidden;
  Value h = carried[0], c = carried[1];
  Value gates =
      arith::AddFOp::create(b, loc, xw, createLinear(b, loc, h, r, Value()));
  bool masked = static_cast<bool>(emit.ctx.sequenceLens);
  bool projected = static_cast<bool>(projection);
  bool hasPeepholes = static_cast<bool>(peepholes);
  bool inputForget = op.getInputForget();

  // Operand order of the epilogue: gates i, o, f, c; c_prev; peepholes i,
  // o, f; then h_prev and lengths when masked.
  SmallVector<EpilogueInput> inputs;
  for (int64_t k = 0; k < 4; ++k)
    inputs.push_back(
        {extractLastDimRange(b, loc, gates, k * hs, hs), Broadcast::Full});
  inputs.push_back({c, Broadcast::Full});
  unsigned peepholeIndex = inputs.size();
  if (hasPeepholes)
    for (int64_t k = 0; k < 3; ++k)
      inputs.push_back({extractLastDimRange(b, loc, peepholes, k * hs, hs),
                        Broadcast::PerColumn});
  unsigned maskIndex = inputs.size();
  Value stepLen;
  if (masked) {
    stepLen = emit.stepAsLength(b, loc);
    inputs.push_back({projected ? c : h, Broadcast::Full});
    inputs.push_back({emit.ctx.sequenceLens, Broadcast::PerRow});
  }
  // Results: c_next, h_next (unmasked when projected), then y when the mask
  // applies here.
  unsigned numResults = (masked && !projected) ? 3 : 2;
  SmallVector<Value> results = buildEpilogue(
      b, loc, c, inputs, numResults,
      [&](OpBuilder &nb, Location nl, ValueRange a) -> SmallVector<Value> {
        Value gi = a[0], go = a[1], gf = a[2], gc = a[3], cPrev = a[4];
        if (hasPeepholes) {
          gi = arith::AddFOp::create(
              nb, nl, gi,
              arith::MulFOp::create(nb, nl, a[peepholeIndex], cPrev));
          gf = arith::AddFOp::create(
              nb, nl, gf,
              arith::MulFOp::create(nb, nl, a[peepholeIndex + 2], cPrev));
        }
        Value i = emit.activate(nb, nl, 0, gi);
        Value f =
            inputForget
                ? arith::SubFOp::create(
                      nb, nl, emitFloatConstant(nb, nl, i.getType(), 1.0), i)
                      .getResult()
                : emit.activate(nb, nl, 0, gf);
        Value candidate = emit.activate(nb, nl, 1, gc);
        Value cNext = arith::AddFOp::create(
            nb, nl, arith::MulFOp::create(nb, nl, f, cPrev),
            arith::MulFOp::create(nb, nl, i, candidate));
        if (hasPeepholes)
          go = arith::AddFOp::create(
              nb, nl, go,
              arith::MulFOp::create(nb, nl, a[peepholeIndex + 1], cNext));
        Value o = emit.activate(nb, nl, 0, go);
        Value hNext = arith::MulFOp::create(
            nb, nl, o,
            emitActivation(nb, nl, emit.ctx.activation(emit.dir, 2), cNext));
        if (!masked)
          return {cNext, hNext};
        Value valid = StepEmitter::isValid(nb, nl, stepLen, a[maskIndex + 1]);
        Value cKept = arith::SelectOp::create(nb, nl, valid, cNext, cPrev);
        if (projected)
          return {cKept, hNext};
        auto [hKept, out] = maskState(nb, nl, valid, hNext, a[maskIndex]);
        return {cKept, hKept, out};
      },
      projected ? ValueRange{c} : ValueRange{c, h});
  Value cNext = results[0], hNext = results[1];
  if (!projected)
    return {hNext, cNext, masked ? results[2] : hNext};
  hNext = createLinear(b, loc, hNext, projection, Value());
  if (!masked) {
    // Into the carried h (a copy of P values per row) so the state stays
    // in place; canonicalization keeps this copy, unlike an identity
    // generic.
    hNext = bufferization::MaterializeInDestinationOp::create(
                b, loc, hNext.getType(), hNext, h)
                .getResult();
    return {hNext, cNext, hNext};
  }
  auto [hKept, out] = maskWithEpilogue(b, loc, emit, hNext, h);
  return {hKept, cNext, out};
}

SmallVector<Value> seqc::seq::emitGruStep(OpBuilder &b, Location loc,
                                          const StepEmitter &emit,
                                          bool linearBeforeReset, Value r,
                                          Value recurrentBias, Value xw,
                                          ValueRange carried) {
  int64_t hs = emit.ctx.hidden;
  Value h = carried[0];
  bool masked = static_cast<bool>(emit.ctx.sequenceLens);
  Value xz = extractLastDimRange(b, loc, xw, 0, hs);
  Value xr = extractLastDimRange(b, loc, xw, hs, hs);
  Value xh = extractLastDimRange(b, loc, xw, 2 * hs, hs);
  Value stepLen = masked ? emit.stepAsLength(b, loc) : Value();

  // The final epilogue: n = g(x_h + rh_h) and the state blend, where
  // `recurrentH` is (r*h)R_h^T (linear_before_reset = false) or
  // r * (h R_h^T + Rb_h) (= true, with `reset` null and r computed here).
  auto blend = [&](ArrayRef<EpilogueInput> extra, auto &&computeZandN) {
    SmallVector<EpilogueInput> inputs(extra.begin(), extra.end());
    unsigned hIndex = inputs.size();
    inputs.push_back({h, Broadcast::Full});
    if (masked)
      inputs.push_back({emit.ctx.sequenceLens, Broadcast::PerRow});
    SmallVector<Value> results = buildEpilogue(
        b, loc, h, inputs, masked ? 2 : 1,
        [&](OpBuilder &nb, Location nl, ValueRange a) -> SmallVector<Value> {
          auto [z, n] = computeZandN(nb, nl, a);
          Value hPrev = a[hIndex];
          Value one = emitFloatConstant(nb, nl, z.getType(), 1.0);
          Value hNext = arith::AddFOp::create(
              nb, nl,
              arith::MulFOp::create(nb, nl,
                                    arith::SubFOp::create(nb, nl, one, z), n),
              arith::MulFOp::create(nb, nl, z, hPrev));
          if (!masked)
            return {hNext};
          auto [kept, out] = maskState(
              nb, nl, StepEmitter::isValid(nb, nl, stepLen, a[hIndex + 1]),
              hNext, hPrev);
          return {kept, out};
        },
        ValueRange{h});
    return SmallVector<Value>{results[0], masked ? results[1] : results[0]};
  };

  if (linearBeforeReset) {
    Value hr = createLinear(b, loc, h, r, recurrentBias);
    SmallVector<EpilogueInput> inputs = {
        {xz, Broadcast::Full},
        {xr, Broadcast::Full},
        {xh, Broadcast::Full},
        {extractLastDimRange(b, loc, hr, 0, hs), Broadcast::Full},
        {extractLastDimRange(b, loc, hr, hs, hs), Broadcast::Full},
        {extractLastDimRange(b, loc, hr, 2 * hs, hs), Broadcast::Full}};
    return blend(inputs, [&](OpBuilder &nb, Location nl, ValueRange a) {
      Value z =
          emit.activate(nb, nl, 0, arith::AddFOp::create(nb, nl, a[0], a[3]));
      Value rg =
          emit.activate(nb, nl, 0, arith::AddFOp::create(nb, nl, a[1], a[4]));
      Value n = emit.activate(
          nb, nl, 1,
          arith::AddFOp::create(nb, nl, a[2],
                                arith::MulFOp::create(nb, nl, rg, a[5])));
      return std::make_pair(z, n);
    });
  }

  // linear_before_reset = false: z and r first, then (r*h) R_h^T.
  Value hzr =
      createLinear(b, loc, h, extractRows(b, loc, r, 0, 2 * hs), Value());
  SmallVector<Value> zr = buildEpilogue(
      b, loc, h,
      {{xz, Broadcast::Full},
       {xr, Broadcast::Full},
       {extractLastDimRange(b, loc, hzr, 0, hs), Broadcast::Full},
       {extractLastDimRange(b, loc, hzr, hs, hs), Broadcast::Full},
       {h, Broadcast::Full}},
      2, [&](OpBuilder &nb, Location nl, ValueRange a) -> SmallVector<Value> {
        Value z =
            emit.activate(nb, nl, 0, arith::AddFOp::create(nb, nl, a[0], a[2]));
        Value rg =
            emit.activate(nb, nl, 0, arith::AddFOp::create(nb, nl, a[1], a[3]));
        return {z, arith::MulFOp::create(nb, nl, rg, a[4])};
      });
  Value hh =
      createLinear(b, loc, zr[1], extractRows(b, loc, r, 2 * hs, hs), Value());
  return blend(
      {{xh, Broadcast::Full}, {hh, Broadcast::Full}, {zr[0], Broadcast::Full}},
      [&](OpBuilder &nb, Location nl, ValueRange a) {
        Value n =
            emit.activate(nb, nl, 1, arith::AddFOp::create(nb, nl, a[0], a[1]));
        return std::make_pair(a[2], n);
      });
}
