//===- OutlineRepeatedLayers.cpp - a layer stack as calls of one function -===//
//
// A deep model is one layer repeated: after import and seq-to-loops, a
// 16-layer encoder is the same run of top-level ops 16 times, differing in
// the weight constants it reads. Compiled inline, bufferization, the
// lowerings and LLVM work on every copy, so compile time grows with depth
// (40 s for 16 layers of d256). Here the copies become calls of one
// function: the later passes and LLVM see the layer once.
//
// Finding the copies. The top-level ops of the function's block (constants
// left out: they are leaves, compared by value below) get a structural
// hash: name, attributes, properties, result and operand types. A run of
// N >= 2 back-to-back copies of period k is a stretch where hash[i] ==
// hash[i + k] for k*(N-1) consecutive i. The run worth most (k*(N-1)
// ops saved) is taken; of its phases, the one whose copy exchanges the
// fewest values with the rest of the function (layer boundaries do). Then
// each copy is compared with a reference op by op, regions included
// (OperationEquivalence), with the data flow required to correspond: a
// value defined inside one copy must be the corresponding value inside
// the other; a value from outside is a slot, the same slot always the
// same value within a copy (every read is compared: the first layer of an
// input-injection stack reads the input x both as its state and as x,
// the later ones read h and x). A copy that fails the comparison stays
// inline; when the first one does, the next is the reference.
//
// Slots whose value is the same constant in every copy, and empty tensors
// (their sizes become slots), are rematerialized in the function; the
// model context is passed as its context argument; every other slot
// (the previous layer's output, sizes, the weights, a step's key/value
// cache) is an argument. A cache the layer updates comes back as a result,
// which bufferization writes through the argument in place and the
// pipeline then drops (drop-equivalent-buffer-results): no cache is copied.
//
//===----------------------------------------------------------------------===//

#include "compiler/Transforms/Passes.h"
#include "compiler/Transforms/Threads.h"

#include "dialects/Seq/IR/SeqOps.h"
#include "dialects/Seq/Transforms/StepFunction.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/LLVMIR/LLVMDialect.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/IR/IRMapping.h"
#include "mlir/IR/OperationSupport.h"

#include "llvm/ADT/DenseSet.h"
#include "llvm/ADT/MapVector.h"
#include "llvm/Support/Debug.h"

#include <functional>

#define DEBUG_TYPE "seqc-outline-repeated-layers"

namespace seqc {
#define GEN_PASS_DEF_OUTLINEREPEATEDLAYERSPASS
#include "compiler/Transforms/Passes.h.inc"
} // namespace seqc

using namespace mlir;
using seqc::seq::CheckOp;

namespace {

/// Top-level ops per copy below which a call costs more than it saves.
constexpr size_t kMinLayerOps = 8;
/// The longest period searched: the search is O(ops * period).
constexpr size_t kMaxPeriod = 4096;
/// Rounds of outlining per function (a model with two kinds of stack,
/// an encoder's and a decoder's, needs two).
constexpr int kMaxRounds = 8;
/// Stretches tried per round, the most promising first: one whose copies
/// do not match costs a comparison of all of them.
constexpr size_t kMaxAttempts = 16;
/// Copies tried as the one the others are compared with.
constexpr size_t kMaxReferences = 3;
/// Phases of a stretch whose boundary traffic is compared (each costs a
/// walk of one copy).
constexpr size_t kMaxPhases = 256;

bool isLeafConstant(Operation *op) {
  return op->hasTrait<OpTrait::ConstantLike>() && op->getNumOperands() == 0 &&
         op->getNumRegions() == 0;
}

/// Equal for ops that may be copies of each other: what
/// OperationEquivalence compares, operands by type only. `layers`: the
/// functions outlined here before.
llvm::hash_code structuralHash(Operation *op,
                               const llvm::DenseSet<StringAttr> &layers) {
  // A call of a layer outlined before is a boundary: layers of layers
  // would only nest calls. (A call of another function, an attention
  // kernel's, is part of a layer like any op.)
  if (auto call = dyn_cast<func::CallOp>(op))
    if (layers.contains(call.getCalleeAttr().getAttr()))
      return hash_value(op);
  return OperationEquivalence::computeHash(
      op, [](Value v) { return hash_value(v.getType()); },
      OperationEquivalence::ignoreHashValue,
      OperationEquivalence::IgnoreLocations);
}

/// A periodic stretch of the op list: ops [begin, end) repeat with period
/// `period` (end - begin >= 2 * period).
struct Stretch {
  size_t begin, end, period;
  size_t saved() const { return (end - begin) / period * period - period; }
};

/// Every stretch of at least two copies of kMinLayerOps ops or more, the
/// most ops saved first.
SmallVector<Stretch> findStretches(ArrayRef<llvm::hash_code> hashes) {
  SmallVector<Stretch> found;
  size_t n = hashes.size();
  for (size_t k = kMinLayerOps; k <= std::min(n / 2, kMaxPeriod); ++k) {
    size_t run = 0;
    for (size_t i = 0; i + k <= n; ++i) {
      if (i + k < n && hashes[i] == hashes[i + k]) {
        ++run;
        continue;
      }
      if (run >= k)
        found.push_back({i - run, i + k, k});
      run = 0;
    }
  }
  llvm::sort(found, [](const Stretch &a, const Stretch &b) {
    return std::make_tuple(b.saved(), b.period, a.begin) <
           std::make_tuple(a.saved(), a.period, b.begin);
  });
  return found;
}

/// One copy: its top-level ops in order, and a set for membership.
struct Copy {
  SmallVector<Operation *> ops;
  llvm::DenseSet<Operation *> set;

