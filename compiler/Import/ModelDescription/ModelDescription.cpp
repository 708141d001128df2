//===- ModelDescription.cpp - .seq model descriptions into seq -----------===//
//
// Walks the layer DAG from every statement (dependencies first, so layers
// may be written in any order), checks each layer's operands, keywords and
// weights, and emits seq ops plus upstream tensor/linalg/arith glue.
//
//===----------------------------------------------------------------------===//

#include "compiler/Import/ModelDescription/ModelDescription.h"

#include "compiler/Import/ModelDescription/Emitter.h"
#include "compiler/Import/ModelDescription/Suggestions.h"
#include "seqc/abi.h"

#include "mlir/Dialect/Math/IR/Math.h"

#include "llvm/Support/MathExtras.h"

using namespace mlir;

namespace seqc {
namespace md {

const Val *Emitter::valueKw(StringRef name) const {
  auto it = valueKeywords.find(name);
  return it == valueKeywords.end() ? nullptr : &it->second;
}

const Argument *Emitter::keyword(StringRef name) const {
  for (const Argument &a : current->keywords)
    if (a.key == name)
      return &a;
  return nullptr;
}

/// Dimension names people give a batch and a sequence (PyTorch's docs say
/// N, L and S; others B, T, seq_len ...), compared without case.
static bool isBatchName(StringRef n) {
  return llvm::is_contained({"b", "n", "batch", "batch_size", "bs", "nbatch"},
                            n.lower());
}
static bool isTimeName(StringRef n) {
  return llvm::is_contained({"t", "l", "s", "seq", "seq_len", "seqlen",
                             "sequence_length", "time", "steps", "len",
                             "length", "frames", "tokens"},
                            n.lower());
}

bool Emitter::namesBatchFirst(const Val &x) {
  return x.rank() >= 2 && isBatchName(x.dims[0]) && isTimeName(x.dims[1]);
}

bool Emitter::batchFirstFor(const Val &x, unsigned operand) {
  bool batchFirst = boolKw("batch_first", false);
  warnIfLayoutSwapped(x, operand, batchFirst, /*hasOption=*/true);
  return batchFirst;
}

void Emitter::warnIfLayoutSwapped(const Val &x, unsigned operand,
                                  bool batchFirst, bool hasOption) {
  if (x.rank() < 2)
    return;
  StringRef first = x.dims[0], second = x.dims[1];
  bool looksBatchFirst = isBatchName(first) && isTimeName(second);
  bool looksTimeFirst = isTimeName(first) && isBatchName(second);
  if (!(batchFirst ? looksTimeFirst : looksBatchFirst))
    return;
  const Argument &arg = current->operands[operand];
  InFlightDiagnostic diag = mlir::emitWarning(loc(arg.value.pos));
  diag << current->layer << " reads its input as ";
  if (hasOption)
    diag << (batchFirst ? "[batch, time, ...] (batch_first=true)"
                        : "[time, batch, ...] (PyTorch's default "
                          "batch_first=false)");
  else
    diag << (batchFirst ? "[batch, time, ...]" : "[time, batch, ...]");
  diag << ", but " << describe(x, arg.value.text)
       << " names its dimensions the other way: ";
  if (hasOption)
    diag << (batchFirst ? "drop batch_first=true" : "add batch_first=true")
         << " if they are, or permute the input";
  else
    diag << "permute the input if they are (" << current->layer
         << " has no other layout)";
}

std::string Emitter::describe(const Val &v, StringRef name) const {
  std::string s;
  llvm::raw_string_ostream os(s);
  os << "'" << name << "' is ";
  Type elt = v.type().getElementType();
  if (elt.isF32())
    os << "f32";
  else if (elt.isInteger(1))
    os << "bool";
  else
    os << elt;
  os << "[";
  for (int64_t i = 0; i < v.rank(); ++i) {
    if (i)
      os << ", ";
    if (!v.dims[i].empty())
      os << v.dims[i];
    else if (v.type().isDynamicDim(i))
      os << "?";
    else
      os << v.type().getDimSize(i);
  }
  os << "]";
  return s;
}

LogicalResult Emitter::expectFloat(const Val &v, int64_t rank,
                                   StringRef what) {
  if (isa<FloatType>(v.type().getElementType()) &&
      (rank < 0 ? v.rank() >= 1 : v.rank() == rank))
    return success();
  error(current->operands[0].value.pos)
      << current->layer << " expects " << what << "; "
      << describe(v, current->operands[0].value.text);
  return failure();
}

FailureOr<int64_t> Emitter::staticDim(const Val &v, int64_t dim,
                                      StringRef what) {
  if (!v.type().isDynamicDim(dim))
    return v.type().getDimSize(dim);
  error(current->operands[0].value.pos)
      << current->layer << " needs a fixed " << what << " (dimension " << dim
      << "); " << describe(v, current->operands[0].value.text);
  return failure();
}

FailureOr<WeightTensor> Emitter::weight(StringRef suffix) {
  return weightNamed(prefix() + "." + suffix.str());
}

FailureOr<WeightTensor> Emitter::weightNamed(const std::string &name) {
  if (!weights.isOpen()) {
    error(current->layerPos)
        << current->layer << " '" << current->name << "' reads weight '"
        << name << "' but no weights file is given; name one with "
        << "`weights \"FILE.safetensors\"` or pass --weights";
    return failure();
  }
  return weights.read(name, here());
}

FailureOr<WeightTensor> Emitter::weightOfRank(StringRef suffix, int64_t rank,
                                              StringRef owner,
                                              StringRef what) {
  FailureOr<WeightTensor> w = weight(suffix);
  if (failed(w))
    return failure();
  if (static_cast<int64_t>(w->shape.size()) != rank) {
    error(current->layerPos)
        << "weight '" << w->name << "' is " << formatShape(w->shape) << " but "
        << owner << "'s " << suffix << " is " << what;
    return failure();
  }
  return w;
}

LogicalResult Emitter::expectShape(const WeightTensor &w,
                                   ArrayRef<int64_t> expected, StringRef why,
                                   StringRef hint) {
  if (ArrayRef<int64_t>(w.shape) == expected)
    return success();
  InFlightDiagnostic diag = error(current->layerPos);
  diag << "weight '" << w.name << "' is " << formatShape(w.shape) << " but "
       << why << " needs " << formatShape(expected);
  if (!hint.empty())
    diag << " (" << hint << ")";
  diag.attachNote(weights.getLocation())
      << "'" << w.name << "' is read from '" << weights.getPath() << "'";
  return failure();
}

LogicalResult Emitter::checkKwAgainst(StringRef kw, int64_t fromWeights,
                                      const WeightTensor &w, StringRef what) {
  const Argument *a = keyword(kw);
  if (!a || a->value.intValue == fromWeights)
    return success();
  InFlightDiagnostic diag = error(a->keyPos);
  diag << kw << "=" << a->value.intValue << " but weight '" << w.name
       << "' is " << formatShape(w.shape) << ", " << what << " "
       << fromWeights;
  diag.attachNote(weights.getLocation())
      << "'" << w.name << "' is read from '" << weights.getPath() << "'";
  return failure();
}

Value Emitter::constant(ArrayRef<int64_t> shape, ArrayRef<float> data) {
  auto type = RankedTensorType::get(shape, b.getF32Type());
  return arith::ConstantOp::create(b, here(), DenseElementsAttr::get(type, data));
}

Value Emitter::dimValue(Value v, int64_t dim) {
  auto type = cast<RankedTensorType>(v.getType());
  if (!type.isDynamicDim(dim))
    return arith::ConstantIndexOp::create(b, here(), type.getDimSize(dim));
  return tensor::DimOp::create(b, here(), v, dim);
}

OpFoldResult Emitter::dimFold(Value v, int64_t dim) {
  auto type = cast<RankedTensorType>(v.getType());
  if (!type.isDynamicDim(dim))
    return b.getIndexAttr(type.getDimSize(dim));
  return tensor::DimOp::create(b, here(), v, dim).getResult();
}

Value Emitter::emptyTensor(ArrayRef<int64_t> shape, ArrayRef<Value> dynSizes,
                           Type elt) {
  return tensor::EmptyOp::create(b, here(), shape, elt, dynSizes);
}

Val Emitter::transpose(const Val &v, ArrayRef<int64_t> perm) {
  SmallVector<int64_t> shape;
  SmallVector<Value> dyn;
  Val out;
  for (int64_t p : perm) {
    shape.push_back(v.type().getDimSize(p));
    if (v.type().isDynamicDim(p))
      dyn.push_back(dimValue(v.value, p));
    out.dims.push_back(v.dims[p]);
  }
  Value init = emptyTensor(shape, dyn, v.type().getElementType());
  out.value =
      linalg::TransposeOp::create(b, here(), v.value, init, perm).getResult()[0];
  return out;
}

Val Emitter::linearOp(const Val &x, const WeightTensor &w,
                      const WeightTensor *bias) {
  Value wc = constant(w.shape, w.data);
  Value bc = bias ? constant(bias->shape, bias->data) : Value();
  SmallVector<int64_t> shape(x.type().getShape());
  shape.back() = w.shape[0];
  auto type = RankedTensorType::get(shape, x.type().getElementType());
  Val out;
  out.value = seq::LinearOp::create(b, here(), type, x.value, wc, bc);
  out.dims = x.dims;
  out.dims.back() = "";
  return out;
}

FailureOr<int64_t> Emitter::normalizeDim(int64_t dim, int64_t rank,
                                         StringRef kw) {
  if (dim < -rank || dim >= rank) {
    const Argument *a = keyword(kw);
    error(a ? a->keyPos : current->layerPos)
        << kw << "=" << dim << " is out of range for a rank-" << rank
        << " operand";
    return failure();
  }
  return dim < 0 ? dim + rank : dim;
}

//===----------------------------------------------------------------------===//
// Recurrences
//===----------------------------------------------------------------------===//

FailureOr<Val> Emitter::emitLayer(const LayerStmt &layer,
                                  ArrayRef<Val> operands) {
  current = &layer;
  StringRef kind = layer.layer;
  if (kind == "lstm" || kind == "gru" || kind == "rnn")
    return emitRecurrence(operands);
  if (kind == "rms_norm")
    return emitRmsNorm(operands[0]);
  if (kind == "pos_embedding")
    return emitPosEmbedding(operands[0]);
  if (kind == "pos_encoding")
    return emitPosEncoding(operands[0]);
  if (kind == "linear")
    return emitLinear(operands[0]);
  if (kind == "layer_norm")
    return emitLayerNorm(operands[0]);
  if (kind == "embedding")
    return emitEmbedding(operands[0]);
  if (kind == "conv1d")
    return emitConv1d(operands[0]);
  if (kind == "mha")
    return emitAttention(operands);
  // (Layers of one layout: Mamba, linear attention and RWKV read [B, T,
  // ...], the NTM [T, B, ...]; an input named the other way is most often
  // a mistake that would compute another model.)
  if (kind == "mamba" || kind == "linear_attention" ||
      kind == "rwkv_time_mix" || kind == "rwkv_channel_mix" || kind == "ntm")
    warnIfLayoutSwapped(operands[0], 0, /*batchFirst=*/kind != "ntm",
                        /*hasOption=*/false);
  if (kind == "mamba")
    return emitMamba(operands[0]);
  if (kind == "ntm")
    return emitNtm(operands[0]);
  if (kind == "linear_attention")
    return emitLinearAttention(operands[0]);
  if (kind == "rwkv_time_mix")
    return emitRwkvTimeMix(operands[0]);
  if (kind == "rwkv_channel_mix")
    return emitRwkvChannelMix(operands[0]);
  if (kind == "add" || kind == "mul" || kind == "sub" || kind == "div")
    return emitElementwise(operands);
  if (kind == "log_softmax")
    return emitLogSoftmax(operands[0]);
  if (kind == "sum" || kind == "mean" || kind == "max")
    return emitReduction(operands[0]);
  if (kind == "concat")
    return emitConcat(operands);
  if (kind == "softmax")
    return emitSoftmax(operands[0]);
  if (kind == "last")
    return emitLast(operands[0]);
  if (kind == "transpose")
    return emitTranspose(operands[0]);
  if (kind == "permute")
    return emitPermute(operands[0]);
  if (kind == "reshape")
    return emitReshape(operands[0]);
  if (kind == "slice")
    return emitSlice(operands[0]);
  if (kind == "flip")
    return emitFlip(operands[0]);
  if (kind == "glu")
    return emitGlu(operands[0]);
  if (kind == "dropout")
    return operands[0];
  if (kind == "parameter")
    return emitParameter();
  if (kind == "zeros")
    return emitZeros(operands[0]);
  if (kind == "matmul")
    return emitMatmul(operands[0], operands[1]);
  if (kind == "cumsum")
    return emitCumSum(operands[0]);
  if (kind == "where" || kind == "masked_fill" || kind == "logical_and" ||
      kind == "logical_or" || kind == "logical_not" || kind == "lt" ||
      kind == "le" || kind == "gt" || kind == "ge" || kind == "eq" ||
      kind == "ne")
    return emitSelection(operands);
  if (kind == "to")
    return emitTo(operands[0]);
  if (kind == "sequence_mask")
    return emitSequenceMask(operands[0], operands[1]);
  // Activations and pointwise math.
  return emitMath(operands);
}

FailureOr<std::vector<const LayerStmt *>>
Emitter::orderLayers(const std::vector<LayerStmt> &all) {
  std::vector<const LayerStmt *> order;
  llvm::StringMap<int> mark; // 1: on the path, 2: ordered
  // The path from the statement the walk started at: each statement and
  // the next of its arguments to visit.
  SmallVector<std::pair<const LayerStmt *, size_t>> path;
  for (const LayerStmt &start : all) {
    if (mark.lookup(start.name))
      continue;
    mark[start.name] = 1;
    path.push_back({&start, 0});
    while (!path.empty()) {
      auto &[layer, next] = path.back();
      size_t numArgs = layer->operands.size() + layer->keywords.size();
      if (next == numArgs) {
        mark[layer->name] = 2;
        order.push_back(layer);
        path.pop_back();
        continue;
      }
      const Argument &arg =
          next < layer->operands.size()
              ? layer->operands[next]
              : layer->keywords[next - layer->operands.size()];
      bool keyword = next >= layer->operands.size();
      ++next;
      // (Keywords read values only where the layer says so: `name=fc`
      // names weights, whatever statement is called fc.)
      if (keyword) {
        const LayerSpec *spec = findSpec(layer->layer);
        if (!spec || llvm::none_of(spec->keywords, [&](const KwSpec &k) {
              return arg.key == k.name && k.type == KwType::Value;
            }))
          continue;
      }
      const LayerStmt *read = layers.lookup(arg.value.text);
      if (!read || mark.lookup(read->name) == 2)
        continue;
      if (mark.lookup(read->name) == 1) {
        InFlightDiagnostic diag = error(arg.value.pos);
        diag << "'" << read->name << "' depends on itself: ";
        auto first = llvm::find_if(
            path, [&](const auto &entry) { return entry.first == read; });
        for (auto it = first; it != path.end(); ++it)
          diag << it->first->name << " -> ";
        diag << read->name;
        return failure();
      }
      mark[read->name] = 1;
      path.push_back({read, 0});
    }
  }
  return order;
}

FailureOr<Val> Emitter::resolve(const std::string &name, Pos use) {
  auto it = values.find(name);
  if (it != values.end() && state.lookup(name) != 1)
    return it->second;
  auto layerIt = layers.find(name);
  if (layerIt == layers.end()) {
    if (const ScanStmt *scan = scanFields.lookup(name)) {
      // A field read inside the scan's own body (or by a layer the body
      // reads): the cycle from the field that started the scan, at this
      // use (s.y -> hn -> last(...) at 4:15 -> s.y).
      auto start = llvm::find_if(stack, [&](const std::string &s) {
        return scanFields.lookup(s) == scan;
      });
      if (scanProgress.lookup(scan) == 1) {
        InFlightDiagnostic diag = error(use);
        diag << "'" << name << "' depends on itself: ";
        if (start == stack.end()) {
          // Read in the scan's own body (the scan emitted in file order).
          diag << "scan '" << scan->name
               << "' reads its own result in its body";
          for (const ScanBinding &bind : scan->bindings)
            if (!bind.scanned) {
              diag << " (there, '" << bind.name << "' of `" << bind.name
                   << " = " << bind.source << "` is the state the step before "
                   << "left)";
              break;
            }
          return failure();
        }
        for (auto s = start; s != stack.end(); ++s)
          diag << *s << " -> ";
        diag << name;
        return failure();
      }
      // On the stack while its body is emitted: a cycle through the body
      // names the field (q -> c.y -> q).
      stack.push_back(name);
      LogicalResult emitted = emitScan(*scan);
      stack.pop_back();
      if (failed(emitted))
        return failure();
      return values.find(name)->second;
    }
    return resolveState(name, use);
  }
  if (state.lookup(name) == 1) {
    InFlightDiagnostic diag = error(use);
    diag << "'" << name << "' depends on itself: ";
    auto start = llvm::find(stack, name);
    for (auto s = start; s != stack.end(); ++s)
      diag << *s << " -> ";
    diag << name;
    return failure();
  }
  const LayerStmt &layer = *layerIt->second;
  const LayerSpec *spec = findSpec(layer.layer);
  if (!spec) {
    InFlightDiagnostic diag = error(layer.layerPos);
    diag << "unknown layer '" << layer.layer << "'; ";
    SmallVector<StringRef> known;
    for (const LayerSpec &s : layerSpecs())
      known.push_back(s.name);
    // A likely typo gets the one name, not the whole list.
    if (StringRef closest = closestName(layer.layer, known); !closest.empty()) {
      diag << "did you mean '" << closest
           << "'? (docs/ModelDescription.md lists the layers)";
      return failure();
    }
    diag << "known layers:";
    for (StringRef name : known)
      diag << " " << name;
    return failure();
  }
  current = &layer;
  if (failed(checkArguments(layer, *spec, [&](Pos p) { return error(p); })))
    return failure();
  // A layer written as an operand has no statement name to prefix its
  // weights with: it needs name=.
  bool readsWeights =
      llvm::any_of(spec->keywords,
                   [](const KwSpec &k) { return StringRef(k.name) == "name"; }) &&
      boolKw("elementwise_affine", true);
  if (layer.nested && readsWeights && !keyword("name")) {
    error(layer.layerPos) << layer.layer
                          << " written inside another layer's operands "
                             "needs name= (the prefix of its weights)";
    return failure();
  }
  state[name] = 1;
  stack.push_back(name);
  SmallVector<Val> operands;
  for (const Argument &arg : layer.operands) {
    FailureOr<Val> v = resolve(arg.value.text, arg.value.pos);
    if (failed(v))
      return failure();
    operands.push_back(*v);
  }
  // Keywords that name values (mha's masks) are dependencies too.
  llvm::StringMap<Val> keywordValues;
  for (const Argument &arg : layer.keywords) {
    auto kw = llvm::find_if(spec->keywords, [&](const KwSpec &k) {
      return arg.key == k.name;
    });
    if (kw->type != KwType::Value)
      continue;
    FailureOr<Val> v = resolve(arg.value.text, arg.value.pos);
    if (failed(v))
      return failure();
    keywordValues[arg.key] = *v;
  }
  stack.pop_back();
  valueKeywords = std::move(keywordValues);
  FailureOr<Val> result = emitLayer(layer, operands);
  if (failed(result))
    return failure();
  state[name] = 2;
  values[name] = *result;
  return result;
}

/// The final-state values a layer of kind `layer` defines (NAME.h_n, ...).
static SmallVector<StringRef, 2> finalStatesOf(StringRef layer) {
  if (layer == "lstm")
    return {"h_n", "c_n"};
  if (layer == "gru" || layer == "rnn")
    return {"h_n"};
  return {};
}

/// `NAME.h_n` / `NAME.c_n`: the final states of the recurrence NAME.
FailureOr<Val> Emitter::resolveState(const std::string &name, Pos use) {
  size_t dot = name.rfind('.');
  std::string base = dot == std::string::npos ? "" : name.substr(0, dot);
  std::string field = dot == std::string::npos ? "" : name.substr(dot + 1);
  if (base.empty() || (!layers.count(base) && !values.count(base))) {
    InFlightDiagnostic diag = error(use);
    diag << "undefined name '" << name << "'";
    SmallVector<StringRef> defined;
    for (const auto &entry : values)
      defined.push_back(entry.getKey());
    for (const auto &entry : layers)
      defined.push_back(entry.getKey());
    // `out = gru(x, name=enc)` read as `enc.h_n`: the final state is the
    // statement's (out.h_n); name= only picks the weights.
    auto namedBase = [&](const Argument &a) {
      return a.key == "name" && a.value.text == base;
    };
    for (const auto &entry : layers)
      if (llvm::is_contained(finalStatesOf(entry.second->layer), field) &&
          llvm::any_of(entry.second->keywords, namedBase)) {
        diag << "; did you mean '" << entry.getKey() << "." << field
             << "'? (a recurrence's final state is named after its "
                "statement; name= only picks its weights)";
        return failure();
      }
    if (StringRef closest = closestName(name, defined); !closest.empty())
      diag << "; did you mean '" << closest << "'?";
    return failure();
  }
  if (field == "h_n" || field == "c_n") {
    if (failed(resolve(base, use)))
      return failure();
    auto it = values.find(name);
    if (it != values.end())
      return it->second;
  }
  auto layerIt = layers.find(base);
  StringRef kind = layerIt == layers.end() ? "input" : StringRef(layerIt->second->layer);
  InFlightDiagnostic diag = error(use);
  diag << "'" << base << "' (" << kind << ") has no value '" << field << "'; ";
  if (SmallVector<StringRef, 2> states = finalStatesOf(kind); !states.empty())
    diag << (kind == "lstm" ? "an " : "a ") << kind << " has "
         << llvm::join(states, " and ");
  else
    diag << "only lstm (h_n, c_n), gru and rnn (h_n) have final states";
  return failure();
}

OwningOpRef<ModuleOp> Emitter::emit() {
  // Names: inputs and layers share one namespace.
  llvm::StringMap<Pos> defined;
  // NAME.h_n and NAME.c_n: the recurrence statement that defines each.
  llvm::StringMap<const LayerStmt *> finalStateOf;
  auto define = [&](const std::string &name, Pos pos) {
    auto [it, inserted] = defined.try_emplace(name, pos);
    if (inserted)
      return true;
    InFlightDiagnostic diag = error(pos);
    diag << "'" << name << "' is defined twice";
    if (const LayerStmt *owner = finalStateOf.lookup(name))
      diag << ": the " << owner->layer << " '" << owner->name
           << "' defines it as its final state";
    diag.attachNote(loc(it->second)) << "first defined here";
    return false;
  };

  SmallVector<Type> argTypes;
  SmallVector<SmallVector<std::string>> argDims;
  for (const InputStmt &in : md.inputs) {
    if (!define(in.name, in.namePos))
      return nullptr;
    Type elt = llvm::StringSwitch<Type>(in.dtype)
                   .Case("f32", b.getF32Type())
                   .Case("i64", b.getI64Type())
                   .Case("i32", b.getI32Type())
                   .Case("bool", b.getI1Type())
                   .Default(Type());
    if (!elt) {
      error(in.dtypePos) << "unknown dtype '" << in.dtype
                         << "'; inputs are f32, i64, i32 or bool";
      return nullptr;
    }
    if (in.dims.size() > SEQC_MAX_RANK) {
      error(in.dims[SEQC_MAX_RANK].pos)
          << "input '" << in.name << "' has rank " << in.dims.size()
          << "; a model's tensors have at most rank " << SEQC_MAX_RANK;
      return nullptr;
    }
    SmallVector<int64_t> shape;
    SmallVector<std::string> dims;
    // Static sizes multiply to the bytes of every run's input: past 2^63 no
    // run could pass one (and the element counts of reshapes would wrap).
    int64_t bytes = std::max<int64_t>(1, elt.getIntOrFloatBitWidth() / 8);
    for (const Dim &d : in.dims) {
      shape.push_back(d.name.empty() ? d.size : ShapedType::kDynamic);
      dims.push_back(d.name);
      if (d.name.empty() && llvm::MulOverflow(bytes, d.size, bytes)) {
        error(d.pos) << "input '" << in.name << "': its fixed sizes "
                     << "multiply past 2^63 bytes";
        return nullptr;
      }
    }
    argTypes.push_back(RankedTensorType::get(shape, elt));
    argDims.push_back(dims);
  }
  for (const LayerStmt &layer : md.layers) {
    if (!define(layer.name, layer.namePos))
      return nullptr;
    layers[layer.name] = &layer;
    // A recurrence also defines its final states' values (NAME.h_n, and
    // NAME.c_n for an lstm): a statement of that name elsewhere is a
    // second definition, not a value that silently wins.
    for (StringRef field : finalStatesOf(layer.layer)) {
      std::string value = layer.name + "." + field.str();
      auto [it, inserted] = defined.try_emplace(value, layer.namePos);
      if (inserted) {
        finalStateOf[value] = &layer;
        continue;
      }
      // Statements are defined in order: the other one came first.
      InFlightDiagnostic diag = error(layer.namePos);
      diag << "'" << value << "' is defined twice: the " << layer.layer << " '"
           << layer.name << "' defines it as its final state";
      diag.attachNote(loc(it->second)) << "first defined here";
      return nullptr;
    }
  }
  // A scan defines NAME.state for each carried state and NAME.output for
  // each output it yields.
  for (const ScanStmt &scan : md.scans) {
    if (!define(scan.name, scan.namePos))
      return nullptr;
    for (const OutputRef &y : scan.yields) {
      std::string field = scan.name + "." + y.exportName;
      if (scanFields.count(field))
        continue; // yielded twice: emitScan reports it
      if (!define(field, y.exportPos))
        return nullptr;
      scanFields[field] = &scan;
    }
  }

  OwningOpRef<ModuleOp> module =
      ModuleOp::create(FileLineColLoc::get(ctx, path, 1, 1));
  // `model NAME` is the C API prefix unless seqc's --name says otherwise.
  if (md.namedModel)
    (*module)->setAttr("seq.model_name", b.getStringAttr(md.modelName));
  b.setInsertionPointToEnd(module->getBody());
  // Model-wide errors (sizes the ops tie but the inputs name differently)
  // point at the `model` line, or at the file's start.
  Pos funcPos = md.namedModel ? md.modelPos : Pos{1, 1};
  auto func = func::FuncOp::create(b, loc(funcPos), md.modelName,
                                   b.getFunctionType(argTypes, {}));
  Block *entry = func.addEntryBlock();
  auto dimsAttr = [&](ArrayRef<std::string> dims) {
    SmallVector<Attribute> attrs;
    for (const std::string &d : dims)
      attrs.push_back(b.getStringAttr(d));
    return b.getArrayAttr(attrs);
  };
  auto hasNamedDim = [](ArrayRef<std::string> dims) {
    return llvm::any_of(dims, [](const std::string &d) { return !d.empty(); });
  };
  for (auto [i, in] : llvm::enumerate(md.inputs)) {
    func.setArgAttr(i, "seq.name", b.getStringAttr(in.name));
    if (hasNamedDim(argDims[i]))
      func.setArgAttr(i, "seq.dims", dimsAttr(argDims[i]));
    values[in.name] = Val{entry->getArgument(i), argDims[i]};
    state[in.name] = 2;
  }
  b.setInsertionPointToEnd(entry);

  // Every layer and scan is emitted (and its weights checked), used or not.
  FailureOr<std::vector<const LayerStmt *>> order = orderLayers(md.layers);
  if (failed(order))
    return nullptr;
  for (const LayerStmt *layer : *order)
    if (failed(resolve(layer->name, layer->namePos)))
      return nullptr;
  for (const ScanStmt &scan : md.scans)
    if (failed(emitScan(scan)))
      return nullptr;

  SmallVector<Value> results;
  SmallVector<Type> resultTypes;
  SmallVector<Val> outs;
  llvm::StringMap<Pos> exportedAt;
  for (const OutputRef &out : md.outputs) {
    FailureOr<Val> v = resolve(out.name, out.pos);
    if (failed(v))
      return nullptr;
    StringRef exported = out.exportName.empty() ? out.name : out.exportName;
    if (!llvm::all_of(exported, [](char c) {
          return llvm::isAlnum(c) || c == '_';
        })) {
      error(out.exportName.empty() ? out.pos : out.exportPos)
          << "output name '" << exported
          << "' is not a C identifier; name the output: `output "
          << "NAME=" << out.name
          << "`";
      return nullptr;
    }
    // Inputs and outputs are the generated C functions' parameters: one
    // name each.
    if (auto input = llvm::find_if(
            md.inputs,
            [&](const InputStmt &in) { return in.name == exported; });
        input != md.inputs.end()) {
      InFlightDiagnostic diag =
          error(out.exportName.empty() ? out.pos : out.exportPos);
      diag << "output '" << exported << "' has the name of input '"
           << input->name << "'; name the output: `output NAME=" << out.name
           << "`";
      diag.attachNote(loc(input->namePos)) << "the input is declared here";
      return nullptr;
    }
    auto [prev, fresh] = exportedAt.try_emplace(
        exported, out.exportName.empty() ? out.pos : out.exportPos);
    if (!fresh) {
      InFlightDiagnostic diag =
          error(out.exportName.empty() ? out.pos : out.exportPos);
      diag << "output '" << exported << "' is given twice";
      diag.attachNote(loc(prev->second)) << "first given here";
      return nullptr;
    }
    outs.push_back(*v);
    results.push_back(v->value);
    resultTypes.push_back(v->value.getType());
  }
  func::ReturnOp::create(b, loc(md.outputs.front().pos), results);
  func.setFunctionType(b.getFunctionType(argTypes, resultTypes));
  for (auto [i, out] : llvm::enumerate(md.outputs)) {
    func.setResultAttr(i, "seq.name",
                       b.getStringAttr(out.exportName.empty() ? out.name
                                                              : out.exportName));
    if (hasNamedDim(outs[i].dims))
      func.setResultAttr(i, "seq.dims", dimsAttr(outs[i].dims));
  }
  weights.warnUnused();
  if (failed(verify(*module)))
    return nullptr;
  return module;
}

} // namespace md

OwningOpRef<ModuleOp> importModelDescription(StringRef path,
                                             llvm::SourceMgr &sourceMgr,
                                             MLIRContext *context,
                                             StringRef weightsPath,
                                             std::string *weightsFileRead) {
  context->loadDialect<arith::ArithDialect, func::FuncDialect,
                       linalg::LinalgDialect, math::MathDialect,
                       tensor::TensorDialect, seq::SeqDialect>();
  std::string error;
  std::unique_ptr<llvm::MemoryBuffer> file = openInputFile(path, &error);
  if (!file) {
    emitError(FileLineColLoc::get(context, path, 0, 0)) << error;
    return nullptr;
  }
  StringRef text = file->getBuffer();
  sourceMgr.AddNewSourceBuffer(std::move(file), llvm::SMLoc());
  std::optional<md::ModelDescription> desc =
      md::parseModelDescription(text, path, context);
  if (!desc)
    return nullptr;

  md::Weights weights;
  if (!weightsPath.empty()) {
    if (weightsFileRead)
      *weightsFileRead = weightsPath.str();
    if (failed(weights.open(weightsPath,
                            FileLineColLoc::get(context, weightsPath, 0, 0))))
      return nullptr;
  } else if (desc->weights) {
    SmallString<256> resolved(*desc->weights);
    if (llvm::sys::path::is_relative(resolved)) {
      resolved = llvm::sys::path::parent_path(path);
      llvm::sys::path::append(resolved, *desc->weights);
    }
    if (weightsFileRead)
      *weightsFileRead = resolved.str().str();
    if (failed(weights.open(resolved, FileLineColLoc::get(
                                          context, path, desc->weightsPos.line,
                                          desc->weightsPos.col))))
      return nullptr;
  }
  return md::Emitter(*desc, path, context, weights).emit();
}

} // namespace seqc
