//===- NameTiedDims.cpp - name the dynamic dimensions a model ties -------===//
//
// Generated code trusts that sizes which must agree do agree; the runtime
// checks named dimensions before every run. This pass finds which dynamic
// dimensions of the entry's arguments and results the ops' shape rules tie
// together and names them (Passes.td).
//
//===----------------------------------------------------------------------===//

#include "compiler/ModelABI/ModelAbi.h"
#include "compiler/ModelABI/Passes.h"

#include "dialects/Seq/IR/SeqOps.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Math/IR/Math.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/IR/BuiltinTypes.h"

#include "llvm/ADT/DenseMap.h"
#include "llvm/ADT/EquivalenceClasses.h"
#include "llvm/ADT/StringSet.h"

#define DEBUG_TYPE "seqc-name-tied-dims"

namespace seqc {
#define GEN_PASS_DEF_NAMETIEDDIMSPASS
#include "compiler/ModelABI/Passes.h.inc"
} // namespace seqc

using namespace mlir;
using namespace seqc;

namespace {

/// One dimension of one SSA value.
using DimSlot = std::pair<void *, int64_t>;

class DimensionTies {
public:
  /// Ties dimension `a` of `x` to dimension `b` of `y` (ignored when either
  /// value is missing).
  void tie(Value x, int64_t a, Value y, int64_t b) {
    if (!x || !y)
      return;
    DimSlot sa = slot(x, a), sb = slot(y, b);
    classes.unionSets(sa, sb);
    edges[sa].push_back({sb, current});
    edges[sb].push_back({sa, current});
  }

  /// The ops whose shape rules tie dimension `a` of `x` to `b` of `y`
  /// (the first path found, as an error's notes).
  SmallVector<Operation *> explain(Value x, int64_t a, Value y, int64_t b) {
    DimSlot from = slot(x, a), to = slot(y, b);
    llvm::DenseMap<DimSlot, std::pair<DimSlot, Operation *>> cameFrom;
    SmallVector<DimSlot> queue = {from};
    cameFrom[from] = {from, nullptr};
    for (size_t i = 0; i < queue.size() && !cameFrom.count(to); ++i)
      for (auto [next, op] : edges.lookup(queue[i]))
        if (cameFrom.try_emplace(next, queue[i], op).second)
          queue.push_back(next);
    SmallVector<Operation *> ops;
    if (!cameFrom.count(to))
      return ops;
    for (DimSlot s = to; s != from; s = cameFrom[s].first)
      if (Operation *op = cameFrom[s].second;
          op && !llvm::is_contained(ops, op))
        ops.push_back(op);
    std::reverse(ops.begin(), ops.end());
    return ops;
  }
  /// Ties every dimension of `x` to the same dimension of `y`.
  void tieAll(Value x, Value y) {
    if (!x || !y)
      return;
    int64_t rank = std::min(rankOf(x), rankOf(y));
    for (int64_t i = 0; i < rank; ++i)
      tie(x, i, y, i);
  }
  DimSlot leader(Value x, int64_t dim) {
    return classes.getLeaderValue(slot(x, dim));
  }
  /// Records that dimension `a` of `x` and `b` of `y` are equal at run time
  /// for a linalg op's loop to run: a tie that names an unnamed dimension
  /// but never joins two different names (an exporter may name one batch
  /// B1 and B2; the run-time checks hold them equal).
  void softTie(Value x, int64_t a, Value y, int64_t b) {
    softTies.push_back({slot(x, a), slot(y, b)});
  }
  /// Applies the soft ties: `nameOf(leader)` is the user's name of a hard
  /// class ("" when none).
  void applySoftTies(llvm::function_ref<StringRef(DimSlot)> nameOf) {
    llvm::DenseMap<DimSlot, StringRef> names;
    auto name = [&](DimSlot leader) {
      auto it = names.find(leader);
      return it != names.end() ? it->second : nameOf(leader);
    };
    for (auto [a, b] : softTies) {
      DimSlot la = classes.getLeaderValue(a), lb = classes.getLeaderValue(b);
      StringRef na = name(la), nb = name(lb);
      if (la == lb || (!na.empty() && !nb.empty() && na != nb))
        continue;
      classes.unionSets(a, b);
      names[classes.getLeaderValue(a)] = na.empty() ? nb : na;
    }
  }