  Copy(ArrayRef<Operation *> all, size_t begin, size_t period)
      : ops(all.slice(begin, period)) {
    set.insert(ops.begin(), ops.end());
  }
  /// Whether `op` (at any depth) belongs to the copy.
  bool contains(Operation *op) const {
    Block *block = ops.front()->getBlock();
    Operation *top = block->findAncestorOpInBlock(*op);
    return top && set.contains(top);
  }
  bool defines(Value v) const {
    Operation *owner = isa<BlockArgument>(v)
                           ? cast<BlockArgument>(v).getOwner()->getParentOp()
                           : v.getDefiningOp();
    // The function's own arguments have the function as owner: outside.
    return owner && owner->getBlock() && contains(owner);
  }
  Operation *last() const { return ops.back(); }
};

/// A value read from outside the first copy, in the order first read.
struct Slots {
  llvm::MapVector<Value, unsigned> index;
  void add(Value v) { index.insert({v, index.size()}); }
};

/// The first copy's slots: every operand, at any depth, defined outside it.
Slots collectSlots(const Copy &ref) {
  Slots slots;
  for (Operation *top : ref.ops)
    top->walk([&](Operation *op) {
      for (Value operand : op->getOperands())
        if (!ref.defines(operand))
          slots.add(operand);
    });
  return slots;
}

/// (op position, result number) of every result some copy uses outside
/// itself.
using Output = std::pair<unsigned, unsigned>;

void collectOutputs(const Copy &copy, llvm::SetVector<Output> &outputs) {
  for (auto [i, op] : llvm::enumerate(copy.ops))
    for (OpResult result : op->getResults())
      for (Operation *user : result.getUsers())
        if (!copy.contains(user)) {
          outputs.insert({static_cast<unsigned>(i), result.getResultNumber()});
          break;
        }
}

/// How copy `other` corresponds to `ref`: the value of each slot in it.
struct Match {
  SmallVector<Value> slotValues;
};

std::optional<Match> matchCopy(const Copy &ref, const Copy &other,
                               const Slots &slots) {
  Match match;
  match.slotValues.assign(slots.index.size(), Value());
  DenseMap<Value, Value> inside;
  auto check = [&](Value a, Value b) -> LogicalResult {
    bool ai = ref.defines(a), bi = other.defines(b);
    if (ai != bi)
      return failure();
    if (ai)
      return success(inside.lookup(a) == b);
    auto it = slots.index.find(a);
    if (it == slots.index.end())
      return failure();
    Value &known = match.slotValues[it->second];
    if (known && known != b)
      return failure();
    known = b;
    return success();
  };
  auto mark = [&](Value a, Value b) { inside[a] = b; };
  for (auto [a, b] : llvm::zip_equal(ref.ops, other.ops)) {
    if (!OperationEquivalence::isEquivalentTo(
            a, b, check, mark, OperationEquivalence::IgnoreLocations))
      return std::nullopt;
    // The walk below reads these (isEquivalentTo marks them too).
    for (auto [x, y] : llvm::zip_equal(a->getResults(), b->getResults()))
      inside[x] = y;
    // It also skips the callback for an operand that is the same value on
    // both sides, which would let a slot the first copy reads twice (an
    // input x read as the state and as the injected input, two equal
    // constants merged into one) bind to two different values here. So
    // every operand pair is checked again, op by op (the walks pair up:
    // the ops are equivalent, regions included).
    SmallVector<Operation *> nestedA, nestedB;
    a->walk([&](Operation *op) { nestedA.push_back(op); });
    b->walk([&](Operation *op) { nestedB.push_back(op); });
    for (auto [x, y] : llvm::zip_equal(nestedA, nestedB))
      for (auto [u, v] : llvm::zip_equal(x->getOperands(), y->getOperands()))
        if (failed(check(u, v)))
          return std::nullopt;
  }
  return match;
}

/// Checks' messages name their op's place in the model ("linalg.generic
/// at m.onnx:12"), which differs between copies of a layer. While copies
/// are compared, every message in the function is blank; the layer
/// function's checks get each copy's, selected by the layer's index.
class MessageStash {
public:
  explicit MessageStash(func::FuncOp func) {
    StringAttr blank = StringAttr::get(func.getContext(), "");
    func.walk([&](CheckOp check) {
      // Only a layer function has a selecting check, and layer
      // functions are private: none reaches here.
      if (check.getSelector())
        return;
      messages[check] = check.getMessageAttr();
      check.setMessageAttr(blank);
    });
  }
  ~MessageStash() {
    for (auto [op, message] : messages)
      cast<CheckOp>(op).setMessageAttr(message);
  }
  /// The messages of the checks in `ops`, in walk order.
  SmallVector<StringAttr> collect(ArrayRef<Operation *> ops) const {
    SmallVector<StringAttr> found;
    for (Operation *top : ops)
      top->walk([&](CheckOp check) {
        found.push_back(messages.lookup(check.getOperation()));
      });
    return found;
  }
  /// Forgets the checks in `ops`, about to be erased.
  void forget(ArrayRef<Operation *> ops) {
    for (Operation *top : ops)
      top->walk([&](CheckOp check) { messages.erase(check.getOperation()); });
  }

private:
  DenseMap<Operation *, StringAttr> messages;
};

/// How the function gets a slot's value.
enum class SlotKind { argument, rematerialized, context };

/// A verified plan: the copies to replace, with their correspondences.
struct Plan {
  SmallVector<Copy> copies;
  SmallVector<Match> matches;
  Slots slots;
  llvm::SetVector<Output> outputs;
};

/// Whether a slot's producer is worth recomputing in the layer function
/// rather than passing: a constant, an empty tensor, a fill of one.
bool isRematerializable(Operation *op) {
  return op && op->getNumResults() == 1 &&
         (isLeafConstant(op) || isa<tensor::EmptyOp>(op) ||
          (isa<linalg::FillOp>(op) &&
           cast<linalg::FillOp>(op).hasPureTensorSemantics()));
}

/// How the layer function gets slot `s`: the context; a producer that is
/// the same op in every copy (attributes and types equal; its operands
/// become slots, appended to `plan.slots`); else an argument.
SlotKind classify(Plan &plan, unsigned s, Value context) {
  if (llvm::all_of(plan.matches,
                   [&](const Match &m) { return m.slotValues[s] == context; }))
    return SlotKind::context;
  Operation *first = plan.matches.front().slotValues[s].getDefiningOp();
  if (!isRematerializable(first))
    return SlotKind::argument;
  // A producer inside a copy (a layer's empty tensor sized by the previous
  // layer's output, where the copies' boundary falls between them) is
  // erased with that copy: its result is passed on as an output instead,
  // and so is one whose operands a copy computes.
  auto insideACopy = [&](Value v) {
    return llvm::any_of(plan.copies,
                        [&](const Copy &copy) { return copy.defines(v); });
  };
  for (const Match &m : plan.matches) {
    Operation *op = m.slotValues[s].getDefiningOp();
    if (!op || insideACopy(m.slotValues[s]) ||
        llvm::any_of(op->getOperands(), insideACopy) ||
        !OperationEquivalence::isEquivalentTo(
            first, op, OperationEquivalence::ignoreValueEquivalence,
            /*markEquivalent=*/nullptr, OperationEquivalence::IgnoreLocations))
      return SlotKind::argument;
  }
  // Its operands in each copy: an existing slot must hold them already;
  // new slots get them.
  llvm::MapVector<Value, SmallVector<Value>> added;
  for (auto [j, operand] : llvm::enumerate(first->getOperands())) {
    auto existing = plan.slots.index.find(operand);
    for (auto [c, m] : llvm::enumerate(plan.matches)) {
      Value own = m.slotValues[s].getDefiningOp()->getOperand(j);
      if (existing != plan.slots.index.end()) {
        if (m.slotValues[existing->second] != own)
          return SlotKind::argument;
        continue;
      }
      SmallVector<Value> &values = added[operand];
      if (values.size() == c)
        values.push_back(own);
      else if (values[c] != own)
        return SlotKind::argument;
    }
  }
  for (auto &[operand, values] : added) {
    plan.slots.add(operand);
    for (auto [m, value] : llvm::zip_equal(plan.matches, values))
      m.slotValues.push_back(value);
  }
  return SlotKind::rematerialized;
}

/// A fresh empty tensor of `result`'s sizes, for a call's result that a
/// layer's tensor.empty gives (a layer's output buffer that the next layer
/// writes into, where the copies' boundary falls between them). The callee
/// writes into that empty tensor's buffer the value it returns beside it
/// (the residual sum written into the empty), and bufferization does not
/// know two results of a call alias: the next layer, filling "its" empty
/// buffer, would overwrite its input (a 3-layer GPT-2 gave wrong logits).
Value freshEmptyLike(OpBuilder &b, Location loc, Value result) {
  return tensor::EmptyOp::create(b, loc, tensor::getMixedSizes(b, loc, result),
                                 getElementTypeOrSelf(result.getType()));
}

class Outliner {
public:
  Outliner(ModuleOp module) : module(module) {}

