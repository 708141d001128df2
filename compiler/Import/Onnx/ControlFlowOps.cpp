//===- ControlFlowOps.cpp - ONNX Loop as seq.scan ------------------------===//
//
// torch.jit.script exports `for t in range(x.size(0))` as
//
//   ys0 = SequenceEmpty()
//   h, ys = Loop(M = Shape(x)[0], cond = true, h0, ys0) {
//     (t, cond, h_prev, ys_prev) ->
//       x_t = Gather(x, t)          # axis 0
//       h = ...(x_t, h_prev)
//       (Identity(true), h, SequenceInsert(ys_prev, h))
//   }
//   y = ConcatFromSequence(ys, axis=0, new_axis=1)
//
// which is a seq.scan: tensors carried through the body are its carried
// state, every Gather(X, t) of an outer X reads a sequence (X's first M
// steps along the Gather's axis: x[:, t] of a batch-first loop reads X
// with that axis moved first), and the values appended to a sequence, like
// the Loop's scan outputs, are per-step outputs stacked along a new axis 0.
// Two other ways people collect a loop's outputs work too: a tensor that
// starts empty along an axis and is only grown by `out = torch.cat([out,
// y], axis)` is a per-step output joined along that axis, and a
// preallocated `out[t] = y` is a carried tensor whose row t the body reads
// (Gather(out, t)) and writes (ScatterND) at run time. The body's nodes are
// imported into the scan's region by the same op importers as the graph's.
//
// Loops that can stop early (a condition computed in the body) and
// sequences used any other way are refused with a message. If is in
// IfOps.cpp.
//
//===----------------------------------------------------------------------===//

#include "compiler/Import/Onnx/GraphImporter.h"
#include "compiler/Import/Onnx/ScanBodies.h"
#include "dialects/Seq/IR/SeqOps.h"
#include "dialects/Seq/Utils/CheckUtils.h"
#include "dialects/Seq/Utils/SizeUtils.h"
#include "dialects/Seq/Utils/TensorUtils.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Arith/Utils/Utils.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/Dialect/Utils/StaticValueUtils.h"
#include "mlir/Interfaces/DestinationStyleOpInterface.h"

#include <limits>
#include <set>

#include "llvm/ADT/SmallBitVector.h"
#include "llvm/ADT/StringSet.h"

using namespace mlir;

namespace seqc::onnx_import {

namespace {

/// How each carried value of the Loop maps onto the scan.
struct CarriedSlot {
  bool isSequence = false; // appended to by SequenceInsert in the body
  std::string insertNode;  // that SequenceInsert's output name
  std::string inserted;    // the value it appends
  /// A tensor grown by `out = torch.cat([out, y], axis)` from an empty
  /// start: the axis (y has size 1 there), else -1.
  int64_t concatAxis = -1;
};

/// Sizes a per-step output of the scan needs before the scan is built: each
/// dynamic dimension of a value in the body, followed back to a value
/// defined outside the scan (an initial state, a scanned sequence, or any
/// outer value). Fails when it cannot be followed.
class OuterSizes {
public:
  OuterSizes(seq::ScanOp scan, OpBuilder &outside)
      : scan(scan), outside(outside) {}

  FailureOr<OpFoldResult> dim(Value v, int64_t d, int depth = 0) {
    auto type = cast<RankedTensorType>(v.getType());
    if (!type.isDynamicDim(d))
      return OpFoldResult(outside.getIndexAttr(type.getDimSize(d)));
    // Each (value, dimension) is followed once: a deep body (stacked cells
    // in a time loop) is a long chain, and a run-time If's select forks
    // it. The depth bounds only the recursion (a chain of 1024 ops).
    auto key = std::make_pair(v, d);
    if (auto known = traced.find(key); known != traced.end())
      return known->second;
    if (depth > kMaxDepth)
      return failure();
    FailureOr<OpFoldResult> result = trace(v, d, depth);
    traced.try_emplace(key, result);
    return result;
  }

private:
  static constexpr int kMaxDepth = 1024;

