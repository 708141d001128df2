//===- Attention.cpp - how causal attention streams: key/value caches ---===//
//
// Causal self-attention over the whole sequence is, per chunk, attention of
// the chunk's queries to every key so far (or, with a sliding window, to
// the last `left` keys before each query). The keys and values of earlier
// chunks live in a cache of `capacity` steps, a dimension the stream binds
// when it opens, and a position counts the steps seen:
//
//   full attention:  the cache holds every step; the chunk is appended at
//                    the position; a stream longer than the capacity fails.
//   sliding window:  the cache is a ring of the last `capacity` steps; the
//                    chunk is written at position mod capacity (wrapping),
//                    and the queries read the last min(position + L,
//                    left + L) steps in order. A stream runs for ever as
//                    long as every chunk's L + left fits the capacity.
//
// Writes update the cache in place (seq.in_place): a step costs O(keys
// read), not O(capacity).
//
// Cross-attention to another input's steps (a decoder's memory, which every
// chunk is given whole) carries nothing: each chunk's queries read all of
// its keys, computed from that input in every chunk.
//
//===----------------------------------------------------------------------===//

#include "dialects/Seq/IR/SeqOps.h"
#include "dialects/Seq/IR/StreamableOpInterface.h"
#include "dialects/Seq/Transforms/StreamableOpInterfaceImpl.h"
#include "dialects/Seq/Utils/CheckUtils.h"
#include "dialects/Seq/Utils/TensorUtils.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"

using namespace mlir;

namespace seqc::seq {

namespace {

/// Slices and inserts of a [B, Hkv, steps, D] tensor along its steps.
struct StepSlices {
  OpBuilder &b;
  Location loc;