  /// Outlines repeated runs of `func`'s top-level ops until none is left.
  void run(func::FuncOp func) {
    Value context = seqc::modelContextArgument(func);
    if (!context)
      return;
    for (int round = 0; round < kMaxRounds; ++round)
      if (!outlineOnce(func, context))
        return;
  }

private:
  bool outlineOnce(func::FuncOp func, Value context) {
    MessageStash stash(func);
    Block &block = func.getBody().front();
    SmallVector<Operation *> ops;
    SmallVector<llvm::hash_code> hashes;
    // Size computations on the inputs' sizes, empty tensors of those
    // sizes and fills of them are computed once and shared by every layer
    // (CSE): they are leaves too, else the first layer would have ops the
    // others lack.
    llvm::DenseSet<Operation *> invariant;
    auto isInvariant = [&](Operation &op) {
      if (isLeafConstant(&op))
        return true;
      if (!isMemoryEffectFree(&op) ||
          (op.getNumRegions() != 0 && !isa<linalg::FillOp>(op)))
        return false;
      return llvm::all_of(op.getOperands(), [&](Value v) {
        if (Operation *def = v.getDefiningOp())
          return invariant.contains(def);
        // An input tensor only through its sizes.
        return cast<BlockArgument>(v).getOwner() == &block &&
               (!isa<ShapedType>(v.getType()) || isa<tensor::DimOp>(op));
      });
    };
    for (Operation &op : block.without_terminator()) {
      if (isInvariant(op)) {
        invariant.insert(&op);
        continue;
      }
      ops.push_back(&op);
      hashes.push_back(structuralHash(&op, layers));
    }
    SmallVector<Stretch> stretches = findStretches(hashes);
    for (const Stretch &stretch : ArrayRef<Stretch>(stretches).take_front(
             std::min(stretches.size(), kMaxAttempts))) {
      std::optional<Plan> plan = planStretch(ops, stretch);
      if (!plan)
        continue;
      outline(func, context, *plan, stash);
      return true;
    }
    return false;
  }