  FailureOr<OpFoldResult> trace(Value v, int64_t d, int depth) {
    auto type = cast<RankedTensorType>(v.getType());
    if (!scan.getBody().isAncestor(v.getParentRegion()))
      return OpFoldResult(
          tensor::DimOp::create(outside, scan.getLoc(), v, d).getResult());
    if (auto arg = dyn_cast<BlockArgument>(v)) {
      unsigned index = arg.getArgNumber();
      unsigned carried = scan.getNumCarried();
      if (index >= 1 && index <= carried)
        return dim(scan.getInits()[index - 1], d, depth + 1);
      if (index > carried)
        return dim(scan.getSequences()[index - 1 - carried], d + 1, depth + 1);
      return failure();
    }
    Operation *op = v.getDefiningOp();
    if (isa<seq::ActivationOp>(op))
      return dim(op->getOperand(0), d, depth + 1);
    if (auto linear = dyn_cast<seq::LinearOp>(op)) {
      if (d + 1 == type.getRank())
        return failure();
      return dim(linear.getInput(), d, depth + 1);
    }
    if (auto empty = dyn_cast<tensor::EmptyOp>(op))
      return size(empty.getDynamicSize(d), depth);
    if (auto dps = dyn_cast<DestinationStyleOpInterface>(op))
      return dim(dps.getTiedOpOperand(cast<OpResult>(v))->get(), d, depth + 1);
    if (auto concat = dyn_cast<tensor::ConcatOp>(op)) {
      if (static_cast<int64_t>(concat.getDim()) == d)
        return failure();
      return dim(concat.getInputs().front(), d, depth + 1);
    }
    if (auto slice = dyn_cast<tensor::ExtractSliceOp>(op)) {
      // Result dimension d is the d-th source dimension not dropped.
      return size(slice.getMixedSizes()[seq::sliceSourceDim(slice, d)], depth);
    }
    if (auto expand = dyn_cast<tensor::ExpandShapeOp>(op))
      return size(expand.getMixedOutputShape()[d], depth);
    if (auto collapse = dyn_cast<tensor::CollapseShapeOp>(op)) {
      // A group of one dimension of size other than 1.
      ReassociationIndices group = collapse.getReassociationIndices()[d];
      RankedTensorType source = collapse.getSrcType();
      std::optional<int64_t> only;
      for (int64_t s : group)
        if (source.getDimSize(s) != 1) {
          if (only)
            return failure();
          only = s;
        }
      if (!only)
        return failure();
      return dim(collapse.getSrc(), *only, depth + 1);
    }
    if (auto cast = dyn_cast<tensor::CastOp>(op))
      return dim(cast.getSource(), d, depth + 1);
    if (auto pad = dyn_cast<tensor::PadOp>(op)) {
      // Padded by constant amounts (a Conv2d's rows in a ConvLSTM cell).
      std::optional<int64_t> low = getConstantIntValue(pad.getMixedLowPad()[d]),
                             high =
                                 getConstantIntValue(pad.getMixedHighPad()[d]);
      if (!low || !high)
        return failure();
      FailureOr<OpFoldResult> inner = dim(pad.getSource(), d, depth + 1);
      if (failed(inner) || *low + *high == 0)
        return inner;
      if (std::optional<int64_t> c = getConstantIntValue(*inner))
        return OpFoldResult(outside.getIndexAttr(*c + *low + *high));
      Location loc = scan.getLoc();
      return OpFoldResult(
          arith::AddIOp::create(
              outside, loc,
              getValueOrCreateConstantIndexOp(outside, loc, *inner),
              arith::ConstantIndexOp::create(outside, loc, *low + *high))
              .getResult());
    }
    if (auto select = dyn_cast<arith::SelectOp>(op)) {
      // A run-time If: both branches must give the size.
      FailureOr<OpFoldResult> a = dim(select.getTrueValue(), d, depth + 1);
      FailureOr<OpFoldResult> b = dim(select.getFalseValue(), d, depth + 1);
      if (failed(a) || failed(b) || !sameSize(*a, *b))
        return failure();
      return a;
    }
    // A seq op's shape rule ties a result dimension to an operand's (an
    // embedding's rows to its indices, a recurrence's batch to its
    // input's).
    if (auto tied = dyn_cast<seq::DimensionTiesOpInterface>(op)) {
      SmallVector<seq::DimensionTie> ties;
      tied.getDimensionTies(ties);
      for (const seq::DimensionTie &tie : ties) {
        Value other;
        int64_t otherDim = 0;
        if (tie.a == v && tie.dimA == d)
          std::tie(other, otherDim) = std::make_pair(tie.b, tie.dimB);
        else if (tie.b == v && tie.dimB == d)
          std::tie(other, otherDim) = std::make_pair(tie.a, tie.dimA);
        if (!other || other.getDefiningOp() == op)
          continue;
        if (FailureOr<OpFoldResult> size = dim(other, otherDim, depth + 1);
            succeeded(size))
          return size;
      }
    }
    // An elementwise op on tensors of one shape: any operand of the
    // result's type that can be followed.
    if (op->hasTrait<OpTrait::Elementwise>())
      for (Value operand : op->getOperands())
        if (operand.getType() == v.getType())
          if (FailureOr<OpFoldResult> size = dim(operand, d, depth + 1);
              succeeded(size))
            return size;
    return failure();
  }

  /// Whether two traced sizes are provably equal: one constant, one value,
  /// or tensor.dim of one tensor's one dimension.
  static bool sameSize(OpFoldResult a, OpFoldResult b) {
    if (a == b)
      return true;
    std::optional<int64_t> ca = getConstantIntValue(a),
                           cb = getConstantIntValue(b);
    if (ca || cb)
      return ca == cb;
    auto da = cast<Value>(a).getDefiningOp<tensor::DimOp>();
    auto db = cast<Value>(b).getDefiningOp<tensor::DimOp>();
    return da && db && da.getSource() == db.getSource() &&
           da.getConstantIndex() && da.getConstantIndex() == db.getConstantIndex();
  }

  FailureOr<OpFoldResult> size(OpFoldResult ofr, int depth) {
    if (auto attr = dyn_cast<Attribute>(ofr))
      return ofr;
    Value v = cast<Value>(ofr);
    if (!scan.getBody().isAncestor(v.getParentRegion()))
      return ofr;
    if (auto d = v.getDefiningOp<tensor::DimOp>())
      if (std::optional<int64_t> index = d.getConstantIndex())
        return dim(d.getSource(), *index, depth + 1);
    return failure();
  }