  void visit(Operation *op);

private:
  static int64_t rankOf(Value v) {
    auto type = dyn_cast<RankedTensorType>(v.getType());
    return type ? type.getRank() : 0;
  }
  DimSlot slot(Value v, int64_t dim) {
    DimSlot s{v.getAsOpaquePointer(), dim};
    classes.insert(s);
    return s;
  }

  llvm::EquivalenceClasses<DimSlot> classes;
  /// The hard ties, each with the op whose rule made it.
  llvm::DenseMap<DimSlot, SmallVector<std::pair<DimSlot, Operation *>>> edges;
  Operation *current = nullptr;
  SmallVector<std::pair<DimSlot, DimSlot>> softTies;
};

void DimensionTies::visit(Operation *op) {
  current = op;
  // Each seq op states its shape rule (DimensionTiesOpInterface).
  if (auto tied = dyn_cast<seq::DimensionTiesOpInterface>(op)) {
    SmallVector<seq::DimensionTie> ties;
    tied.getDimensionTies(ties);
    for (const seq::DimensionTie &t : ties)
      tie(t.a, t.dimA, t.b, t.dimB);
    return;
  }
  // A linalg op (what front ends emit for broadcasting arithmetic,
  // transposes and products) runs each loop over one extent: every operand
  // dimension indexed by the same loop alone has that extent.
  if (auto linalgOp = dyn_cast<linalg::LinalgOp>(op)) {
    if (!linalgOp.hasPureTensorSemantics())
      return;
    SmallVector<SmallVector<std::pair<Value, int64_t>>> byLoop(
        linalgOp.getNumLoops());
    auto collect = [&](Value v, AffineMap map) {
      for (auto [d, expr] : llvm::enumerate(map.getResults()))
        if (auto loop = dyn_cast<AffineDimExpr>(expr))
          byLoop[loop.getPosition()].push_back({v, static_cast<int64_t>(d)});
    };
    for (OpOperand *input : linalgOp.getDpsInputOperands())
      collect(input->get(), linalgOp.getMatchingIndexingMap(input));
    // (The inits too: a fill's or an iota's extent is its init's.)
    for (OpOperand &init : linalgOp.getDpsInitsMutable())
      collect(init.get(), linalgOp.getMatchingIndexingMap(&init));
    for (OpResult result : op->getResults())
      collect(result, linalgOp.getIndexingMapMatchingResult(result));
    for (const auto &dims : byLoop)
      for (const auto &[v, d] : llvm::drop_begin(dims))
        softTie(dims.front().first, dims.front().second, v, d);
    return;
  }
  // A softmax keeps its input's shape (attention weights over an
  // encoder's steps, an output of their own).
  if (auto softmax = dyn_cast<linalg::SoftmaxOp>(op)) {
    for (int64_t d = 0; d < rankOf(softmax.getInput()); ++d) {
      softTie(softmax.getInput(), d, softmax.getOutput(), d);
      softTie(softmax.getInput(), d, op->getResult(0), d);
    }
    return;
  }
  // Reshapes, concatenations and casts name an unnamed dimension after
  // the one they keep (soft ties: a guessed reshape group is checked on
  // the run, and an exporter may name an output's dimensions apart from
  // the input's). A reshape that only adds or drops unit dimensions (a
  // recurrence's [T, 1, B, H] output collapsed to [T, B, H]): in each
  // group, the one dimension that is not a static 1 is the collapsed one.
  auto tieGroups = [&](Value expanded, Value collapsed,
                       ArrayRef<ReassociationIndices> groups) {
    auto type = cast<RankedTensorType>(expanded.getType());
    for (auto [i, group] : llvm::enumerate(groups)) {
      SmallVector<int64_t> nonUnit;
      for (int64_t d : group)
        if (type.getDimSize(d) != 1)
          nonUnit.push_back(d);
      if (nonUnit.size() == 1)
        softTie(expanded, nonUnit.front(), collapsed, i);
    }
  };
  if (auto collapse = dyn_cast<tensor::CollapseShapeOp>(op)) {
    tieGroups(collapse.getSrc(), collapse.getResult(),
              collapse.getReassociationIndices());
    return;
  }
  if (auto expand = dyn_cast<tensor::ExpandShapeOp>(op)) {
    tieGroups(expand.getResult(), expand.getSrc(),
              expand.getReassociationIndices());
    return;
  }
  // A concatenation: the dimensions other than the concatenated one.
  if (auto concat = dyn_cast<tensor::ConcatOp>(op)) {
    for (Value input : concat.getInputs())
      for (int64_t d = 0; d < rankOf(input); ++d)
        if (d != static_cast<int64_t>(concat.getDim()))
          softTie(input, d, concat.getResult(), d);
    return;
  }
  // A tensor sized by another's dimension (`tensor.empty(dim x, 0)`: a
  // scripted loop's zeros(x.size(0), H) state) has that extent.
  if (auto empty = dyn_cast<tensor::EmptyOp>(op)) {
    for (int64_t d = 0; d < rankOf(empty.getResult()); ++d) {
      if (!empty.getType().isDynamicDim(d))
        continue;
      auto size = empty.getDynamicSize(d).getDefiningOp<tensor::DimOp>();
      if (std::optional<int64_t> index =
              size ? size.getConstantIndex() : std::nullopt)
        softTie(size.getSource(), *index, empty.getResult(), d);
    }
    return;
  }
  // A slice that keeps a whole dimension (its size is the source's
  // tensor.dim: `h[:, -1]` keeps the batch) has the source's extent there;
  // dimensions a rank-reducing slice drops are skipped.
  if (auto slice = dyn_cast<tensor::ExtractSliceOp>(op)) {
    llvm::SmallBitVector dropped = slice.getDroppedDims();
    SmallVector<OpFoldResult> sizes = slice.getMixedSizes();
    for (int64_t d = 0, r = 0; d < static_cast<int64_t>(sizes.size()); ++d) {
      if (dropped.test(d))
        continue;
      auto size = dyn_cast_if_present<Value>(sizes[d]);
      auto dim = size ? size.getDefiningOp<tensor::DimOp>() : tensor::DimOp();
      if (dim && dim.getSource() == slice.getSource() &&
          dim.getConstantIndex() == d)
        softTie(slice.getSource(), d, slice.getResult(), r);
      ++r;
    }
    return;
  }
  if (auto castOp = dyn_cast<tensor::CastOp>(op)) {
    for (int64_t d = 0; d < rankOf(castOp.getResult()); ++d)
      softTie(castOp.getSource(), d, castOp.getResult(), d);
    return;
  }
  // Elementwise arithmetic on tensors: all shapes are equal.
  if (!op->hasTrait<OpTrait::Elementwise>() || op->getNumResults() != 1)
    return;
  for (Value operand : op->getOperands())
    if (isa<RankedTensorType>(operand.getType()))
      tieAll(operand, op->getResult(0));
}

/// Sets `seq.dims` on the arguments and results of `func` so that dynamic
/// dimensions the model requires to be equal share a name: a user-given name
/// is kept and spread to its equals; an unnamed group of two or more gets
/// `d0`, `d1`, ... Fails with an error when two different user names must be
/// equal.
LogicalResult nameTiedDimensions(func::FuncOp func) {
  MLIRContext *ctx = func.getContext();
  DimensionTies ties;
  func.walk([&](Operation *op) { ties.visit(op); });
  auto ret = cast<func::ReturnOp>(func.getBody().front().getTerminator());

  // The interface tensors: arguments, then results (as returned values).
  struct Port {
    Value value;
    bool isResult;
    unsigned index;
  };
  SmallVector<Port> ports;
  for (BlockArgument arg : func.getArguments())
    ports.push_back({arg, false, arg.getArgNumber()});
  for (auto [i, value] : llvm::enumerate(ret.getOperands()))
    ports.push_back({value, true, static_cast<unsigned>(i)});

  auto getDims = [&](const Port &p) {
    return p.isResult ? func.getResultAttrOfType<ArrayAttr>(p.index, "seq.dims")
                      : func.getArgAttrOfType<ArrayAttr>(p.index, "seq.dims");
  };
  auto userName = [&](const Port &p, int64_t dim) -> StringRef {
    ArrayAttr dims = getDims(p);
    if (!dims || dim >= static_cast<int64_t>(dims.size()))
      return "";
    auto name = dyn_cast<StringAttr>(dims[dim]);
    if (!name || name.getValue() == "?")
      return "";
    return name.getValue();
  };
  // "input 'x'" (its seq.name), or "input #0" when it has none.
  auto describe = [&](const Port &p) {
    auto name = p.isResult
                    ? func.getResultAttrOfType<StringAttr>(p.index, "seq.name")
                    : func.getArgAttrOfType<StringAttr>(p.index, "seq.name");
    std::string kind = p.isResult ? "output " : "input ";
    return name ? kind + "'" + name.getValue().str() + "'"
                : kind + "#" + std::to_string(p.index);
  };
  for (const Port &port : ports) {
    ArrayAttr dims = getDims(port);
    auto type = dyn_cast<RankedTensorType>(port.value.getType());
    if (dims && type && dims.size() != static_cast<size_t>(type.getRank()))
      return func.emitError()
             << "'seq.dims' of model " << describe(port) << " names "
             << dims.size() << " dimension(s), but its rank is "
             << type.getRank();
  }

  // The linalg ops' ties join classes where no two user names meet.
  llvm::DenseMap<DimSlot, StringRef> hardNames;
  for (const Port &port : ports) {
    auto type = dyn_cast<RankedTensorType>(port.value.getType());
    for (int64_t d = 0; type && d < type.getRank(); ++d)
      if (type.isDynamicDim(d) && !userName(port, d).empty())
        hardNames.try_emplace(ties.leader(port.value, d), userName(port, d));
  }
  ties.applySoftTies([&](DimSlot leader) { return hardNames.lookup(leader); });

  // Group the dynamic dimensions of the ports by their tie class.
  llvm::DenseMap<DimSlot, SmallVector<std::pair<unsigned, int64_t>>> groups;
  SmallVector<DimSlot> order;
  for (auto [p, port] : llvm::enumerate(ports)) {
    auto type = dyn_cast<RankedTensorType>(port.value.getType());
    if (!type)
      continue;
    for (int64_t d = 0; d < type.getRank(); ++d) {
      if (!type.isDynamicDim(d))
        continue;
      DimSlot leader = ties.leader(port.value, d);
      if (!groups.count(leader))
        order.push_back(leader);
      groups[leader].push_back({static_cast<unsigned>(p), d});
    }
  }

  // A front end's hint for result dimension `dim` (kDimHintsAttr).
  auto hint = [&](const Port &p, int64_t dim) -> StringRef {
    auto hints =
        p.isResult ? func.getResultAttrOfType<ArrayAttr>(p.index, kDimHintsAttr)
                   : ArrayAttr();
    if (!hints || dim >= static_cast<int64_t>(hints.size()))
      return "";
    auto name = dyn_cast<StringAttr>(hints[dim]);
    return name ? name.getValue() : "";
  };
  // A name means "equal to every dimension of this name" to the runtime's
  // checks: a hint or a fresh dN must not be a name in use elsewhere.
  // (A fresh dN also avoids every hint, which may come later.)
  llvm::StringSet<> used, hinted;
  for (const Port &port : ports)
    if (auto type = dyn_cast<RankedTensorType>(port.value.getType()))
      for (int64_t d = 0; d < type.getRank(); ++d) {
        if (!userName(port, d).empty())
          used.insert(userName(port, d));
        if (!hint(port, d).empty())
          hinted.insert(hint(port, d));
      }

  // One name per group: the user's, else a hint, else a fresh dN for a tie
  // of two or more.
  llvm::DenseMap<std::pair<unsigned, int64_t>, std::string> names;
  llvm::DenseMap<std::pair<unsigned, int64_t>, StringRef> keptHints;
  unsigned fresh = 0;
  for (DimSlot leader : order) {
    auto &members = groups[leader];
    std::string name;
    std::pair<unsigned, int64_t> namedBy;
    for (auto member : members) {
      StringRef given = userName(ports[member.first], member.second);
      if (given.empty())
        continue;
      if (name.empty()) {
        name = given.str();
        namedBy = member;
      } else if (name != given) {
        InFlightDiagnostic diag =
            func.emitError()
            << describe(ports[namedBy.first]) << " dimension " << namedBy.second
            << " is named '" << name << "' and "
            << describe(ports[member.first]) << " dimension " << member.second
            << " is named '" << given
            << "', but the model requires them to be equal";
        // Say where: the ops whose shape rules tie them (at most three).
        SmallVector<Operation *> why =
            ties.explain(ports[namedBy.first].value, namedBy.second,
                         ports[member.first].value, member.second);
        for (Operation *op : llvm::ArrayRef(why).take_front(3))
          diag.attachNote(op->getLoc())
              << "'" << op->getName() << "' requires them to be equal";
        return diag;
      }
    }
    // A hinted dimension alone in its group keeps no seq.dims name: a step
    // function refuses an output dimension of run-time size no input or
    // other output shares (it could not join chunks of it), whatever it
    // is called; its hint only names it in the signature (kept below).
    if (name.empty() && members.size() == 1) {
      StringRef h = hint(ports[members[0].first], members[0].second);
      if (!h.empty() && used.insert(h).second)
        keptHints[members[0]] = h;
    }
    for (auto member : members)
      if (StringRef h = hint(ports[member.first], member.second);
          name.empty() && members.size() >= 2 && !h.empty() &&
          used.insert(h).second)
        name = h.str();
    if (name.empty() && members.size() >= 2) {
      do
        name = "d" + std::to_string(fresh++);
      while (hinted.contains(name) || !used.insert(name).second);
    }
    for (auto member : members)
      if (!name.empty())
        names[member] = name;
  }

  // Write the names back, keeping every name the user gave.
  for (auto [p, port] : llvm::enumerate(ports)) {
    auto type = dyn_cast<RankedTensorType>(port.value.getType());
    if (!type)
      continue;
    SmallVector<Attribute> dims;
    bool any = false;
    for (int64_t d = 0; d < type.getRank(); ++d) {
      std::string name = userName(port, d).str();
      auto it = names.find({static_cast<unsigned>(p), d});
      if (type.isDynamicDim(d) && it != names.end())
        name = it->second;
      any |= !name.empty();
      dims.push_back(StringAttr::get(ctx, name));
    }
    if (port.isResult) {
      SmallVector<Attribute> hints;
      bool anyHint = false;
      for (int64_t d = 0; d < type.getRank(); ++d) {
        StringRef h = keptHints.lookup({static_cast<unsigned>(p), d});
        anyHint |= !h.empty();
        hints.push_back(StringAttr::get(ctx, h));
      }
      if (anyHint)
        func.setResultAttr(port.index, kDimHintsAttr,
                           ArrayAttr::get(ctx, hints));
      else
        func.removeResultAttr(port.index, StringAttr::get(ctx, kDimHintsAttr));
    }
    if (!any)
      continue;
    auto attr = ArrayAttr::get(ctx, dims);
    if (port.isResult)
      func.setResultAttr(port.index, "seq.dims", attr);
    else
      func.setArgAttr(port.index, "seq.dims", attr);
  }
  return success();
}

struct NameTiedDimsPass : seqc::impl::NameTiedDimsPassBase<NameTiedDimsPass> {
  using Base::Base;
  void runOnOperation() override {
    FailureOr<func::FuncOp> entry = seqc::getModelEntry(getOperation());
    if (failed(entry) || failed(nameTiedDimensions(*entry)))
      signalPassFailure();
  }
};

} // namespace
