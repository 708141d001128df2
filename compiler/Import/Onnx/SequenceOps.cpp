//===- SequenceOps.cpp - ONNX sequences -----------------------------------===//
//
// seqc has no sequence type: a sequence is what a Loop does with it, or a
// list of tensors the importer holds.
//  - SequenceEmpty before a Loop, SequenceInsert in its body,
//    ConcatFromSequence after it: the Loop's per-step values, stacked
//    (ControlFlowOps.cpp makes them a seq.scan's outputs).
//  - SplitToSequence of x into pieces of one step along an axis, its
//    SequenceLength as a Loop's trip count and SequenceAt(pieces, t) in the
//    body: what torch exports for `for x_t in x.unbind(1)` and
//    `for x_t in torch.split(x, 1, dim=1)`. The pieces are x itself (an
//    OnnxValue::Sequence::split), and the Loop reads step t of x along the
//    axis as it reads a Gather(x, t).
//  - Sequences whose length is known at compile time: SequenceConstruct,
//    SplitToSequence into pieces of given sizes, SequenceInsert and
//    SequenceErase, and the values a Loop unrolled at import appends
//    (UnrolledLoops.cpp: torch 1.13's repeat_interleave), read at constant
//    positions by SequenceAt, counted by SequenceLength and joined by
//    ConcatFromSequence. The importer holds their tensors as a list
//    (OnnxValue::Sequence::list).
// Positions computed at run time, outside a Loop's step reads, are
// refused with a message.
//
//===----------------------------------------------------------------------===//

#include "compiler/Import/Onnx/GraphImporter.h"
#include "dialects/Seq/Utils/TensorUtils.h"

#include "dialects/Seq/Utils/CheckUtils.h"
#include "dialects/Seq/Utils/SizeUtils.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/Dialect/Utils/StaticValueUtils.h"

using namespace mlir;

