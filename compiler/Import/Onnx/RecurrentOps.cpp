//===- RecurrentOps.cpp - ONNX RNN, LSTM, GRU into seq recurrences -------===//
//
// The seq recurrences take ONNX's operands, gate orders and layouts
// verbatim, so the mapping is direct: attributes are validated and
// translated, and the optional inputs pass through.
//
//===----------------------------------------------------------------------===//

#include "compiler/Import/Onnx/GraphImporter.h"

#include "dialects/Seq/IR/SeqOps.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Transforms/RegionUtils.h"

using namespace mlir;
using namespace seqc;

namespace seqc::onnx_import {
namespace {

struct ActivationInfo {
  StringRef onnxName;
  seq::ActivationKind kind;
};

const ActivationInfo kActivations[] = {
    {"Tanh", seq::ActivationKind::tanh},
    {"Relu", seq::ActivationKind::relu},
    {"Sigmoid", seq::ActivationKind::sigmoid},
    {"HardSigmoid", seq::ActivationKind::hard_sigmoid},
    {"LeakyRelu", seq::ActivationKind::leaky_relu},
    {"ThresholdedRelu", seq::ActivationKind::thresholded_relu},
    {"ScaledTanh", seq::ActivationKind::scaled_tanh},
    {"Affine", seq::ActivationKind::affine},
    {"Elu", seq::ActivationKind::elu},
    {"Softsign", seq::ActivationKind::softsign},
    {"Softplus", seq::ActivationKind::softplus},
};

/// Translates `activations` with `activation_alpha` / `activation_beta`.
/// As in ONNX Runtime, each activation that takes an alpha (beta) consumes
/// the next entry of the list; missing entries take the ONNX defaults.
FailureOr<ArrayAttr> convertActivations(GraphImporter &g, unsigned perDirection,
                                        unsigned numDirections) {
  auto names = g.stringsAttr("activations");
  if (!names)
    return ArrayAttr();
  SmallVector<float> alphas =
      g.floatsAttr("activation_alpha").value_or(SmallVector<float>());
  SmallVector<float> betas =
      g.floatsAttr("activation_beta").value_or(SmallVector<float>());
  SmallVector<std::string> list = *names;
  // A list for one direction of a bidirectional op applies to both.
  if (numDirections == 2 && list.size() == perDirection)
    list.append(SmallVector<std::string>(list));
  if (list.size() != perDirection * numDirections) {
    g.nodeError() << "'activations' lists " << names->size()
                  << " functions; expected " << perDirection * numDirections
                  << " (" << perDirection << " per direction)";
    return failure();
  }
  SmallVector<Attribute> attrs;
  unsigned nextAlpha = 0, nextBeta = 0;
  for (const std::string &name : list) {
    const ActivationInfo *info = nullptr;
    for (const ActivationInfo &a : kActivations)
      if (StringRef(name).equals_insensitive(a.onnxName))
        info = &a;
    if (!info) {
      auto diag = g.nodeError();
      diag << "activation '" << name << "' is not supported (supported:";
      for (const ActivationInfo &a : kActivations)
        diag << " " << a.onnxName;
      diag << ")";
      return failure();
    }
    auto act = seq::ActivationAttr::get(g.context, info->kind);
    unsigned numParams = seq::ActivationAttr::getNumParameters(info->kind);
    float alpha = act.getAlphaAsFloat(), beta = act.getBetaAsFloat();
    if (numParams >= 1 && nextAlpha < alphas.size())
      alpha = alphas[nextAlpha++];
    if (numParams >= 2 && nextBeta < betas.size())
      beta = betas[nextBeta++];
    attrs.push_back(seq::ActivationAttr::get(g.context, info->kind,
                                             APFloat(alpha), APFloat(beta)));
  }
  return g.builder.getArrayAttr(attrs);
}

/// Attributes common to RNN, LSTM and GRU.
struct CommonAttrs {
  int64_t hiddenSize;
  seq::Direction direction;
  int64_t numDirections;
  seq::Layout layout;
  ArrayAttr activations;
  FloatAttr clip;
};

FailureOr<CommonAttrs> convertCommon(GraphImporter &g, Value w, Value r,
                                     unsigned numGates,
                                     unsigned activationsPerDirection) {
  CommonAttrs c;
  std::string dir = g.stringAttr("direction").value_or("forward");
  if (dir == "forward")
    c.direction = seq::Direction::forward;
  else if (dir == "reverse")
    c.direction = seq::Direction::reverse;
  else if (dir == "bidirectional")
    c.direction = seq::Direction::bidirectional;
  else {
    g.nodeError() << "direction '" << dir
                  << "' is not one of forward, reverse, bidirectional";
    return failure();
  }
  c.numDirections = c.direction == seq::Direction::bidirectional ? 2 : 1;
  int64_t layout = g.intAttr("layout", 0);
  if (layout != 0 && layout != 1) {
    g.nodeError() << "layout " << layout << " is not 0 or 1";
    return failure();
  }
  c.layout = layout ? seq::Layout::batch_major : seq::Layout::time_major;
  auto wType = cast<RankedTensorType>(w.getType());
  auto rType = cast<RankedTensorType>(r.getType());
  std::optional<int64_t> hidden = g.intAttr("hidden_size");
  if (!hidden && rType.getRank() == 3 && !rType.isDynamicDim(2))
    hidden = rType.getDimSize(2); // R is [D, G*H, H]
  if (!hidden) {
    if (wType.getRank() != 3 || wType.isDynamicDim(1)) {
      g.nodeError() << "hidden_size is not given, and neither W's dimension "
                    << "1 (its " << numGates << " gates' rows) nor R's "
                    << "dimension 2 is a fixed size to infer it from";
      return failure();
    }
    if (wType.getDimSize(1) % numGates != 0) {
      g.nodeError() << "hidden_size is not given, and W's "
                    << wType.getDimSize(1) << " rows (dimension 1) are not "
                    << numGates << " gates of equal size";
      return failure();
    }
    hidden = wType.getDimSize(1) / numGates;
  }
  // (At most 2^31 - 1, the op's bound, which also keeps G * H from
  // overflowing.)
  if (*hidden <= 0 || *hidden > INT32_MAX) {
    g.nodeError() << "hidden_size must be a positive integer below 2^31, "
                  << "found " << *hidden;
    return failure();
  }
  // W [D, G*H, I] and R [D, G*H, H] against hidden_size, named here (the
  // op's verifier would say it in its own terms).
  int64_t rows = numGates * *hidden;
  for (auto [name, type] :
       {std::pair<StringRef, RankedTensorType>{"W", wType}, {"R", rType}}) {
    if (type.getRank() != 3)
      continue;
    if (!type.isDynamicDim(1) && type.getDimSize(1) != rows) {
      g.nodeError() << name << " has " << type.getDimSize(1)
                    << " rows (dimension 1), but hidden_size=" << *hidden
                    << " needs " << numGates << " x " << *hidden << " = "
                    << rows;
      return failure();
    }
  }
  if (rType.getRank() == 3 && !rType.isDynamicDim(2) &&
      rType.getDimSize(2) != *hidden) {
    g.nodeError() << "R has " << rType.getDimSize(2)
                  << " columns (dimension 2), but hidden_size is " << *hidden;
    return failure();
  }
  c.hiddenSize = *hidden;
  FailureOr<ArrayAttr> acts =
      convertActivations(g, activationsPerDirection, c.numDirections);
  if (failed(acts))
    return failure();
  c.activations = *acts;
  if (std::optional<float> clip = g.floatAttr("clip")) {
    if (!(*clip > 0)) {
      g.nodeError() << "clip must be positive, found " << *clip;
      return failure();
    }
    c.clip = g.builder.getF32FloatAttr(*clip);
  }
  return c;
}

/// Result types: y [T, D, B, H] (batch-major [B, T, D, H]) and states
/// [D, B, H] ([B, D, H]).
std::pair<RankedTensorType, RankedTensorType>
resultTypes(Value input, const CommonAttrs &c, int64_t hidden) {
  auto type = cast<RankedTensorType>(input.getType());
  int64_t d0 = type.getDimSize(0), d1 = type.getDimSize(1);
  Type f32 = type.getElementType();
  if (c.layout == seq::Layout::batch_major)
    return {RankedTensorType::get({d0, d1, c.numDirections, hidden}, f32),
            RankedTensorType::get({d0, c.numDirections, hidden}, f32)};
  return {RankedTensorType::get({d0, c.numDirections, d1, hidden}, f32),
          RankedTensorType::get({c.numDirections, d1, hidden}, f32)};
}

/// Optional float input `i`, built (f64 narrowed, see floatInput); null
/// when absent.
Value optionalInput(GraphImporter &g, unsigned i) {
  return g.hasInput(i) ? floatInput(g, i) : Value();
}

LogicalResult checkFloat(GraphImporter &g, ArrayRef<Value> values) {
  for (Value v : values) {
    if (!v)
      continue;
    auto type = dyn_cast<RankedTensorType>(v.getType());
    if (!type || !type.getElementType().isF32()) {
      g.nodeError() << "operands must be float32 tensors, found "
                    << v.getType();
      return failure();
    }
  }
  Value input = values.front();
  if (cast<RankedTensorType>(input.getType()).getRank() != 3) {
    g.nodeError() << "input X must have rank 3, found " << input.getType();
    return failure();
  }
  return success();
}

Value sequenceLens(GraphImporter &g) {
  if (!g.hasInput(4))
    return Value();
  Value lens = g.tensorInput(4);
  if (lens && !isa<IntegerType>(
                  cast<RankedTensorType>(lens.getType()).getElementType())) {
    g.nodeError() << "sequence_lens must be an integer tensor, found "
                  << lens.getType();
    return Value();
  }
  return lens;
}

/// The inputs every recurrent node has: X, W, R and the optional B,
/// sequence_lens, initial_h (ONNX inputs 0-5), checked to be float data.
/// `extra` are further optional float inputs (LSTM's initial_c and P).
struct RecurrentInputs {
  Value x, w, r, b, lens, h0;
  SmallVector<Value> extra;
};

FailureOr<RecurrentInputs> readRecurrentInputs(GraphImporter &g,
                                               ArrayRef<unsigned> extra) {
  RecurrentInputs in;
  in.x = floatInput(g, 0);
  in.w = floatInput(g, 1);
  in.r = floatInput(g, 2);
  if (!in.x || !in.w || !in.r)
    return failure();
  in.b = optionalInput(g, 3);
  in.h0 = optionalInput(g, 5);
  in.lens = sequenceLens(g);
  if (g.hasInput(4) && !in.lens)
    return failure();
  SmallVector<Value> floats = {in.x, in.w, in.r, in.b, in.h0};
  for (unsigned i : extra) {
    in.extra.push_back(optionalInput(g, i));
    floats.push_back(in.extra.back());
  }
  if (failed(checkFloat(g, floats)))
    return failure();
  return in;
}

/// Whether `v` is computed from no graph input (nor loop-carried value):
/// constants and what they are expanded or reshaped into.
bool isComputedFromConstants(Value v) {
  SmallVector<Value> stack{v};
  llvm::DenseSet<Operation *> seen;
  while (!stack.empty()) {
    Value next = stack.pop_back_val();
    Operation *def = next.getDefiningOp();
    if (!def)
      return false;
    if (!seen.insert(def).second)
      continue;
    if (seen.size() > 256)
      return false;
    llvm::append_range(stack, def->getOperands());
    // (Values its regions read from outside count as its operands.)
    llvm::SetVector<Value> captured;
    getUsedValuesDefinedAbove(def->getRegions(), captured);
    llvm::append_range(stack, captured);
  }
  return true;
}

/// Warns where an initial state (initial_h, initial_c) has a batch fixed in
/// the model while X's batch is a run-time size: torch.onnx writes the zero
/// state of an LSTM or GRU run on a pack_padded_sequence as a constant of
/// the batch it traced, and the model then runs at that batch only (ONNX
/// Runtime refuses other batches too). At run time the mismatch is reported
/// on whichever input's batch is checked first (often sequence_lens), so
/// the cause is named here, once per node.
void warnFixedStateBatch(GraphImporter &g, Value x, seq::Layout layout,
                         ArrayRef<std::pair<StringRef, Value>> states) {
  unsigned xBatch = layout == seq::Layout::batch_major ? 0 : 1;
  unsigned stateBatch = layout == seq::Layout::batch_major ? 0 : 1;
  auto xType = cast<RankedTensorType>(x.getType());
  if (xType.getRank() != 3 || !xType.isDynamicDim(xBatch))
    return;
  for (auto [name, state] : states) {
    auto type = state ? dyn_cast<RankedTensorType>(state.getType()) : nullptr;
    if (!type || type.getRank() != 3 || type.isDynamicDim(stateBatch) ||
        !isComputedFromConstants(state))
      continue;
    int64_t batch = type.getDimSize(stateBatch);
    mlir::emitWarning(g.loc)
        << "node '" << g.node->name() << "' (" << g.node->op_type()
        << "): " << name << " is computed from constants with a batch of "
        << batch << " (dimension " << stateBatch << " of " << type
        << "), while X's batch is a run-time size: the model runs at batch "
        << batch
        << " only (torch.onnx writes the zero initial state of an "
           "RNN, LSTM or GRU run on a pack_padded_sequence this way, sized "
           "for the batch it traced); pass the initial state as a model "
           "input (lstm(x, (h0, c0)) with h0 and c0 among the export's "
           "inputs), or export at the batch you run";
    return;
  }
}

/// A flag attribute (LSTM's input_forget, GRU's linear_before_reset): 0 or
/// 1, the values the ONNX operator schema gives it; any other is an error
/// rather than read as true.
FailureOr<bool> flagAttr(GraphImporter &g, StringRef name) {
  int64_t value = g.intAttr(name, 0);
  if (value != 0 && value != 1) {
    g.nodeError() << name << " " << value << " is not 0 or 1";
    return failure();
  }
  return value == 1;
}

LogicalResult importRnn(GraphImporter &g) {
  if (failed(g.checkAttrs({"activation_alpha", "activation_beta", "activations",
                           "clip", "direction", "hidden_size", "layout"})))
    return failure();
  FailureOr<RecurrentInputs> in = readRecurrentInputs(g, {});
  if (failed(in))
    return failure();
  auto [x, w, r, b, lens, h0, extra] = *in;
  FailureOr<CommonAttrs> c = convertCommon(g, w, r, 1, 1);
  if (failed(c))
    return failure();
  warnFixedStateBatch(g, x, c->layout, {{"initial_h", h0}});
  auto [yType, hType] = resultTypes(x, *c, c->hiddenSize);
  auto op = seq::RnnOp::create(g.builder, g.loc, yType, hType, x, w, r, b, h0,
                               lens, uint64_t(c->hiddenSize), c->direction,
                               c->layout, c->activations, c->clip);
  g.setOutput(0, op.getY());
  g.setOutput(1, op.getYH());
  return success();
}

LogicalResult importLstm(GraphImporter &g) {
  if (failed(g.checkAttrs({"activation_alpha", "activation_beta", "activations",
                           "clip", "direction", "hidden_size", "input_forget",
                           "layout"})))
    return failure();
  FailureOr<RecurrentInputs> in = readRecurrentInputs(g, {6, 7});
  if (failed(in))
    return failure();
  auto [x, w, r, b, lens, h0, extra] = *in;
  Value c0 = extra[0], p = extra[1];
  FailureOr<CommonAttrs> c = convertCommon(g, w, r, 4, 3);
  if (failed(c))
    return failure();
  warnFixedStateBatch(g, x, c->layout, {{"initial_h", h0}, {"initial_c", c0}});
  FailureOr<bool> inputForget = flagAttr(g, "input_forget");
  if (failed(inputForget))
    return failure();
  auto [yType, hType] = resultTypes(x, *c, c->hiddenSize);
  auto op = seq::LstmOp::create(
      g.builder, g.loc, yType, hType, hType, x, w, r, b, h0, c0, p,
      /*projection=*/Value(), lens, uint64_t(c->hiddenSize), c->direction,
      c->layout, c->activations, c->clip, *inputForget);
  g.setOutput(0, op.getY());
  g.setOutput(1, op.getYH());
  g.setOutput(2, op.getYC());
  return success();
}

LogicalResult importGru(GraphImporter &g) {
  if (failed(g.checkAttrs({"activation_alpha", "activation_beta", "activations",
                           "clip", "direction", "hidden_size", "layout",
                           "linear_before_reset"})))
    return failure();
  FailureOr<RecurrentInputs> in = readRecurrentInputs(g, {});
  if (failed(in))
    return failure();
  auto [x, w, r, b, lens, h0, extra] = *in;
  FailureOr<CommonAttrs> c = convertCommon(g, w, r, 3, 2);
  if (failed(c))
    return failure();
  warnFixedStateBatch(g, x, c->layout, {{"initial_h", h0}});
  FailureOr<bool> lbr = flagAttr(g, "linear_before_reset");
  if (failed(lbr))
    return failure();
  auto [yType, hType] = resultTypes(x, *c, c->hiddenSize);
  auto op = seq::GruOp::create(g.builder, g.loc, yType, hType, x, w, r, b, h0,
                               lens, uint64_t(c->hiddenSize), c->direction,
                               c->layout, c->activations, c->clip, *lbr);
  g.setOutput(0, op.getY());
  g.setOutput(1, op.getYH());
  return success();
}

} // namespace

LogicalResult importRecurrentOp(GraphImporter &g, StringRef op, bool &handled) {
  handled = true;
  if (op == "RNN")
    return importRnn(g);
  if (op == "LSTM")
    return importLstm(g);
  if (op == "GRU")
    return importGru(g);
  handled = false;
  return success();
}

} // namespace seqc::onnx_import