  seq::ScanOp scan;
  OpBuilder &outside;
  llvm::DenseMap<std::pair<Value, int64_t>, FailureOr<OpFoldResult>> traced;
};

/// True when `name` is a known constant whose elements are all true
/// (nonzero).
bool isConstantTrue(GraphImporter &g, llvm::StringRef name) {
  OnnxValue *v = g.lookup(name);
  if (!v || !v->constant || v->constant.getNumElements() != 1)
    return false;
  if (v->constant.getElementType().isInteger(1))
    return *v->constant.getValues<bool>().begin();
  if (v->constant.getElementType().isInteger(64))
    return *v->constant.getValues<int64_t>().begin() != 0;
  return false;
}

} // namespace

/// The value a body yields for a carried one: see ScanBodies.h.
FailureOr<Value> yieldCarried(GraphImporter &g, Value next, Value carried,
                              const std::string &what, StringRef hint) {
  auto type = cast<RankedTensorType>(carried.getType());
  if (!next || !tensor::CastOp::areCastCompatible(next.getType(), type)) {
    g.nodeError() << "its body gives " << what << " as "
                  << (next ? next.getType() : Type())
                  << ", not the type it starts with, " << type << hint;
    return failure();
  }
  // Every size either type leaves open (a yielded dynamic size cast to a
  // static carried one would be an unchecked promise), unless the IR shows
  // it is the carried size: the check then costs nothing per step.
  auto nextType = cast<RankedTensorType>(next.getType());
  auto sizeOf = [&](Value v, RankedTensorType t, int64_t d) -> Value {
    if (t.isDynamicDim(d))
      return tensor::DimOp::create(g.builder, g.loc, v, d);
    return arith::ConstantIndexOp::create(g.builder, g.loc, t.getDimSize(d));
  };
  for (int64_t d = 0; d < type.getRank(); ++d) {
    if ((!type.isDynamicDim(d) && !nextType.isDynamicDim(d)) ||
        seq::isSameDimension(next, d, carried, d))
      continue;
    Value size = sizeOf(next, nextType, d), had = sizeOf(carried, type, d);
    seq::createCheck(
        g.builder, g.loc,
        arith::CmpIOp::create(g.builder, g.loc, arith::CmpIPredicate::eq, size,
                              had),
        size,
        seq::describeLocation(g.loc) + ": the " + g.node->op_type() +
            "'s body gives " + what + " {} elements along dimension " +
            std::to_string(d) +
            ", not as many as it had: a state keeps its shape from step to "
            "step",
        seq::CheckKind::shape);
  }
  if (next.getType() != type)
    next = tensor::CastOp::create(g.builder, g.loc, type, next);
  return next;
}

/// Per-step outputs of a loop body: see ScanBodies.h.
FailureOr<seq::ScanOp> addScanOutputs(GraphImporter &g, seq::ScanOp draft,
                                      ArrayRef<std::string> names,
                                      ValueRange perStep, Value steps) {
  OpBuilder &b = g.builder;
  OuterSizes outer(draft, b);
  SmallVector<Value> outs;
  for (auto [name, v] : llvm::zip(names, perStep)) {
    auto type = cast<RankedTensorType>(v.getType());
    SmallVector<OpFoldResult> sizes = {steps};
    for (int64_t d = 0; d < type.getRank(); ++d) {
      FailureOr<OpFoldResult> size = outer.dim(v, d);
      if (failed(size)) {
        g.nodeError() << "cannot tell the size of dimension " << d
                      << " of its per-step value '" << name
                      << "' before the loop runs (it is not traced to a "
                         "carried value, a scanned input or an outer value)";
        draft.erase();
        return failure();
      }
      // The yielded type decides static or dynamic: a traced size that is
      // a constant for a dimension the body leaves dynamic stays a value.
      if (type.isDynamicDim(d) && isa<Attribute>(*size))
        size = OpFoldResult(getValueOrCreateConstantIndexOp(b, g.loc, *size));
      sizes.push_back(*size);
    }
    outs.push_back(
        seq::createEmptyTensor(b, g.loc, sizes, type.getElementType()));
  }
  auto full = seq::ScanOp::create(
      b, g.loc, draft.getInits(), draft.getSequences(), outs,
      draft.getReverse(),
      [](OpBuilder &, Location, Value, ValueRange, ValueRange) {});
  full.getBody().getBlocks().clear();
  full.getBody().takeBody(draft.getBody());
  draft.erase();
  return full;
}

GraphImporter::BodyScope GraphImporter::beginBodyScope() {
  BodyScope scope;
  for (const auto &entry : values)
    scope.namesBefore.insert(entry.getKey());
  return scope;
}

void GraphImporter::bindInBody(BodyScope &scope, StringRef name,
                               OnnxValue value) {
  auto outer = values.find(name);
  if (outer != values.end() && scope.namesBefore.contains(name))
    scope.shadowed.try_emplace(name, outer->second);
  values[name] = value;
}

LogicalResult GraphImporter::endBodyScope(Operation *scan,
                                          const BodyScope &scope,
                                          LogicalResult bodyResult) {
  const llvm::StringSet<> &namesBefore = scope.namesBefore;
  // Outer values first built inside the body (a weight constant) must be
  // built again outside it; the body's own names go out of scope.
  for (auto &entry : values) {
    OnnxValue &v = entry.getValue();
    if (v.tensor && namesBefore.contains(entry.getKey()) &&
        llvm::any_of(scan->getRegions(),
                     [&](Region &region) {
                       return region.isAncestor(v.tensor.getParentRegion());
                     }) &&
        (v.constant || v.elements))
      v.tensor = nullptr;
  }
  leaveBodyScope(scope);
  if (failed(bodyResult))
    scan->erase();
  return bodyResult;
}

LogicalResult
GraphImporter::bindBodyInitializers(BodyScope &scope,
                                    const onnx::GraphProto &body) {
  for (const onnx::TensorProto &init : body.initializer()) {
    FailureOr<DenseElementsAttr> attr = convertTensor(init, true);
    if (failed(attr))
      return failure();
    OnnxValue constant;
    constant.constant = *attr;
    constant.heldDtype = heldIntegerDtype(init.data_type());
    bindInBody(scope, init.name(), constant);
  }
  return success();
}

LogicalResult GraphImporter::importBodyNodes(const onnx::GraphProto &body) {
  const onnx::NodeProto *owner = node;
  Location ownerLoc = loc;
  LogicalResult result = success();
  for (const onnx::NodeProto &n : body.node()) {
    enterNode(n);
    if (failed(importNode())) {
      result = failure();
      break;
    }
  }
  node = owner;
  loc = ownerLoc;
  return result;
}

void GraphImporter::leaveBodyScope(const BodyScope &scope) {
  SmallVector<std::string> bodyNames;
  for (const auto &entry : values)
    if (!scope.namesBefore.contains(entry.getKey()))
      bodyNames.push_back(entry.getKey().str());
  for (const std::string &name : bodyNames)
    values.erase(name);
  for (const auto &entry : scope.shadowed)
    values[entry.getKey()] = entry.getValue();
}

LogicalResult GraphImporter::importLoop() {
  const onnx::AttributeProto *bodyAttr = attr("body");
  if (!bodyAttr || !bodyAttr->has_g()) {
    nodeError() << "has no body graph";
    return failure();
  }
  const onnx::GraphProto &body = bodyAttr->g();
  // Inputs M, cond, carried...; trailing optional inputs may be left out.
  int numCarried = std::max(node->input_size() - 2, 0);
  int numScanOutputs = body.output_size() - 1 - numCarried;
  if (body.input_size() != 2 + numCarried || numScanOutputs < 0) {
    nodeError() << "its body takes " << body.input_size() << " inputs and "
                << "gives " << body.output_size() << " outputs; a Loop with "
                << numCarried << " carried values needs " << 2 + numCarried
                << " and at least " << 1 + numCarried;
    return failure();
  }
  // The patterns below read body nodes' inputs by position.
  if (failed(verifyGraphSchemas(body)))
    return failure();
  // A loop over a length: a trip count, and a condition that stays true.
  std::optional<SmallVector<OpFoldResult>> trip = intsInput(0);
  if (!trip || trip->size() != 1) {
    nodeError() << "has no trip count M (a while loop); seqc imports Loops "
                   "that run a given number of steps (a sequence length)";
    return failure();
  }
  // A negative M runs no step (ONNX's `for (i = 0; i < M && cond; ++i)`,
  // as ONNX Runtime and PyTorch's `range(n)` do); a tensor's length cannot
  // be negative, other trip counts read on the run are clamped to 0.
  if (std::optional<int64_t> m = getConstantIntValue((*trip)[0]); m && *m < 0)
    (*trip)[0] = builder.getIndexAttr(0);
  else if (auto size = dyn_cast<Value>(seq::getDecidedSize((*trip)[0]));
           !m && !(size && size.getDefiningOp<tensor::DimOp>()))
    (*trip)[0] =
        arith::MaxSIOp::create(builder, loc, indexValue((*trip)[0]),
                               arith::ConstantIndexOp::create(builder, loc, 0))
            .getResult();
  if (hasInput(1) && !isConstantTrue(*this, node->input(1))) {
    nodeError() << "starts on a condition computed at run time; seqc imports "
                   "Loops whose condition is the constant true";
    return failure();
  }
  const std::string &condIn = body.input(1).name();
  const std::string &condOut = body.output(0).name();
  std::map<std::string, const onnx::NodeProto *> bodyProducers;
  for (const onnx::NodeProto &n : body.node())
    for (const std::string &out : n.output())
      bodyProducers[out] = &n;
  {
    // The condition passed on, or a constant true, through Identity and
    // Cast (torch 1.13's repeat_interleave loop casts the outer true to
    // bool again).
    std::string source = condOut;
    for (auto it = bodyProducers.find(source);
         it != bodyProducers.end() &&
         (it->second->op_type() == "Identity" ||
          it->second->op_type() == "Cast") &&
         it->second->input_size() == 1;
         it = bodyProducers.find(source))
      source = it->second->input(0);
    bool constant = source == condIn || (!bodyProducers.count(source) &&
                                         isConstantTrue(*this, source));
    if (!constant) {
      nodeError() << "its body computes the condition '" << condOut
                  << "' (the loop may stop early); seqc imports Loops that "
                     "run all M steps";
      return failure();
    }
  }
  // torch writes a `while` loop's missing bound as INT64_MAX; with a
  // condition that stays true the loop would never end.
  if (std::optional<int64_t> m = getConstantIntValue((*trip)[0]);
      m && *m == std::numeric_limits<int64_t>::max()) {
    nodeError() << "has the trip count " << *m
                << " (INT64_MAX: a while loop without a bound) and a "
                   "condition that stays true, so it would never end";
    return failure();
  }
  if (const onnx::NodeProto *nested = findNestedLoop(body)) {
    nodeError() << "its body holds a nested " << nested->op_type() << " node '"
                << nested->name() << "', which is not supported";
    return failure();
  }

  // A body whose shapes change from step to step (torch 1.13's
  // repeat_interleave), over a trip count known at compile time: imported
  // once per step (UnrolledLoops.cpp). Over one known only at run time,
  // the scan below names the value whose size it cannot tell.
  const onnx::NodeProto *stepShaped = findStepShapedNode(body);
  if (stepShaped) {
    std::optional<int64_t> m = getConstantIntValue((*trip)[0]);
    if (m && *m <= kMaxUnrolledSteps &&
        *m * std::max(body.node_size(), 1) <= kMaxUnrolledNodes)
      return importUnrolledLoop(body, *m);
  }

  // Carried values: tensors stay carried; a sequence started empty and
  // appended to once per step is a per-step output.
  const std::string &iterName = body.input(0).name();
  // The axis along which carried value k starts empty (a static 0) and is
  // only ever grown as Concat(carried, y) along it.
  auto grownByConcat =
      [&](int k, OnnxValue *init,
          const std::map<std::string, const onnx::NodeProto *> &producers)
      -> std::optional<int64_t> {
    RankedTensorType type;
    if (init->constant)
      type = cast<RankedTensorType>(init->constant.getType());
    else if (init->tensor)
      type = dyn_cast<RankedTensorType>(init->tensor.getType());
    std::optional<int64_t> axis;
    auto it = producers.find(body.output(1 + k).name());
    if (!type || it == producers.end() ||
        it->second->op_type() != "Concat" || it->second->input_size() != 2 ||
        it->second->input(0) != body.input(2 + k).name())
      return std::nullopt;
    for (const onnx::AttributeProto &a : it->second->attribute())
      if (a.name() == "axis")
        axis = a.i() < 0 ? a.i() + type.getRank() : a.i();
    if (!axis || *axis < 0 || *axis >= type.getRank() ||
        type.getDimSize(*axis) != 0)
      return std::nullopt;
    // The body reads the carried value only to grow it, and the grown
    // value not at all (it becomes the loop's output, not a body value),
    // not even in an If's branch.
    if (graphReads(body, body.input(2 + k).name(), it->second) ||
        graphReads(body, it->second->output(0), nullptr))
      return std::nullopt;
    for (int o = 0; o < body.output_size(); ++o)
      if (o != 1 + k && body.output(o).name() == it->second->output(0))
        return std::nullopt;
    return axis;
  };
  SmallVector<CarriedSlot> slots(numCarried);
  SmallVector<Value> inits;
  for (int k = 0; k < numCarried; ++k) {
    const std::string &initName = node->input(2 + k);
    OnnxValue *init = lookup(initName);
    if (!init) {
      nodeError() << "carried value '" << initName << "' is not defined";
      return failure();
    }
    if (init->sequence == OnnxValue::Sequence::empty) {
      auto it = bodyProducers.find(body.output(1 + k).name());
      const onnx::NodeProto *insert =
          it == bodyProducers.end() ? nullptr : it->second;
      if (!insert || insert->op_type() != "SequenceInsert" ||
          insert->input_size() != 2 ||
          insert->input(0) != body.input(2 + k).name()) {
        nodeError() << "carries the sequence '" << initName
                    << "', which its body must append to once per step "
                       "(SequenceInsert without a position)";
        return failure();
      }
      slots[k] = {true, insert->output(0), insert->input(1)};
      continue;
    }
    if (init->sequence != OnnxValue::Sequence::none) {
      nodeError() << "carries the sequence '" << initName
                  << "', which does not start empty";
      return failure();
    }
    // A tensor that starts empty along an axis and that the body only
    // grows by one step along it (`out = torch.cat([out, y], axis)`) is a
    // per-step output too, joined along that axis.
    if (std::optional<int64_t> axis = grownByConcat(k, init, bodyProducers)) {
      auto it = bodyProducers.find(body.output(1 + k).name());
      slots[k] = {true, it->second->output(0), it->second->input(1), *axis};
      continue;
    }
    Value tensor = materialize(*init);
    if (!tensor) {
      nodeError() << "carried value '" << initName << "' is not a tensor";
      return failure();
    }
    inits.push_back(tensor);
  }

  // Sequences: every Gather(X, t) of an outer X reads step t along its
  // axis. A Gather of a carried value at t (a preallocated `out[t] = h`
  // reads its own row t) is a plain gather at run time.
  std::set<std::string> carriedNames;
  for (int k = 0; k < numCarried; ++k)
    carriedNames.insert(body.input(2 + k).name());
  Value steps = indexValue((*trip)[0]);
  SmallVector<Value> sequences;
  llvm::StringMap<unsigned> sequenceOf; // "X@axis" -> index in `sequences`
  llvm::StringMap<unsigned> gathered;   // Gather output -> sequence index
  llvm::StringMap<int32_t> gatheredDtype; // ... -> the held dtype of X
  // SequenceAt(pieces, t) of x split into single steps (`for x_t in
  // x.unbind(1)`, SequenceOps.cpp) reads step t of x too; a piece that
  // keeps the split axis gets it back as a size-1 dimension.
  llvm::StringMap<int64_t> keptAxis; // SequenceAt output -> axis
  // The reads of step t of values defined outside the loop: at the
  // body's top level, and a group per If of the body (LoopGraphs.cpp).
  SmallVector<const onnx::NodeProto *> reads;
  SmallVector<SmallVector<const onnx::NodeProto *>> branchGroups;
  collectLoopStepReads(body, iterName, carriedNames, reads, branchGroups);
  // X holds every step the loop runs: the sequence is all of X.
  auto isWholeSequence = [&](Value original, int64_t axis) {
    // The usual loop runs over all of X (M = Shape(X)[axis]); also a
    // sequence whose length is the trip count's source's on every run:
    // `for t in range(x.size(1))` reading `q[:, t]` of q = Linear(x)
    // (SizeUtils reads both lengths back to x's).
    auto tripDim = steps.getDefiningOp<tensor::DimOp>();
    std::optional<int64_t> tripConst = getConstantIntValue((*trip)[0]);
    int64_t staticLength =
        cast<RankedTensorType>(original.getType()).getDimSize(axis);
    return (tripDim && tripDim.getSource() == original &&
            tripDim.getConstantIndex() == axis) ||
           (tripConst && !ShapedType::isDynamic(staticLength) &&
            *tripConst == staticLength) ||
           (tripDim && seq::isSameSize(steps, seq::getDimSize(builder, loc,
                                                              original, axis)));
  };
  // A branch's reads bind to the scan's steps only where X holds every
  // step (no length check: the branch may be guarded, `if t < e.size(1):
  // e[:, t]`), and all of one If's or none (a branch reading a value it
  // makes, z[:, t], keeps its Gather, and so do the others).
  auto readsWholeSequence = [&](const onnx::NodeProto &n) {
    int64_t axis = 0;
    for (const onnx::AttributeProto &a : n.attribute())
      if (a.name() == "axis")
        axis = a.i();
    OnnxValue *x = lookup(n.input(0));
    if (!x || (x->sequence != OnnxValue::Sequence::none &&
               x->sequence != OnnxValue::Sequence::split))
      return false;
    if (n.op_type() == "SequenceAt") {
      if (x->sequence != OnnxValue::Sequence::split)
        return false;
      axis = x->splitAxis;
    }
    Value source = materialize(*x);
    int64_t rank = cast<RankedTensorType>(source.getType()).getRank();
    if (rank < 1 || axis < -rank || axis >= rank)
      return false;
    return isWholeSequence(source, axis < 0 ? axis + rank : axis);
  };
  llvm::StringSet<> branchReads;
  for (const SmallVector<const onnx::NodeProto *> &group : branchGroups)
    if (llvm::all_of(group, [&](const onnx::NodeProto *n) {
          return readsWholeSequence(*n);
        }))
      for (const onnx::NodeProto *n : group) {
        reads.push_back(n);
        branchReads.insert(n->output(0));
      }
  for (const onnx::NodeProto *read : reads) {
    const onnx::NodeProto &n = *read;
    bool pieceAt = n.op_type() == "SequenceAt";
    int64_t axis = 0;
    for (const onnx::AttributeProto &a : n.attribute())
      if (a.name() == "axis")
        axis = a.i();
    OnnxValue *x = lookup(n.input(0));
    if (pieceAt) {
      if (!x || x->sequence != OnnxValue::Sequence::split)
        continue; // refused as any other SequenceAt
      axis = x->splitAxis;
      if (x->splitKeepsDims)
        keptAxis[n.output(0)] = axis;
    }
    Value source = x && (x->sequence == OnnxValue::Sequence::none ||
                         x->sequence == OnnxValue::Sequence::split)
                       ? materialize(*x)
                       : Value();
    int64_t rank =
        source ? cast<RankedTensorType>(source.getType()).getRank() : 0;
    if (!source || rank < 1 || axis < -rank || axis >= rank) {
      nodeError() << "its body reads step t of '" << n.input(0)
                  << "' along axis " << axis
                  << ", which is not a dimension of a tensor";
      return failure();
    }
    if (axis < 0)
      axis += rank;
    // x[:, t] (a batch-first loop) reads the steps of X with that axis
    // first.
    std::string key = n.input(0) + "@" + std::to_string(axis);
    auto [it, inserted] = sequenceOf.try_emplace(key, sequences.size());
    if (inserted) {
      // All of X: the sequence, without a slice or a check.
      bool whole = isWholeSequence(source, axis);
      if (axis != 0) {
        SmallVector<int64_t> perm = {axis};
        for (int64_t d = 0; d < rank; ++d)
          if (d != axis)
            perm.push_back(d);
        source = seq::createTranspose(builder, loc, source, perm);
      }
      if (whole) {
        sequences.push_back(source);
        gathered[n.output(0)] = it->second;
        if (const OnnxValue *x = lookup(n.input(0)))
          gatheredDtype[n.output(0)] = x->heldDtype;
        continue;
      }
      // Step t < M of X: X must hold M steps; the scan reads X[0:M].
      auto sourceType = cast<RankedTensorType>(source.getType());
      std::optional<int64_t> knownSteps = getConstantIntValue((*trip)[0]);
      if (knownSteps && !sourceType.isDynamicDim(0) &&
          *knownSteps > sourceType.getDimSize(0)) {
        nodeError() << "runs " << *knownSteps << " steps but reads them from '"
                    << n.input(0) << "', which has "
                    << sourceType.getDimSize(0);
        return failure();
      }
      Value length = tensor::DimOp::create(builder, loc, source, 0);
      seq::createCheck(builder, loc,
                       arith::CmpIOp::create(builder, loc,
                                             arith::CmpIPredicate::ule, steps,
                                             length),
                       steps,
                       seq::describeOrigin("Loop '" + node->name() + "'", loc) +
                           ": runs {} steps but reads them from '" +
                           n.input(0) + "', which is shorter",
                       seq::CheckKind::shape);
      auto type = cast<RankedTensorType>(source.getType());
      SmallVector<OpFoldResult> offsets(type.getRank(),
                                        builder.getIndexAttr(0));
      SmallVector<OpFoldResult> sizes = shapeOf(*this, source);
      sizes[0] = steps;
      SmallVector<OpFoldResult> strides(type.getRank(),
                                        builder.getIndexAttr(1));
      sequences.push_back(tensor::ExtractSliceOp::create(
          builder, loc, source, offsets, sizes, strides));
    }
    gathered[n.output(0)] = it->second;
    if (const OnnxValue *x = lookup(n.input(0)))
      gatheredDtype[n.output(0)] = x->heldDtype;
  }
  // A loop that reads no sequence still runs M steps.
  if (sequences.empty())
    sequences.push_back(tensor::EmptyOp::create(
        builder, loc, ArrayRef<OpFoldResult>{steps}, builder.getF32Type()));

  // The body, imported into a first scan without per-step outputs: their
  // types (and sizes) are known only once it is.
  BodyScope scope = beginBodyScope();
  // (The branches read the steps bound below, not Gather(X, t) of all of
  // X: a scan reading X whole would not stream.)
  llvm::StringSet<> outerStepReads = std::move(stepReadsInBranches);
  stepReadsInBranches = std::move(branchReads);
  const onnx::NodeProto *loopNode = node;
  Location loopLoc = loc;
  SmallVector<std::string> perStepNames;
  for (const CarriedSlot &slot : slots)
    if (slot.isSequence)
      perStepNames.push_back(slot.inserted);
  for (int j = 0; j < numScanOutputs; ++j)
    perStepNames.push_back(body.output(1 + numCarried + j).name());
  LogicalResult bodyResult = success();
  SmallVector<Value> perStep;
  auto scan = seq::ScanOp::create(
      builder, loc, inits, sequences, ValueRange{}, /*reverse=*/false,
      [&](OpBuilder &nb, Location, Value step, ValueRange carried,
          ValueRange slices) {
        OpBuilder::InsertionGuard guard(builder);
        builder.setInsertionPoint(nb.getInsertionBlock(),
                                  nb.getInsertionPoint());
        OnnxValue iter;
        iter.elements = SmallVector<OpFoldResult>{step};
        iter.scalar = true;
        bindInBody(scope, iterName, iter);
        // The body's own initializers (constants of the subgraph).
        if (failed(bindBodyInitializers(scope, body))) {
          bodyResult = failure();
          return;
        }
        OnnxValue alwaysTrue;
        alwaysTrue.constant = DenseElementsAttr::get(
            RankedTensorType::get({}, builder.getI1Type()), true);
        bindInBody(scope, condIn, alwaysTrue);
        unsigned c = 0;
        for (int k = 0; k < numCarried; ++k) {
          OnnxValue v;
          if (slots[k].isSequence)
            v.sequence = OnnxValue::Sequence::empty;
          else
            v.tensor = carried[c++];
          // (A carried int32 counter holds INT32 as the body declares it.)
          if (body.input(2 + k).type().has_tensor_type())
            v.heldDtype = heldIntegerDtype(
                body.input(2 + k).type().tensor_type().elem_type());
          bindInBody(scope, body.input(2 + k).name(), v);
        }
        for (const auto &entry : gathered) {
          OnnxValue slice;
          slice.tensor = slices[entry.getValue()];
          slice.heldDtype = gatheredDtype.lookup(entry.getKey());
          if (auto kept = keptAxis.find(entry.getKey()); kept != keptAxis.end())
            slice.tensor = seq::insertUnitDim(builder, loc, slice.tensor,
                                              kept->getValue());
          bindInBody(scope, entry.getKey(), slice);
        }
        for (const onnx::NodeProto &n : body.node()) {
          if (n.output_size() > 0 && gathered.count(n.output(0)))
            continue;
          if ((n.op_type() == "SequenceInsert" || n.op_type() == "Concat") &&
              n.output_size() > 0 &&
              llvm::any_of(slots, [&](const CarriedSlot &s) {
                return s.isSequence && s.insertNode == n.output(0);
              }))
            continue;
          if (n.output_size() == 1 && n.output(0) == condOut)
            continue;
          enterNode(n);
          if (failed(importNode())) {
            bodyResult = failure();
            return;
          }
        }
        node = loopNode;
        loc = loopLoc;
        SmallVector<Value> yields;
        unsigned t = 0;
        for (int k = 0; k < numCarried; ++k) {
          if (slots[k].isSequence)
            continue;
          Value next = tensorOf(body.output(1 + k).name());
          ++t;
          if (!lookup(body.output(1 + k).name())) {
            nodeError() << "its body output " << 1 + k << " ('"
                        << body.output(1 + k).name() << "', carried value " << k
                        << ") is not defined in the body";
            bodyResult = failure();
            return;
          }
          const std::string &name = body.output(1 + k).name();
          auto grown = bodyProducers.find(name);
          FailureOr<Value> yielded = yieldCarried(
              *this, next, carried[t - 1],
              "carried value " + std::to_string(k) + " ('" + name + "')",
              grown != bodyProducers.end() &&
                      grown->second->op_type() == "Concat"
                  ? " (a tensor grown with torch.cat is a per-step output "
                    "only when it starts empty along the axis it grows by "
                    "one step, appended at the end, and the body reads "
                    "neither it nor the grown tensor otherwise: a tensor "
                    "read while it grows, attention over the steps so "
                    "far, is not supported)"
                  : "");
          if (failed(yielded)) {
            bodyResult = failure();
            return;
          }
          next = *yielded;
          yields.push_back(next);
        }
        for (const std::string &name : perStepNames) {
          Value v = tensorOf(name);
          if (!v) {
            nodeError() << "its per-step value '" << name << "' is "
                        << (lookup(name) ? "not a tensor"
                                         : "not defined in the body");
            bodyResult = failure();
            return;
          }
          perStep.push_back(v);
          yields.push_back(v);
        }
        seq::YieldOp::create(builder, loc, yields);
      });
  node = loopNode;
  loc = loopLoc;
  stepReadsInBranches = std::move(outerStepReads);
  if (failed(endBodyScope(scan, scope, bodyResult)))
    return failure();
  FailureOr<seq::ScanOp> full =
      addScanOutputs(*this, scan, perStepNames, perStep, steps);
  if (failed(full)) {
    if (stepShaped) {
      std::optional<int64_t> m = getConstantIntValue((*trip)[0]);
      nodeError() << "its body computes the shape input of the "
                  << stepShaped->op_type() << " node giving '"
                  << stepShaped->output(0)
                  << "' from the step (its index or the carried values), so "
                     "a step's values may have their own shapes; seqc "
                     "unrolls such a Loop when its trip count is known at "
                     "compile time, at most "
                  << kMaxUnrolledSteps << " and at most " << kMaxUnrolledNodes
                  << " body nodes in all, and this one's is "
                  << (m ? std::to_string(*m) + " (" +
                              std::to_string(*m * body.node_size()) +
                              " body nodes in all)"
                        : std::string("known only at run time"));
    }
    return failure();
  }

  // A grown tensor: the steps stacked as [T, ..., 1, ...] (size 1 at
  // `axis`, checked) joined along `axis`.
  auto joinAlong = [&](Value stacked, int64_t axis,
                       StringRef element) -> FailureOr<Value> {
    auto type = cast<RankedTensorType>(stacked.getType());
    if (type.getDimSize(axis + 1) != 1) {
      nodeError() << "grows a carried tensor by '" << element
                  << "', which is not one step along axis " << axis
                  << " (its type is "
                  << RankedTensorType::get(type.getShape().drop_front(),
                                           type.getElementType())
                  << ")";
      return failure();
    }
    SmallVector<int64_t> perm;
    for (int64_t d = 1; d <= axis; ++d)
      perm.push_back(d);
    perm.push_back(0);
    for (int64_t d = axis + 1; d < type.getRank(); ++d)
      perm.push_back(d);
    Value moved = axis == 0 ? stacked
                            : seq::createTranspose(builder, loc, stacked, perm);
    SmallVector<ReassociationIndices> groups;
    for (int64_t d = 0; d < type.getRank() - 1; ++d)
      groups.push_back(d == axis ? ReassociationIndices{d, d + 1}
                       : d < axis ? ReassociationIndices{d}
                                  : ReassociationIndices{d + 1});
    return tensor::CollapseShapeOp::create(builder, loc, moved, groups)
        .getResult();
  };
  // Loop outputs: the final carried values, then the per-step values.
  unsigned finalIndex = 0, outIndex = 0;
  for (int k = 0; k < numCarried; ++k) {
    OnnxValue v;
    if (slots[k].isSequence && slots[k].concatAxis >= 0) {
      // [T, ..., 1 (the axis), ...] -> [..., T, ...].
      FailureOr<Value> joined =
          joinAlong(full->getOutputs()[outIndex++], slots[k].concatAxis,
                    slots[k].inserted);
      if (failed(joined))
        return failure();
      v.tensor = *joined;
    } else if (slots[k].isSequence) {
      v.tensor = full->getOutputs()[outIndex++];
      v.sequence = OnnxValue::Sequence::stacked;
    } else {
      v.tensor = full->getFinalStates()[finalIndex++];
    }
    setOutput(k, v);
  }
  for (int j = 0; j < numScanOutputs; ++j)
    setOutput(numCarried + j, full->getOutputs()[outIndex++]);
  return success();
}

LogicalResult importControlFlowOp(GraphImporter &g, StringRef op,
                                  bool &handled) {
  if (op == "If") {
    handled = true;
    return g.importIf();
  }
  if (op == "Loop") {
    handled = true;
    return g.importLoop();
  }
  if (op == "Scan") {
    handled = true;
    return g.importScan();
  }
  return success();
}

} // namespace seqc::onnx_import
