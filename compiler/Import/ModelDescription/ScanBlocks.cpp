//===- ScanBlocks.cpp - user-written recurrences as seq.scan --------------===//
//
// A `scan` block (Parser.h) becomes one seq.scan: its scanned sequences
// (the scan dimension moved first), its carried states' initial values,
// and a body made of the block's layer statements, emitted in a scope of
// their own (block names shadow outer ones; outer values the body uses are
// emitted before the scan, so that they are computed once). The outputs'
// destinations are sized from the outer values whose dimension names they
// carry. Also `zeros`, the usual initial state.
//
//===----------------------------------------------------------------------===//

#include "compiler/Import/ModelDescription/Emitter.h"

#include "llvm/ADT/StringSet.h"

using namespace mlir;

namespace seqc {
namespace md {

FailureOr<Val> Emitter::emitZeros(const Val &like) {
  const Argument *shapeKw = keyword("shape");
  SmallVector<int64_t> shape;
  SmallVector<Value> dyn;
  SmallVector<std::string> dims;
  for (const Literal &item : shapeKw->value.items) {
    if (item.kind == Literal::Kind::Int) {
      if (item.intValue < 0) {
        error(item.pos) << "zeros' sizes must be >= 0; found " << item.text;
        return failure();
      }
      shape.push_back(item.intValue);
      dims.push_back("");
      continue;
    }
    auto it = llvm::find(like.dims, item.text);
    if (it == like.dims.end()) {
      error(item.pos) << "'" << item.text << "' names no dimension of "
                      << describe(like, current->operands[0].value.text);
      return failure();
    }
    int64_t d = it - like.dims.begin();
    shape.push_back(like.type().getDimSize(d));
    if (like.type().isDynamicDim(d))
      dyn.push_back(dimValue(like.value, d));
    dims.push_back(item.text);
  }
  auto type = RankedTensorType::get(shape, b.getF32Type());
  Value zero = arith::ConstantOp::create(b, here(), b.getF32FloatAttr(0));
  Value init = emptyTensor(shape, dyn, b.getF32Type());
  Val out;
  out.value =
      linalg::FillOp::create(b, here(), TypeRange{type}, ValueRange{zero},
                             ValueRange{init})
          .getResult(0);
  out.dims = dims;
  return out;
}

/// The names a layer statement reads: operands and value keywords.
static SmallVector<std::pair<std::string, Pos>> namesRead(const LayerStmt &l) {
  SmallVector<std::pair<std::string, Pos>> names;
  for (const Argument &a : l.operands)
    names.push_back({a.value.text, a.value.pos});
  if (const LayerSpec *spec = findSpec(l.layer))
    for (const Argument &a : l.keywords)
      for (const KwSpec &k : spec->keywords)
        if (a.key == k.name && k.type == KwType::Value)
          names.push_back({a.value.text, a.value.pos});
  return names;
}

LogicalResult Emitter::emitScan(const ScanStmt &scan) {
  Location scanLoc = loc(scan.namePos);
  // (No reference into the map: emitting another scan may grow it.)
  if (scanProgress.lookup(&scan) == 2)
    return success();
  if (scanProgress.lookup(&scan) == 1) {
    error(scan.namePos) << "scan '" << scan.name << "' depends on itself";
    return failure();
  }
  scanProgress[&scan] = 1;
  // The scan's own ops (transposes, sizes, the op) are located at its name.
  auto atScan = [&] {
    current = nullptr;
    scanPos = scan.namePos;
  };
  atScan();
  int64_t dim = 0;
  bool reverse = false;
  for (const Argument &kw : scan.keywords) {
    bool isDim = kw.key == "dim";
    if (isDim ? kw.value.kind != Literal::Kind::Int
              : kw.value.kind != Literal::Kind::Bool) {
      error(kw.value.pos) << "scan's " << kw.key << " expects "
                          << (isDim ? "an integer" : "true or false")
                          << ", found '" << kw.value.text << "'";
      return failure();
    }
    if (isDim)
      dim = kw.value.intValue;
    else
      reverse = kw.value.boolValue;
  }

  // The outer values: bindings, then whatever the body reads from outside.
  llvm::StringSet<> local;
  SmallVector<Val> sources;
  for (const ScanBinding &binding : scan.bindings) {
    if (!local.insert(binding.name).second) {
      error(binding.pos) << "'" << binding.name << "' is bound twice";
      return failure();
    }
    FailureOr<Val> v = resolve(binding.source, binding.sourcePos);
    if (failed(v))
      return failure();
    sources.push_back(*v);
  }
  llvm::StringMap<Pos> bodyNames;
  for (const LayerStmt &stmt : scan.body) {
    auto [it, fresh] = bodyNames.try_emplace(stmt.name, stmt.namePos);
    if (!fresh || local.contains(stmt.name)) {
      InFlightDiagnostic diag = error(stmt.namePos);
      diag << "'" << stmt.name << "' is defined twice in scan '" << scan.name
           << "'";
      return failure();
    }
  }
  for (const auto &entry : bodyNames)
    local.insert(entry.getKey());
  auto readOutside = [&](const std::string &name, Pos pos) -> LogicalResult {
    // A local name, or a final state of one (`enc.h_n` of a body lstm).
    size_t dot = name.rfind('.');
    if (local.contains(name) ||
        (dot != std::string::npos && local.contains(name.substr(0, dot))))
      return success();
    return failure(failed(resolve(name, pos)));
  };
  for (const LayerStmt &stmt : scan.body)
    for (auto &[name, pos] : namesRead(stmt))
      if (failed(readOutside(name, pos)))
        return failure();
  for (const OutputRef &y : scan.yields)
    if (failed(readOutside(y.name, y.pos)))
      return failure();

  atScan();
  // Sequences with the scan dimension first; the step sees the rest.
  SmallVector<Value> sequences, inits;
  SmallVector<Type> argTypes = {b.getIndexType()};
  SmallVector<SmallVector<std::string>> argDims = {{}};
  const Val *firstSequence = nullptr;
  std::string timeName;
  SmallVector<Val> outerSequences;
  size_t firstScanned = 0;
  for (auto [i, binding, v] : llvm::enumerate(scan.bindings, sources)) {
    if (!binding.scanned)
      continue;
    if (outerSequences.empty())
      firstScanned = i;
    if (v.rank() < 1 || dim < -v.rank() || dim >= v.rank()) {
      error(binding.sourcePos)
          << "scan '" << scan.name << "' slices '" << binding.source
          << "' along dimension " << dim << "; "
          << describe(v, binding.source);
      return failure();
    }
    int64_t d = dim < 0 ? dim + v.rank() : dim;
    SmallVector<int64_t> perm = {d};
    for (int64_t i = 0; i < v.rank(); ++i)
      if (i != d)
        perm.push_back(i);
    outerSequences.push_back(d == 0 ? v : transpose(v, perm));
    // Sequences stepped through together have one length: two fixed sizes
    // or two names that differ say they do not (the runtime would refuse
    // every call).
    const Val &seq = outerSequences.back(), &first = outerSequences.front();
    StringRef name = seq.dims[0], firstName = first.dims[0];
    int64_t size = seq.type().getDimSize(0),
            firstSize = first.type().getDimSize(0);
    bool namesDiffer = !name.empty() && !firstName.empty() && name != firstName;
    bool sizesDiffer = !ShapedType::isDynamic(size) &&
                       !ShapedType::isDynamic(firstSize) && size != firstSize;
    if (namesDiffer || sizesDiffer) {
      auto extent = [](StringRef n, int64_t sz) {
        return n.empty() ? std::to_string(sz) : "'" + n.str() + "'";
      };
      error(binding.sourcePos)
          << "scan '" << scan.name << "' steps through '" << binding.source
          << "' and '" << scan.bindings[firstScanned].source
          << "' together, but their scanned dimensions are "
          << extent(name, size) << " and " << extent(firstName, firstSize)
          << ": sequences of one scan have one length (name the dimensions "
             "alike if they are)";
      return failure();
    }
  }
  if (outerSequences.empty()) {
    error(scan.namePos) << "scan '" << scan.name
                        << "' scans no sequence; bind one as `STEP in VALUE`";
    return failure();
  }
  firstSequence = &outerSequences.front();
  timeName = firstSequence->dims[0];
  for (auto [binding, v] : llvm::zip(scan.bindings, sources))
    if (!binding.scanned) {
      inits.push_back(v.value);
      argTypes.push_back(v.type());
      argDims.push_back(v.dims);
    }
  for (const Val &s : outerSequences) {
    sequences.push_back(s.value);
    argTypes.push_back(seq::ScanOp::getSliceType(s.type()));
    argDims.push_back(SmallVector<std::string>(s.dims.begin() + 1, s.dims.end()));
  }

  // The body, in a block of its own until the op exists.
  auto body = std::make_unique<Block>();
  for (Type t : argTypes)
    body->addArgument(t, scanLoc);
  auto savedValues = values;
  auto savedLayers = layers;
  auto savedState = state;
  auto restoreScope = [&] {
    values = std::move(savedValues);
    layers = std::move(savedLayers);
    state = std::move(savedState);
  };
  for (const LayerStmt &stmt : scan.body) {
    layers[stmt.name] = &stmt;
    for (const char *suffix : {"", ".h_n", ".c_n"}) {
      values.erase(stmt.name + suffix);
      state.erase(stmt.name + suffix);
    }
  }
  unsigned carriedArg = 1, sliceArg = 1 + inits.size();
  for (const ScanBinding &binding : scan.bindings) {
    unsigned arg = binding.scanned ? sliceArg++ : carriedArg++;
    values[binding.name] = Val{body->getArgument(arg), argDims[arg]};
    state[binding.name] = 2;
  }
  SmallVector<Value> nextStates(inits.size());
  SmallVector<Val> outputs;
  SmallVector<const OutputRef *> outputRefs;
  {
    OpBuilder::InsertionGuard guard(b);
    b.setInsertionPointToEnd(body.get());
    // Every body statement is emitted (and its weights checked).
    for (const LayerStmt &stmt : scan.body)
      if (failed(resolve(stmt.name, stmt.namePos))) {
        restoreScope();
        return failure();
      }
    llvm::StringMap<Pos> yielded;
    for (const OutputRef &y : scan.yields) {
      auto [prev, fresh] = yielded.try_emplace(y.exportName, y.exportPos);
      if (!fresh) {
        InFlightDiagnostic diag = error(y.exportPos);
        diag << "scan '" << scan.name << "' yields '" << y.exportName
             << "' twice";
        restoreScope();
        return failure();
      }
      FailureOr<Val> v = resolve(y.name, y.pos);
      if (failed(v)) {
        restoreScope();
        return failure();
      }
      auto binding = llvm::find_if(scan.bindings, [&](const ScanBinding &s) {
        return s.name == y.exportName;
      });
      if (binding == scan.bindings.end()) {
        outputs.push_back(*v);
        outputRefs.push_back(&y);
        continue;
      }
      if (binding->scanned) {
        error(y.exportPos) << "'" << y.exportName << "' is a step of '"
                           << binding->source
                           << "', not a carried state; yield a new name";
        restoreScope();
        return failure();
      }
      unsigned i = llvm::count_if(
          llvm::make_range(scan.bindings.begin(), binding),
          [](const ScanBinding &s) { return !s.scanned; });
      // Same type is not enough: a dynamic dimension named B in the state
      // and T in the yield would change size between steps.
      const Val &initial = sources[binding - scan.bindings.begin()];
      bool namesDiffer = false;
      for (auto [was, is] : llvm::zip(initial.dims, v->dims))
        namesDiffer |= !was.empty() && !is.empty() && was != is;
      if (v->type() != argTypes[1 + i] || namesDiffer) {
        error(y.pos) << "scan '" << scan.name << "' carries '" << y.exportName
                     << "' as " << describe(sources[binding - scan.bindings.begin()],
                                            binding->source)
                     << ", but yields " << describe(*v, y.name);
        restoreScope();
        return failure();
      }
      nextStates[i] = v->value;
    }
    for (auto [i, binding] : llvm::enumerate(llvm::make_filter_range(
             scan.bindings, [](const ScanBinding &s) { return !s.scanned; })))
      if (!nextStates[i]) {
        error(scan.yieldPos) << "scan '" << scan.name
                             << "' does not yield the next '" << binding.name
                             << "'; yield " << binding.name << " = VALUE";
        restoreScope();
        return failure();
      }
    SmallVector<Value> yieldValues = nextStates;
    for (const Val &o : outputs)
      yieldValues.push_back(o.value);
    seq::YieldOp::create(b, loc(scan.yieldPos), yieldValues);
  }
  restoreScope();
  atScan();

  // The outputs' destinations: [T, step shape...], sized from the outer
  // values whose dimension names the step's dimensions carry.
  auto sizeOf = [&](const std::string &name) -> Value {
    if (name.empty())
      return Value();
    for (const Val &s : outerSequences)
      for (auto [d, n] : llvm::enumerate(s.dims))
        if (n == name && d > 0)
          return dimValue(s.value, d);
    for (const Val &s : sources)
      for (auto [d, n] : llvm::enumerate(s.dims))
        if (n == name)
          return dimValue(s.value, d);
    return Value();
  };
  SmallVector<Value> outs;
  for (auto [o, ref] : llvm::zip(outputs, outputRefs)) {
    SmallVector<int64_t> shape = {firstSequence->type().getDimSize(0)};
    SmallVector<Value> dyn;
    if (ShapedType::isDynamic(shape[0]))
      dyn.push_back(dimValue(firstSequence->value, 0));
    for (int64_t d = 0; d < o.rank(); ++d) {
      shape.push_back(o.type().getDimSize(d));
      if (!o.type().isDynamicDim(d))
        continue;
      Value size = sizeOf(o.dims[d]);
      if (!size) {
        error(ref->pos) << "scan '" << scan.name << "' cannot size its output '"
                        << ref->exportName << "' before it runs: dimension "
                        << d << " of its value (" << describe(o, ref->name)
                        << ") is not a dimension of a scanned sequence or a "
                           "carried state";
        return failure();
      }
      dyn.push_back(size);
    }
    outs.push_back(
        tensor::EmptyOp::create(b, scanLoc, shape, o.type().getElementType(), dyn));
  }
  Block *source = body.get();
  auto op = seq::ScanOp::create(
      b, scanLoc, inits, sequences, outs, reverse,
      [&](OpBuilder &nb, Location, Value index, ValueRange carried,
          ValueRange slices) {
        source->getArgument(0).replaceAllUsesWith(index);
        for (auto [i, c] : llvm::enumerate(carried))
          source->getArgument(1 + i).replaceAllUsesWith(c);
        for (auto [i, s] : llvm::enumerate(slices))
          source->getArgument(1 + carried.size() + i).replaceAllUsesWith(s);
        Block *target = nb.getInsertionBlock();
        target->getOperations().splice(target->end(), source->getOperations());
      });

  // NAME.state is the final state; NAME.output the outputs along `dim`.
  unsigned i = 0;
  for (auto [binding, v] : llvm::zip(scan.bindings, sources)) {
    if (binding.scanned)
      continue;
    std::string field = scan.name + "." + binding.name;
    values[field] = Val{op.getFinalStates()[i++], v.dims};
    state[field] = 2;
  }
  for (auto [k, o] : llvm::enumerate(outputs)) {
    Val stacked{op.getOutputs()[k], {}};
    stacked.dims.push_back(timeName);
    stacked.dims.append(o.dims.begin(), o.dims.end());
    int64_t d = dim < 0 ? dim + firstSequence->rank() : dim;
    if (d > 0) {
      if (d >= stacked.rank()) {
        error(outputRefs[k]->pos)
            << "scan '" << scan.name << "' stacks its output '"
            << outputRefs[k]->exportName << "' along dimension " << d
            << ", but " << describe(o, outputRefs[k]->name)
            << " has too few dimensions";
        return failure();
      }
      SmallVector<int64_t> perm;
      for (int64_t j = 0; j < stacked.rank(); ++j)
        perm.push_back(j < d ? j + 1 : j == d ? 0 : j);
      stacked = transpose(stacked, perm);
    }
    std::string field = scan.name + "." + outputRefs[k]->exportName;
    values[field] = stacked;
    state[field] = 2;
  }
  scanProgress[&scan] = 2;
  return success();
}

} // namespace md
} // namespace seqc