namespace seqc::onnx_import {

/// ConcatFromSequence of a list of tensors: joined along `axis`
/// (new_axis = 0), or stacked along a new `axis` (new_axis = 1; -1 is
/// after the last dimension, as for Unsqueeze).
static LogicalResult importConcatFromList(GraphImporter &g,
                                          std::vector<OnnxValue> values) {
  if (values.empty()) {
    g.nodeError() << "joins an empty sequence; ONNX needs at least one "
                     "tensor to give the result a type";
    return failure();
  }
  bool stack = g.intAttr("new_axis", 0) == 1;
  // Integer vectors known element by element (shape pieces) stay so.
  if (!stack && llvm::all_of(values, [](const OnnxValue &v) {
        return isSymbolicInt(&v) && !isScalarInt(&v);
      })) {
    Ints joined;
    for (const OnnxValue &v : values)
      joined.append(*g.intsOf(v));
    g.setOutput(0, symbolic(joined, false));
    return success();
  }
  SmallVector<Value> items;
  for (OnnxValue &v : values)
    items.push_back(g.tensorOf(v));
  std::optional<int64_t> axisAttr = g.intAttr("axis");
  if (!axisAttr) {
    g.nodeError() << "needs the attribute 'axis'";
    return failure();
  }
  RankedTensorType first = tensorType(items[0]);
  std::optional<int64_t> axis =
      normalizeAxis(g, *axisAttr, first.getRank() + (stack ? 1 : 0));
  if (!axis)
    return failure();
  SmallVector<Value> parts;
  for (auto [i, v] : llvm::enumerate(items)) {
    RankedTensorType t = tensorType(v);
    bool agree = t.getRank() == first.getRank() &&
                 t.getElementType() == first.getElementType() &&
                 (stack || t.getRank() >= 1);
    for (int64_t d = 0; agree && d < t.getRank(); ++d)
      agree = (!stack && d == *axis) || t.isDynamicDim(d) ||
              first.isDynamicDim(d) || t.getDimSize(d) == first.getDimSize(d);
    if (!agree) {
      g.nodeError() << "joins element " << i << " of type " << t
                    << " with element 0 of type " << first
                    << (stack ? ", which cannot be stacked"
                              : ", which cannot be concatenated")
                    << " along axis " << *axis;
      return failure();
    }
    parts.push_back(stack ? seq::insertUnitDim(g.builder, g.loc, v, *axis) : v);
  }
  g.setOutput(0, parts.size() == 1
                     ? parts[0]
                     : tensor::ConcatOp::create(g.builder, g.loc, *axis, parts)
                           .getResult());
  return success();
}

/// ConcatFromSequence of a Loop's per-step values [M, ...]: stacked along
/// `axis` (new_axis = 1), or joined along the elements' `axis` (new_axis =
/// 0).
static LogicalResult importConcatFromSequence(GraphImporter &g) {
  const OnnxValue *in = g.input(0);
  if (in && in->sequence == OnnxValue::Sequence::list)
    return importConcatFromList(g, in->items);
  if (in && in->sequence == OnnxValue::Sequence::split) {
    // Single steps joined back along their own axis are the tensor split:
    // kept axes concatenated (new_axis = 0), or dropped ones stacked
    // (new_axis = 1). Stacked along another axis, they are the tensor with
    // the split axis moved there (and a kept one's unit dimension after
    // it).
    bool stack = g.intAttr("new_axis", 0) == 1;
    int64_t rank = tensorType(in->tensor).getRank();
    int64_t pieceRank = in->splitKeepsDims ? rank : rank - 1;
    int64_t split = in->splitAxis;
    std::optional<int64_t> axis =
        normalizeAxis(g, g.intAttr("axis", 0), pieceRank + (stack ? 1 : 0));
    if (!axis)
      return failure();
    if (!stack && in->splitKeepsDims && *axis == split) {
      g.setOutput(0, in->tensor);
      return success();
    }
    if (stack) {
      Value x = in->tensor;
      if (in->splitKeepsDims)
        x = seq::insertUnitDim(g.builder, g.loc, x, split + 1);
      if (*axis != split) {
        // The steps' dimension moved from `split` to `axis`.
        SmallVector<int64_t> perm;
        for (int64_t d = 0; d < tensorType(x).getRank(); ++d)
          if (d != split)
            perm.push_back(d);
        perm.insert(perm.begin() + *axis, split);
        x = seq::createTranspose(g.builder, g.loc, x, perm);
      }
      g.setOutput(0, x);
      return success();
    }
    g.nodeError() << "concatenates the single steps of a SplitToSequence "
                     "along axis "
                  << *axis << " of the pieces, not the one they were split "
                  << "along (" << split
                  << (in->splitKeepsDims ? ")" : ", which the pieces dropped)")
                  << "; not supported";
    return failure();
  }
  if (!in || in->sequence != OnnxValue::Sequence::stacked) {
    g.nodeError() << "reads a sequence that is not the per-step values of a "
                     "Loop; other sequences are not supported";
    return failure();
  }
  Value stacked = in->tensor;
  auto type = tensorType(stacked);
  int64_t newAxis = g.intAttr("new_axis", 0);
  std::optional<int64_t> axisAttr = g.intAttr("axis");
  if (!axisAttr) {
    g.nodeError() << "needs the attribute 'axis'";
    return failure();
  }
  if (newAxis == 1) {
    std::optional<int64_t> axis = normalizeAxis(g, *axisAttr, type.getRank());
    if (!axis)
      return failure();
    if (*axis == 0) {
      g.setOutput(0, stacked);
      return success();
    }
    // Move the step dimension to `axis`.
    SmallVector<int64_t> perm;
    for (int64_t d = 1; d < type.getRank(); ++d) {
      if (d - 1 == *axis)
        perm.push_back(0);
      perm.push_back(d);
    }
    if (static_cast<int64_t>(perm.size()) < type.getRank())
      perm.push_back(0);
    g.setOutput(0, seq::createTranspose(g.builder, g.loc, stacked, perm));
    return success();
  }
  if (type.getRank() < 2) {
    g.nodeError() << "joins rank-0 elements; Concat needs elements of rank "
                     "1 or more (new_axis = 1 stacks scalars)";
    return failure();
  }
  std::optional<int64_t> axis = normalizeAxis(g, *axisAttr, type.getRank() - 1);
  if (!axis)
    return failure();
  // Joining along element axis a: the step dimension moves just before a
  // (a transpose, when a > 0) and merges with it, steps outer, as Concat
  // of the elements in order lays them out (`torch.cat(outs, dim=1)` of a
  // scripted batch-first loop).
  if (*axis != 0) {
    SmallVector<int64_t> perm;
    for (int64_t d = 1; d <= *axis; ++d)
      perm.push_back(d);
    perm.push_back(0);
    for (int64_t d = *axis + 1; d < type.getRank(); ++d)
      perm.push_back(d);
    stacked = seq::createTranspose(g.builder, g.loc, stacked, perm);
  }
  SmallVector<ReassociationIndices> groups;
  for (int64_t d = 0; d < type.getRank(); ++d) {
    if (d == *axis + 1)
      groups.back().push_back(d);
    else
      groups.push_back({d});
  }
  g.setOutput(0,
              tensor::CollapseShapeOp::create(g.builder, g.loc, stacked, groups)
                  .getResult());
  return success();
}

/// The rank of an integer input known to the importer (a constant, a
/// symbolic int or a tensor).
static int64_t intsRank(GraphImporter &g, const OnnxValue &v) {
  if (v.constant)
    return v.constant.getType().getRank();
  if (v.elements)
    return v.scalar ? 0 : 1;
  return v.tensor ? tensorType(v.tensor).getRank() : -1;
}

/// Whether `lengths` add up to x's extent along `axis`: an error when
/// they cannot (a static extent, a sum past 2^63), a run-time check when
/// the extent is known only then.
static LogicalResult checkSplitTotal(GraphImporter &g, Value x, int64_t axis,
                                     ArrayRef<int64_t> lengths) {
  int64_t total = 0;
  for (int64_t n : lengths)
    if (llvm::AddOverflow(total, n, total)) {
      g.nodeError() << "split sizes add up past 2^63";
      return failure();
    }
  OpFoldResult extent = g.dimSize(x, axis);
  if (std::optional<int64_t> dim = getConstantIntValue(extent)) {
    if (*dim == total)
      return success();
    g.nodeError() << "split sizes add up to " << total << ", but axis " << axis
                  << " has " << *dim << " elements";
    return failure();
  }
  Value d = g.indexValue(extent);
  seq::createCheck(g.builder, g.loc,
                   arith::CmpIOp::create(
                       g.builder, g.loc, arith::CmpIPredicate::eq, d,
                       arith::ConstantIndexOp::create(g.builder, g.loc, total)),
                   d,
                   seq::describeLocation(g.loc) +
                       ": the split sizes add up to " + std::to_string(total) +
                       ", but axis " + std::to_string(axis) +
                       " has {} elements",
                   seq::CheckKind::shape);
  return success();
}

/// x split along `axis` into pieces of `lengths` (checked to add up to its
/// extent there).
static FailureOr<SmallVector<Value>>
sliceInto(GraphImporter &g, Value x, int64_t axis, ArrayRef<int64_t> lengths) {
  if (failed(checkSplitTotal(g, x, axis, lengths)))
    return failure();
  int64_t rank = tensorType(x).getRank();
  SmallVector<OpFoldResult> offsets(rank, g.builder.getIndexAttr(0)),
      sizes = shapeOf(g, x), strides(rank, g.builder.getIndexAttr(1));
  SmallVector<Value> pieces;
  int64_t offset = 0;
  for (int64_t n : lengths) {
    offsets[axis] = g.builder.getIndexAttr(offset);
    sizes[axis] = g.builder.getIndexAttr(n);
    pieces.push_back(
        seq::extractSliceOrEmpty(g.builder, g.loc, x, offsets, sizes, strides));
    offset += n;
  }
  return pieces;
}

/// SplitToSequence (ONNX: without `split`, pieces of one element along
/// `axis`, which `keepdims` keeps; with a scalar `split`, pieces of that
/// size, the last one smaller; with a 1-D `split`, pieces of those sizes,
/// which add up to the axis' extent).
///  - Pieces of one (no `split`, a scalar 1, a 1-D `split` of ones): x
///    itself, which a Loop reads step by step or SequenceAt at a position.
///    `keepdims` applies without `split` and, as ONNX Runtime and torch's
///    x.unbind(dim) export read it, to a scalar one.
///  - Other sizes known at compile time: a list of slices (a scalar size
///    needs the axis' extent at compile time to count the pieces).
static LogicalResult importSplitToSequence(GraphImporter &g) {
  const OnnxValue *x = g.input(0);
  Value source = x && x->sequence == OnnxValue::Sequence::none
                     ? g.tensorInput(0)
                     : Value();
  if (!source) {
    g.nodeError() << "splits a value that is not a tensor";
    return failure();
  }
  std::optional<int64_t> axis =
      normalizeAxis(g, g.intAttr("axis", 0), tensorType(source).getRank());
  if (!axis)
    return failure();
  // An integer vector known element by element (repeat counts, a shape)
  // keeps its elements: its pieces are known too.
  std::optional<Ints> known =
      isSymbolicInt(x) && !isScalarInt(x) ? g.intsOf(*x) : std::nullopt;
  auto singleSteps = [&](bool keepDims) {
    OnnxValue pieces;
    if (known)
      for (OpFoldResult e : *known)
        pieces.items.push_back(symbolic({e}, !keepDims));
    pieces.tensor = source;
    pieces.sequence = OnnxValue::Sequence::split;
    pieces.splitAxis = *axis;
    pieces.splitKeepsDims = keepDims;
    g.setOutput(0, pieces);
    return success();
  };
  const OnnxValue *split = g.input(1);
  if (!split)
    return singleSteps(g.intAttr("keepdims", 1) != 0);
  int64_t splitRank = intsRank(g, *split);
  std::optional<SmallVector<int64_t>> sizes =
      splitRank == 0 || splitRank == 1 ? g.constIntsInput(1) : std::nullopt;
  if (!sizes) {
    InFlightDiagnostic diag = g.nodeError();
    if (splitRank != 0 && splitRank != 1) {
      diag << "has a split of rank " << splitRank << "; ONNX takes a scalar "
           << "or a 1-D tensor of sizes";
      return failure();
    }
    diag << "splits into pieces whose sizes are computed at run time; seqc "
            "needs them at compile time (pieces of one step excepted)";
    // torch 1.13 exports repeat_interleave(x, repeats, dim) as
    // SplitToSequence(x, ones(x.size(dim))) and a Loop; with dim of a size
    // known only at run time, the ones are computed.
    diag << "; torch 1.13 exports repeat_interleave(x, repeats, dim) over a "
            "dimension whose size is known only at run time this way: with "
            "one repeat count n, x.unsqueeze(dim + 1).expand(..., n, ...)"
            ".flatten(dim, dim + 1) computes the same and exports as plain "
            "ops; a repeat count per element (a length regulator's "
            "durations), whose output length depends on the data, is not "
            "supported";
    return failure();
  }
  for (int64_t n : *sizes)
    if (n < 0 || (splitRank == 0 && n == 0)) {
      g.nodeError() << "has the split size " << n << "; sizes must be "
                    << (splitRank == 0 ? "positive" : "0 or more");
      return failure();
    }
  SmallVector<OpFoldResult> shape = shapeOf(g, source);
  std::optional<int64_t> extent = getConstantIntValue(shape[*axis]);
  SmallVector<int64_t> lengths;
  if (splitRank == 0) {
    int64_t chunk = (*sizes)[0];
    if (chunk == 1)
      return singleSteps(g.intAttr("keepdims", 1) != 0);
    if (!extent) {
      g.nodeError() << "splits axis " << *axis << ", whose extent is known "
                    << "only at run time, into pieces of " << chunk
                    << "; seqc needs the number of pieces at compile time";
      return failure();
    }
    for (int64_t offset = 0; offset < *extent; offset += chunk)
      lengths.push_back(std::min(chunk, *extent - offset));
  } else if (llvm::all_of(*sizes, [](int64_t n) { return n == 1; })) {
    // x.unbind's pieces, counted: their count must be the extent.
    if (failed(checkSplitTotal(g, source, *axis, *sizes)))
      return failure();
    return singleSteps(true);
  } else {
    lengths.assign(sizes->begin(), sizes->end());
  }
  FailureOr<SmallVector<Value>> pieces = sliceInto(g, source, *axis, lengths);
  if (failed(pieces))
    return failure();
  OnnxValue list;
  list.sequence = OnnxValue::Sequence::list;
  int64_t offset = 0;
  for (auto [piece, n] : llvm::zip_equal(*pieces, lengths)) {
    OnnxValue item;
    if (known)
      item = symbolic(
          Ints(known->begin() + offset, known->begin() + offset + n), false);
    item.tensor = piece;
    list.items.push_back(item);
    offset += n;
  }
  g.setOutput(0, list);
  return success();
}

/// The position input `i` of SequenceAt / SequenceInsert / SequenceErase,
/// a constant scalar.
static std::optional<int64_t> constantPosition(GraphImporter &g, unsigned i) {
  const OnnxValue *p = g.input(i);
  std::optional<SmallVector<int64_t>> position = g.constIntsInput(i);
  if (p && position && position->size() == 1 && intsRank(g, *p) == 0)
    return (*position)[0];
  g.nodeError() << "reads a sequence at a position that is not a constant "
                   "scalar; seqc reads sequences at constant positions, or "
                   "a split at a Loop's step index";
  return std::nullopt;
}

/// `position` in [-count, count) (`count + 1` when `inserting`), as an
/// index from the front; an error naming the range when not.
static std::optional<int64_t> positionIn(GraphImporter &g, int64_t position,
                                         int64_t count, bool inserting) {
  int64_t bound = count + (inserting ? 1 : 0);
  if (position < -count || position >= bound) {
    g.nodeError() << "position " << position
                  << " is out of range for a sequence of " << count
                  << " tensors (valid: " << -count << " to " << bound - 1
                  << ")";
    return std::nullopt;
  }
  return position < 0 ? position + count : position;
}

/// SequenceAt(s, p) at a constant position p outside a Loop's step reads:
/// a list's item p, or piece p of a split or of a Loop's stacked per-step
/// values (negative p counts from the end; checked at run time when the
/// length is).
static LogicalResult importSequenceAt(GraphImporter &g) {
  const OnnxValue *s = g.input(0);
  if (!s || s->sequence == OnnxValue::Sequence::none) {
    g.nodeError() << "reads a position of '" << g.node->input(0)
                  << "', which is not a sequence";
    return failure();
  }
  std::optional<int64_t> position = constantPosition(g, 1);
  if (!position)
    return failure();
  if (s->sequence == OnnxValue::Sequence::empty) {
    g.nodeError() << "reads position " << *position << " of an empty sequence";
    return failure();
  }
  if (s->sequence == OnnxValue::Sequence::list) {
    std::optional<int64_t> at =
        positionIn(g, *position, static_cast<int64_t>(s->items.size()), false);
    if (!at)
      return failure();
    g.setOutput(0, s->items[*at]);
    return success();
  }
  // One step of x along the split axis, or of a Loop's values stacked
  // along dimension 0.
  bool split = s->sequence == OnnxValue::Sequence::split;
  int64_t axis = split ? s->splitAxis : 0;
  Value x = s->tensor;
  OpFoldResult length = g.dimSize(x, axis);
  if (std::optional<int64_t> n = getConstantIntValue(length)) {
    if (!positionIn(g, *position, *n, false))
      return failure();
  } else {
    Value size = g.indexValue(length);
    Value needed = arith::ConstantIndexOp::create(
        g.builder, g.loc, *position < 0 ? -*position : *position + 1);
    seq::createCheck(g.builder, g.loc,
                     arith::CmpIOp::create(g.builder, g.loc,
                                           arith::CmpIPredicate::sge, size,
                                           needed),
                     size,
                     seq::describeLocation(g.loc) + ": position " +
                         std::to_string(*position) +
                         " is out of range for a sequence of {} tensors",
                     seq::CheckKind::shape);
  }
  OpFoldResult index = g.builder.getIndexAttr(*position);
  if (*position < 0)
    index = arith::AddIOp::create(
                g.builder, g.loc, g.indexValue(length),
                arith::ConstantIndexOp::create(g.builder, g.loc, *position))
                .getResult();
  if (split && !s->items.empty()) {
    // A piece of an integer vector known element by element.
    int64_t count = static_cast<int64_t>(s->items.size());
    g.setOutput(0, s->items[*position < 0 ? *position + count : *position]);
    return success();
  }
  Value piece = seq::extractIndexAlong(g.builder, g.loc, x, axis, index);
  if (split && s->splitKeepsDims)
    piece = seq::insertUnitDim(g.builder, g.loc, piece, axis);
  g.setOutput(0, piece);
  return success();
}

/// The items of sequence input 0 as a list (an empty sequence has none),
/// for the ops that make a new list from it.
static std::optional<std::vector<OnnxValue>> listInput(GraphImporter &g) {
  const OnnxValue *s = g.input(0);
  if (s && s->sequence == OnnxValue::Sequence::empty)
    return std::vector<OnnxValue>{};
  if (s && s->sequence == OnnxValue::Sequence::list)
    return s->items;
  g.nodeError() << "changes a sequence that is not a list of tensors known "
                   "at compile time (SequenceEmpty, SequenceConstruct, "
                   "SplitToSequence into sizes other than single steps); "
                << kSupportedSequences;
  return std::nullopt;
}

static void setListOutput(GraphImporter &g, std::vector<OnnxValue> items) {
  OnnxValue list;
  list.sequence =
      items.empty() ? OnnxValue::Sequence::empty : OnnxValue::Sequence::list;
  list.items = std::move(items);
  g.setOutput(0, list);
}

/// Tensor input `i` for a list whose items are of `elementType` (null: of
/// any): the value, or null after an error.
static const OnnxValue *listItemInput(GraphImporter &g, unsigned i,
                                      const std::vector<OnnxValue> &items) {
  Value v = g.tensorInput(i);
  if (!v)
    return nullptr;
  if (!items.empty()) {
    OnnxValue first = items[0];
    Type element = tensorType(g.tensorOf(first)).getElementType();
    if (tensorType(v).getElementType() != element) {
      g.nodeError() << "input " << i << " is " << tensorType(v)
                    << ", of another element type than the sequence's "
                    << element;
      return nullptr;
    }
  }
  return g.input(i);
}

/// SequenceConstruct(a, b, ...): the list [a, b, ...], of one element type.
static LogicalResult importSequenceConstruct(GraphImporter &g) {
  std::vector<OnnxValue> items;
  for (int i = 0; i < g.node->input_size(); ++i) {
    const OnnxValue *v = listItemInput(g, i, items);
    if (!v)
      return failure();
    items.push_back(*v);
  }
  setListOutput(g, std::move(items));
  return success();
}

/// SequenceInsert(s, t, p) outside a Loop's collected values: t inserted
/// before position p (at the end without p).
static LogicalResult importSequenceInsert(GraphImporter &g) {
  std::optional<std::vector<OnnxValue>> items = listInput(g);
  if (!items)
    return failure();
  const OnnxValue *v = listItemInput(g, 1, *items);
  if (!v)
    return failure();
  int64_t at = static_cast<int64_t>(items->size());
  if (g.input(2)) {
    std::optional<int64_t> position = constantPosition(g, 2);
    std::optional<int64_t> index =
        position ? positionIn(g, *position, at, true) : std::nullopt;
    if (!index)
      return failure();
    at = *index;
  }
  items->insert(items->begin() + at, *v);
  setListOutput(g, std::move(*items));
  return success();
}

/// SequenceErase(s, p): s without its item p (the last without p).
static LogicalResult importSequenceErase(GraphImporter &g) {
  std::optional<std::vector<OnnxValue>> items = listInput(g);
  if (!items)
    return failure();
  int64_t position = -1;
  if (g.input(1)) {
    std::optional<int64_t> p = constantPosition(g, 1);
    if (!p)
      return failure();
    position = *p;
  }
  std::optional<int64_t> at =
      positionIn(g, position, static_cast<int64_t>(items->size()), false);
  if (!at)
    return failure();
  items->erase(items->begin() + *at);
  setListOutput(g, std::move(*items));
  return success();
}

LogicalResult importSequenceOp(GraphImporter &g, StringRef op, bool &handled) {
  handled = true;
  if (op == "SplitToSequence")
    return importSplitToSequence(g);
  if (op == "SequenceEmpty") {
    OnnxValue v;
    v.sequence = OnnxValue::Sequence::empty;
    g.setOutput(0, v);
    return success();
  }
  if (op == "ConcatFromSequence")
    return importConcatFromSequence(g);
  if (op == "SequenceAt")
    return importSequenceAt(g);
  if (op == "SequenceConstruct")
    return importSequenceConstruct(g);
  if (op == "SequenceInsert")
    return importSequenceInsert(g);
  if (op == "SequenceErase")
    return importSequenceErase(g);
  if (op == "SequenceLength") {
    const OnnxValue *in = g.input(0);
    OnnxValue length;
    length.scalar = true;
    if (in && in->sequence == OnnxValue::Sequence::split) {
      // The pieces' count: the split axis' size, as an i64 scalar.
      length.elements = SmallVector<OpFoldResult>{
          seq::getDimSize(g.builder, g.loc, in->tensor, in->splitAxis)};
    } else if (in && in->sequence == OnnxValue::Sequence::stacked) {
      length.elements = SmallVector<OpFoldResult>{
          seq::getDimSize(g.builder, g.loc, in->tensor, 0)};
    } else if (in && (in->sequence == OnnxValue::Sequence::list ||
                      in->sequence == OnnxValue::Sequence::empty)) {
      length.elements = SmallVector<OpFoldResult>{
          g.builder.getIndexAttr(static_cast<int64_t>(in->items.size()))};
    } else {
      g.nodeError() << "counts '" << g.node->input(0)
                    << "', which is not a sequence";
      return failure();
    }
    g.setOutput(0, length);
    return success();
  }
  handled = false;
  return success();
}

} // namespace seqc::onnx_import