  SmallVector<OpFoldResult> sizes(Value tensor, OpFoldResult steps) {
    auto type = cast<RankedTensorType>(tensor.getType());
    return {getDimSize(b, loc, tensor, 0), b.getIndexAttr(type.getDimSize(1)),
            steps, b.getIndexAttr(type.getDimSize(3))};
  }
  SmallVector<OpFoldResult> offsets(OpFoldResult start) {
    return {b.getIndexAttr(0), b.getIndexAttr(0), start, b.getIndexAttr(0)};
  }
  /// Steps [start, start + steps) of `source`.
  Value extract(Value source, OpFoldResult start, OpFoldResult steps) {
    SmallVector<OpFoldResult> strides(4, b.getIndexAttr(1));
    return tensor::ExtractSliceOp::create(b, loc, source, offsets(start),
                                          sizes(source, steps), strides);
  }
  /// `chunk` of `steps` steps written at steps [start, ...) of `dest`.
  Value insert(Value chunk, Value dest, OpFoldResult start,
               OpFoldResult steps) {
    SmallVector<OpFoldResult> strides(4, b.getIndexAttr(1));
    return tensor::InsertSliceOp::create(b, loc, chunk, dest, offsets(start),
                                         sizes(chunk, steps), strides);
  }
};

/// Attention without a causal mask whose keys are not known to be another
/// input's (a decoder's memory): self-attention, every step read by every
/// query. (Keys whose length cannot be traced are taken as the likely
/// form, self-attention's.)
bool readsFutureSteps(AttentionOp op, StreamState &s) {
  return !op.getCausal() &&
         !s.isOtherInputDimension(op.getQuery(), 2, op.getKey(), 2);
}

/// What to do with a decoder trained with a key padding mask (its export
/// keeps tgt_key_padding_mask or attention_mask): right padding hides keys
/// after a row's last real step, which a causal mask hides already.
constexpr const char *kPaddingHint =
    " (a causal decoder exported with a key padding mask, "
    "tgt_key_padding_mask or a padding attention_mask, streams exported "
    "without it: a stream has no padding, and for right-padded rows a "
    "causal mask already hides every padded key from the real steps)";

/// Why such an attention cannot stream. A mask operand is what was left of
/// the model's masks once no causal band could be read off them: often a
/// causal mask combined with a key padding mask (nn.MultiheadAttention's
/// attn_mask.masked_fill(key_padding_mask, -inf)), which hides keys of
/// steps to come as well as the padded ones.
std::string whyFutureSteps(AttentionOp op) {
  // Cross-attention whose keys could not be followed to another input
  // (nor to a dimension of a name of its own) looks like self-attention.
  const char *cross = " (cross-attention to a decoder's memory streams "
                      "when its keys follow back to an input dimension "
                      "named other than the time axis, S of memory [S, B, "
                      "E])";
  if (!op.getMask())
    return std::string("attention without a causal mask reads future "
                       "steps") +
           cross;
  return std::string("attention whose mask is not a causal band alone reads "
                     "future steps: its mask, kept whole (a causal mask "
                     "combined with a key padding mask, or one seqc does not "
                     "read as causal), spans the whole sequence; only a "
                     "causal (or sliding-window) mask streams") +
         kPaddingHint + cross;
}

/// Attention over another input's steps (a decoder's cross-attention to
/// the encoder's memory): each of the chunk's queries reads every key, as
/// in the run, and nothing is carried, as long as every chunk is given
/// the same keys and values. So they, and a mask without a query axis,
/// must be computed from inputs the stream gives whole to each chunk.
LogicalResult carryCrossAttention(AttentionOp op, StreamState &s) {
  // Without `causal`, a window or a position bias pairs query i with key
  // i, the query's index within the op, which restarts at every chunk.
  if (op.getWindow() || op.getAlibiSlopes() || op.getRelativeBias() ||
      op.getMaxPositions())
    return s.fail(op, "cross-attention with a window, a position bias or "
                      "max_positions pairs each query's position with the "
                      "keys', which restarts at every chunk");
  if (failed(s.claimTimeDim(op, op.getQuery(), 2)))
    return failure();
  const char *why = "cross-attention reads the same keys and values in "
                    "every chunk: they (and a mask of one query row) must "
                    "be computed from weights and inputs without the "
                    "stream's time axis (a decoder's memory), given whole "
                    "to every chunk";
  // (The mask's query dimension is its second to last: masks of rank 2
  // to 4 broadcast from the right.)
  Value mask = op.getMask();
  auto maskType =
      mask ? cast<RankedTensorType>(mask.getType()) : RankedTensorType();
  if (failed(s.requireWholeInputs(op, op.getKey(), why)) ||
      failed(s.requireWholeInputs(op, op.getValue(), why)) ||
      (mask && maskType.getDimSize(maskType.getRank() - 2) == 1 &&
       failed(s.requireWholeInputs(op, mask, why))))
    return failure();
  return success();
}

LogicalResult carryAttention(AttentionOp op, StreamState &s) {
  OpBuilder &builder = s.getBuilder();
  if (readsFutureSteps(op, s))
    return s.fail(op, whyFutureSteps(op));
  if (!op.getCausal())
    return carryCrossAttention(op, s);
  if (op.getMask())
    return s.fail(op, std::string("an explicit mask spans the whole "
                                  "sequence and cannot be cut into chunks; "
                                  "streaming attention supports `causal` "
                                  "(and `window`) only") +
                          kPaddingHint);
  auto keyType = cast<RankedTensorType>(op.getKey().getType());
  auto valueType = cast<RankedTensorType>(op.getValue().getType());
  if (keyType.isDynamicDim(1) || keyType.isDynamicDim(3) ||
      valueType.isDynamicDim(1) || valueType.isDynamicDim(3))
    return s.fail(op, "the key/value heads and head sizes must be static");
  if (!keyType.isDynamicDim(2) ||
      !cast<RankedTensorType>(op.getQuery().getType()).isDynamicDim(2))
    return s.fail(op, "the query and key lengths must be the stream's "
                      "run-time number of steps");
  if (failed(s.claimTimeDim(op, op.getQuery(), 2)) ||
      failed(s.claimTimeDim(op, op.getKey(), 2)))
    return failure();
  // A window bounded on the left needs only the last `left` steps.
  std::optional<int64_t> left;
  if (std::optional<ArrayRef<int64_t>> window = op.getWindow();
      window && (*window)[0] >= 0)
    left = (*window)[0];
  Location loc = op.getLoc();
  MLIRContext *ctx = op->getContext();
  FailureOr<std::string> batchName = s.batchDimName(op, op.getKey(), 0);
  if (failed(batchName))
    return failure();
  std::string batch = *batchName;
  auto cacheDims = [&](int64_t rank) {
    SmallVector<Attribute> names(rank, StringAttr::get(ctx, ""));
    names[0] = StringAttr::get(ctx, batch);
    names[2] = StringAttr::get(ctx, "capacity");
    return ArrayAttr::get(ctx, names);
  };
  auto cacheType = [](RankedTensorType type) {
    return RankedTensorType::get({type.getDimSize(0), type.getDimSize(1),
                                  ShapedType::kDynamic, type.getDimSize(3)},
                                 type.getElementType());
  };
  BlockArgument keyCache = s.addState(cacheType(keyType), loc);
  BlockArgument valueCache = s.addState(cacheType(valueType), loc);
  auto positionType = RankedTensorType::get({1}, builder.getI64Type());
  BlockArgument position = s.addState(positionType, loc);

  builder.setInsertionPoint(op);
  auto index = [&](int64_t v) -> Value {
    return arith::ConstantIndexOp::create(builder, loc, v);
  };
  Value zero = index(0);
  Value start = arith::IndexCastOp::create(
      builder, loc, builder.getIndexType(),
      tensor::ExtractOp::create(builder, loc, position, ValueRange{zero}));
  Value steps = tensor::DimOp::create(builder, loc, op.getKey(), 2);
  Value end = arith::AddIOp::create(builder, loc, start, steps);
  Value capacity = tensor::DimOp::create(builder, loc, keyCache, 2);
  std::string origin = describeOrigin("seq.attention", loc);
  auto check = [&](arith::CmpIPredicate predicate, Value lhs, Value rhs,
                   Value shown, const std::string &message) {
    createCheck(builder, loc,
                arith::CmpIOp::create(builder, loc, predicate, lhs, rhs), shown,
                origin + ": " + message, CheckKind::shape);
  };
  // Never a write outside the cache: a full cache fails the step, and so
  // does a position a caller set below 0 through seqc_rt_stream_state.
  check(arith::CmpIPredicate::sge, start, zero, start,
        "the key/value cache's position is {}; it must not be negative");
  // The whole sequence so far is what a model's limit bounds (nanoGPT's
  // causal mask buffer), not the chunk: the ring of a sliding window
  // would otherwise run past it for ever. The position first: past the
  // limit, position + steps could wrap.
  if (std::optional<uint64_t> limit = op.getMaxPositions()) {
    std::string past = ", more than its max_positions, " +
                       std::to_string(*limit) +
                       " (the longest sequence the model defines it for)";
    Value limitValue = index(int64_t(*limit));
    check(arith::CmpIPredicate::ule, start, limitValue, start,
          "the stream's position is {}" + past);
    check(arith::CmpIPredicate::ule, end, limitValue, end,
          "the stream would reach {} steps" + past);
  }
  StepSlices slices{builder, loc};
  std::function<std::pair<Value, Value>(Value, Value)> append;
  if (!left) {
    // First the position alone: past the capacity, position + steps could
    // wrap (a position set near 2^63) and the next message show it
    // negative.
    check(arith::CmpIPredicate::ule, start, capacity, start,
          "the key/value cache's position is {}, past the capacity the "
          "stream was opened with");
    check(arith::CmpIPredicate::ule, end, capacity, end,
          "the key/value cache would hold {} steps, more than the capacity "
          "the stream was opened with");
    // Append at the position; the queries see steps [0, end).
    append = [&](Value cache, Value chunk) {
      Value next = slices.insert(chunk, cache, start, steps);
      return std::make_pair(next,
                            slices.extract(next, builder.getIndexAttr(0), end));
    };
  } else {
    Value needed = arith::AddIOp::create(builder, loc, steps, index(*left));
    check(arith::CmpIPredicate::ule, needed, capacity, needed,
          "a chunk and its sliding window of " + std::to_string(*left) +
              " earlier steps need a key/value cache of {} steps, more than "
              "the capacity the stream was opened with");
    check(arith::CmpIPredicate::sgt, capacity, zero, capacity,
          "a sliding-window key/value cache of {} steps holds nothing");
    auto min = [&](Value a, Value b) -> Value {
      return arith::MinUIOp::create(builder, loc, a, b);
    };
    auto mod = [&](Value a) -> Value {
      return arith::RemUIOp::create(builder, loc, a, capacity);
    };
    // The chunk goes to slots [s, s + first) and [0, L - first).
    Value slot = mod(start);
    Value first =
        min(steps, arith::SubIOp::create(builder, loc, capacity, slot));
    Value rest = arith::SubIOp::create(builder, loc, steps, first);
    // The queries read the last n = min(end, left + L) steps, from slot e:
    // [e, e + head) and [0, n - head).
    Value seen = min(end, needed);
    Value from = mod(arith::SubIOp::create(builder, loc, end, seen));
    Value head = min(seen, arith::SubIOp::create(builder, loc, capacity, from));
    Value tail = arith::SubIOp::create(builder, loc, seen, head);
    append = [&, slot, first, rest, from, head, tail](Value cache,
                                                      Value chunk) {
      Value next =
          slices.insert(slices.extract(chunk, builder.getIndexAttr(0), first),
                        cache, slot, first);
      next = slices.insert(slices.extract(chunk, first, rest), next,
                           builder.getIndexAttr(0), rest);
      Value ordered = tensor::ConcatOp::create(
          builder, loc, /*dim=*/2,
          ValueRange{slices.extract(next, from, head),
                     slices.extract(next, builder.getIndexAttr(0), tail)});
      return std::make_pair(next, ordered);
    };
  }
  auto [keyNext, keysSeen] = append(keyCache, op.getKey());
  auto [valueNext, valuesSeen] = append(valueCache, op.getValue());
  op.getKeyMutable().assign(keysSeen);
  op.getValueMutable().assign(valuesSeen);
  // The chunk's queries are the last `steps` of the keys seen (the window,
  // if any, still applies relative to each query).
  op.setCausal(CausalAlignment::bottom_right);
  Value positionNext = tensor::FromElementsOp::create(
      builder, loc, positionType,
      ValueRange{
          arith::IndexCastOp::create(builder, loc, builder.getI64Type(), end)});
  s.carry(keyCache, keyNext, cacheDims(4), /*inPlace=*/true);
  s.carry(valueCache, valueNext, cacheDims(4), /*inPlace=*/true);
  s.carry(position, positionNext,
          ArrayAttr::get(ctx, {StringAttr::get(ctx, "")}));
  s.explainState(keyCache, "the key cache");
  s.explainState(valueCache, "the value cache");
  s.explainState(position, "the steps seen so far");
  return success();
}

struct AttentionModel
    : StreamableOpInterface::ExternalModel<AttentionModel, AttentionOp> {
  LogicalResult carryStreamState(Operation *op, StreamState &s) const {
    return carryAttention(cast<AttentionOp>(op), s);
  }
  std::string futureStepsReason(Operation *op, StreamState &s) const {
    return readsFutureSteps(cast<AttentionOp>(op), s)
               ? whyFutureSteps(cast<AttentionOp>(op))
               : "";
  }
};

} // namespace

void attachAttentionStreamingModels(MLIRContext *ctx) {
  AttentionOp::attachInterface<AttentionModel>(*ctx);
}

} // namespace seqc::seq