  /// The copies of `stretch` that match a reference copy, at the phase
  /// whose copy exchanges the fewest values with the rest of the function.
  std::optional<Plan> planStretch(ArrayRef<Operation *> ops,
                                  const Stretch &stretch) {
    size_t k = stretch.period;
    size_t most = (stretch.end - stretch.begin) / k;
    std::optional<size_t> best;
    size_t bestCost = 0;
    for (size_t p = stretch.begin;
         p + most * k <= stretch.end && p < stretch.begin + kMaxPhases; ++p) {
      Copy ref(ops, p, k);
      llvm::SetVector<Output> outputs;
      collectOutputs(ref, outputs);
      size_t cost = collectSlots(ref).index.size() + outputs.size();
      if (!best || cost < bestCost) {
        best = p;
        bestCost = cost;
      }
    }
    // The first copy may be the odd one (it reads the model's input in
    // two places, or two of its weights are equal constants and merged):
    // then the next one is tried as the reference.
    Plan plan;
    for (size_t r = 0; r + 1 < most && r < kMaxReferences; ++r) {
      plan = Plan();
      plan.copies.emplace_back(ops, *best + r * k, k);
      plan.slots = collectSlots(plan.copies.front());
      // The reference reads each slot's own value (isEquivalentTo of an
      // op with itself returns at once, without the callbacks).
      Match self;
      for (auto &[value, index] : plan.slots.index)
        self.slotValues.push_back(value);
      plan.matches.push_back(std::move(self));
      for (size_t c = r + 1; c < most; ++c) {
        Copy other(ops, *best + c * k, k);
        if (std::optional<Match> m =
                matchCopy(plan.copies.front(), other, plan.slots)) {
          plan.copies.push_back(std::move(other));
          plan.matches.push_back(std::move(*m));
        }
      }
      if (plan.copies.size() >= 2)
        break;
    }
    // Worth a function: some copy op computes on tensors (has a region:
    // a linalg op, a loop), not only sizes and checks.
    if (plan.copies.size() < 2 ||
        llvm::none_of(plan.copies.front().ops,
                      [](Operation *op) { return op->getNumRegions() != 0; }))
      return std::nullopt;
    for (const Copy &copy : plan.copies)
      collectOutputs(copy, plan.outputs);
    LLVM_DEBUG(llvm::dbgs() << "outlining " << plan.copies.size()
                            << " copies of " << k << " ops\n");
    return plan;
  }

  void outline(func::FuncOp func, Value context, Plan &plan,
               MessageStash &stash) {
    MLIRContext *ctx = module.getContext();
    const Copy &ref = plan.copies.front();
    Location loc = ref.ops.front()->getLoc();

    // How the function gets each slot; a rematerialized producer's
    // operands are slots too, appended as they are found.
    SmallVector<SlotKind> kinds;
    for (unsigned s = 0; s < plan.slots.index.size(); ++s)
      kinds.push_back(classify(plan, s, context));

    // Checks whose message differs between copies select theirs by the
    // layer's index: messages[c][i] is copy c's i-th check's.
    SmallVector<SmallVector<StringAttr>> messages;
    for (const Copy &copy : plan.copies)
      messages.push_back(stash.collect(copy.ops));
    auto differs = [&](size_t i) {
      return llvm::any_of(messages, [&](ArrayRef<StringAttr> own) {
        return own[i] != messages.front()[i];
      });
    };
    bool needsIndex = false;
    for (size_t i = 0; i < messages.front().size(); ++i)
      needsIndex |= differs(i);

    // The signature.
    SmallVector<Type> argTypes;
    for (auto [s, kind] : llvm::enumerate(kinds))
      if (kind == SlotKind::argument)
        argTypes.push_back(plan.matches.front().slotValues[s].getType());
    auto i64 = IntegerType::get(ctx, 64);
    if (needsIndex)
      argTypes.push_back(i64);
    argTypes.push_back(context.getType());
    SmallVector<Type> resultTypes;
    for (auto [op, result] : plan.outputs)
      resultTypes.push_back(ref.ops[op]->getResult(result).getType());
    // Last: whether the layer ran to its end.
    resultTypes.push_back(IntegerType::get(ctx, 1));

    std::string name;
    do
      name = (func.getSymName() + "_layer" + Twine(counter++)).str();
    while (module.lookupSymbol(name));
    OpBuilder b(ctx);
    b.setInsertionPointAfter(func);
    auto callee = func::FuncOp::create(
        b, loc, name, FunctionType::get(ctx, argTypes, resultTypes));
    callee.setPrivate();
    layers.insert(callee.getSymNameAttr());
    callee->setAttr("llvm.linkage",
                    LLVM::LinkageAttr::get(ctx, LLVM::Linkage::Internal));
    callee.setArgAttr(argTypes.size() - 1, seqc::kModelContextAttr,
                      UnitAttr::get(ctx));

    // The body: arguments, rematerialized slots, the first copy's ops.
    Block *body = callee.addEntryBlock();
    b.setInsertionPointToStart(body);
    IRMapping map;
    unsigned arg = 0;
    for (auto [s, kind] : llvm::enumerate(kinds)) {
      Value first = plan.matches.front().slotValues[s];
      if (kind == SlotKind::argument)
        map.map(first, body->getArgument(arg++));
      else if (kind == SlotKind::context)
        map.map(first, body->getArguments().back());
    }
    Value layerIndex = needsIndex ? body->getArgument(arg) : Value();
    // Producers after their operands.
    std::function<void(Value)> materialize = [&](Value first) {
      if (map.contains(first))
        return;
      Operation *producer = first.getDefiningOp();
      for (Value operand : producer->getOperands())
        materialize(operand);
      b.clone(*producer, map);
    };
    for (auto [s, kind] : llvm::enumerate(kinds))
      if (kind == SlotKind::rematerialized)
        materialize(plan.matches.front().slotValues[s]);
    SmallVector<Operation *> clones;
    for (Operation *op : ref.ops)
      clones.push_back(b.clone(*op, map));
    size_t number = 0;
    for (Operation *clone : clones)
      clone->walk([&](CheckOp check) {
        check.setMessageAttr(messages.front()[number]);
        if (differs(number)) {
          SmallVector<Attribute> alternatives;
          for (ArrayRef<StringAttr> own : messages)
            alternatives.push_back(own[number]);
          check.getSelectorMutable().assign(layerIndex);
          check.setAlternativesAttr(ArrayAttr::get(ctx, alternatives));
        }
        ++number;
      });
    SmallVector<Value> returned;
    for (auto [op, result] : plan.outputs)
      returned.push_back(map.lookup(ref.ops[op]->getResult(result)));
    returned.push_back(arith::ConstantIntOp::create(b, loc, b.getI1Type(), 1));
    func::ReturnOp::create(b, loc, returned);

    // Each copy becomes a call, and stops its caller when the layer
    // stopped (its own failure is recorded in the context already).
    // A copy's output that the next copy reads is the call's result once
    // the copy is replaced.
    DenseMap<Value, Value> replaced;
    // Which outputs are a layer's empty buffer (freshEmptyLike), read
    // before the first copy, the reference, is erased.
    SmallVector<bool> emptyBuffer;
    for (auto [op, result] : plan.outputs)
      emptyBuffer.push_back(isa<tensor::EmptyOp>(ref.ops[op]));
    for (size_t c = 0; c < plan.copies.size(); ++c) {
      const Copy &copy = plan.copies[c];
      const Match &m = plan.matches[c];
      b.setInsertionPointAfter(copy.last());
      Location at = copy.ops.front()->getLoc();
      SmallVector<Value> operands;
      for (auto [s, kind] : llvm::enumerate(kinds))
        if (kind == SlotKind::argument)
          operands.push_back(replaced.lookup(m.slotValues[s])
                                 ? replaced.lookup(m.slotValues[s])
                                 : m.slotValues[s]);
      if (needsIndex)
        operands.push_back(arith::ConstantIntOp::create(b, at, i64, c));
      operands.push_back(context);
      auto call = func::CallOp::create(b, at, callee, operands);
      for (auto [n, output] : llvm::enumerate(plan.outputs)) {
        Value result = copy.ops[output.first]->getResult(output.second);
        Value now = emptyBuffer[n] ? freshEmptyLike(b, at, call.getResult(n))
                                   : call.getResult(n);
        replaced[result] = now;
        result.replaceUsesWithIf(now, [&](OpOperand &use) {
          return !copy.contains(use.getOwner());
        });
      }
      // The layer's last result is true when it returns normally; a
      // layer that stopped (a failed shape check or allocation) returns
      // all zeros (seqc-lower-checks), so the flag is false, whatever
      // the context's status (a value failure recorded earlier keeps it).
      CheckOp::create(b, at, call.getResults().back(), Value(),
                      "a repeated layer of the model failed",
                      seqc::seq::CheckKind::shape);
      stash.forget(copy.ops);
      for (Operation *op : llvm::reverse(copy.ops))
        op->erase();
    }
  }

  ModuleOp module;
  unsigned counter = 0;
  /// The functions outlined so far.
  llvm::DenseSet<StringAttr> layers;
};

struct OutlineRepeatedLayersPass
    : seqc::impl::OutlineRepeatedLayersPassBase<OutlineRepeatedLayersPass> {
  using Base::Base;
  void runOnOperation() override {
    ModuleOp module = getOperation();
    Outliner outliner(module);
    for (auto func : llvm::to_vector(module.getOps<func::FuncOp>())) {
      if (!func.isPublic() || func.isExternal())
        continue;
      outliner.run(func);
    }
  }
};

} // namespace
