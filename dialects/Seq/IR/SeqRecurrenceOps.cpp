//===- SeqRecurrenceOps.cpp - seq.rnn, seq.lstm, seq.gru ----------------===//
//
// The three named recurrences share the ONNX operand layout; one verifier
// checks all of them, parameterised by the number of gates and activations.
//
//===----------------------------------------------------------------------===//

#include "dialects/Seq/IR/SeqOps.h"
#include "dialects/Seq/IR/SeqVerifyUtils.h"

#include "llvm/ADT/Twine.h"

using namespace mlir;
using namespace seqc::seq;

namespace {

/// What distinguishes one named recurrence from another for verification.
struct RecurrenceSpec {
  int64_t numGates;
  unsigned numActivations;
  const char *gateName; // "H", "4*H", "3*H" for messages
};

/// Operands and results of a recurrence, the optional ones null.
struct RecurrenceValues {
  Value input, w, r, bias, initialH, initialC, peepholes, projection,
      sequenceLens;
  Value y, yH, yC;
};

} // namespace

/// The activations ONNX uses when the op lists none.
static ActivationKind defaultActivation(unsigned numActivations,
                                        unsigned slot) {
  if (numActivations == 1)
    return ActivationKind::tanh;
  return slot == 0 ? ActivationKind::sigmoid : ActivationKind::tanh;
}

static ActivationAttr lookupActivation(MLIRContext *context,
                                       std::optional<ArrayAttr> activations,
                                       unsigned numPerDirection, unsigned dir,
                                       unsigned slot) {
  if (activations)
    return cast<ActivationAttr>(
        (*activations)[dir * numPerDirection + slot]);
  return ActivationAttr::get(context,
                             defaultActivation(numPerDirection, slot));
}

ActivationAttr RnnOp::getActivation(unsigned dir, unsigned slot) {
  return lookupActivation(getContext(), getActivations(), 1, dir, slot);
}
ActivationAttr LstmOp::getActivation(unsigned dir, unsigned slot) {
  return lookupActivation(getContext(), getActivations(), 3, dir, slot);
}
ActivationAttr GruOp::getActivation(unsigned dir, unsigned slot) {
  return lookupActivation(getContext(), getActivations(), 2, dir, slot);
}

int64_t RnnOp::getNumGates() { return 1; }
int64_t LstmOp::getNumGates() { return 4; }
int64_t GruOp::getNumGates() { return 3; }

MutableOperandRange RnnOp::getInitialStateMutable(unsigned k) {
  assert(k == 0 && "an RNN carries h only");
  return getInitialHMutable();
}
MutableOperandRange LstmOp::getInitialStateMutable(unsigned k) {
  assert(k < 2 && "an LSTM carries h and c");
  return k == 0 ? getInitialHMutable() : getInitialCMutable();
}
MutableOperandRange GruOp::getInitialStateMutable(unsigned k) {
  assert(k == 0 && "a GRU carries h only");
  return getInitialHMutable();
}

/// The largest hidden size a recurrence may declare (2^31 - 1).
static constexpr int64_t kMaxHiddenSize = (int64_t(1) << 31) - 1;

static LogicalResult
verifyRecurrence(Operation *op, const RecurrenceSpec &spec,
                 const RecurrenceValues &v, int64_t hiddenSize,
                 Direction direction, Layout layout,
                 std::optional<ArrayAttr> activations,
                 std::optional<float> clip) {
  bool batchMajor = layout == Layout::batch_major;
  int64_t numDirs = direction == Direction::bidirectional ? 2 : 1;
  int64_t h = hiddenSize;
  std::string gh = spec.gateName;
  // Gate sizes (G*H, 2*G*H) and the lowering's buffer sizes multiply H by
  // other sizes: a bound far below 2^63 keeps every such product exact.
  // (ODS already requires it to be positive.)
  if (h <= 0 || h > kMaxHiddenSize)
    return op->emitOpError() << "'hidden_size' must be in [1, "
                             << kMaxHiddenSize << "], found " << h;

  // The input fixes T, B and I.
  auto inputType = cast<RankedTensorType>(v.input.getType());
  if (inputType.getRank() != 3)
    return op->emitOpError() << "'input' must have rank 3 ("
                             << (batchMajor ? "B x T x I" : "T x B x I")
                             << "), found " << inputType;
  int64_t t = inputType.getDimSize(batchMajor ? 1 : 0);
  int64_t b = inputType.getDimSize(batchMajor ? 0 : 1);
  int64_t i = inputType.getDimSize(2);
  if (failed(verifyNonZeroSizes(op, {{i, "the input size I"}})))
    return failure();

  // A projection changes the size of the hidden output from H to P.
  int64_t hOut = h;
  std::string hOutName = "H";
  if (v.projection) {
    if (failed(verifyShape(op, "projection", v.projection.getType(),
                           {{numDirs, "D"},
                            {ShapedType::kDynamic, "P"},
                            {h, "H"}})))
      return failure();
    hOut = dimOf(v.projection.getType(), 1);
    hOutName = "P";
    if (failed(verifyNonZeroSizes(op, {{hOut, "the projection size P"}})))
      return failure();
  }

  auto stateDims = [&](int64_t size,
                       const std::string &name) -> SmallVector<ExpectedDim> {
    if (batchMajor)
      return {{b, "B"}, {numDirs, "D"}, {size, name}};
    return {{numDirs, "D"}, {b, "B"}, {size, name}};
  };
  SmallVector<ExpectedDim> yDims =
      batchMajor ? SmallVector<ExpectedDim>{{b, "B"}, {t, "T"}, {numDirs, "D"},
                                            {hOut, hOutName}}
                 : SmallVector<ExpectedDim>{{t, "T"}, {numDirs, "D"}, {b, "B"},
                                            {hOut, hOutName}};

  if (failed(verifyShape(op, "w", v.w.getType(),
                         {{numDirs, "D"},
                          {spec.numGates * h, gh},
                          {i, "I"}})) ||
      failed(verifyShape(op, "r", v.r.getType(),
                         {{numDirs, "D"},
                          {spec.numGates * h, gh},
                          {hOut, hOutName}})))
    return failure();
  if (v.bias && failed(verifyShape(op, "bias", v.bias.getType(),
                                   {{numDirs, "D"},
                                    {2 * spec.numGates * h, "2*" + gh}})))
    return failure();
  if (v.initialH && failed(verifyShape(op, "initial_h", v.initialH.getType(),
                                       stateDims(hOut, hOutName))))
    return failure();
  if (v.initialC && failed(verifyShape(op, "initial_c", v.initialC.getType(),
                                       stateDims(h, "H"))))
    return failure();
  if (v.peepholes && failed(verifyShape(op, "peepholes",
                                        v.peepholes.getType(),
                                        {{numDirs, "D"}, {3 * h, "3*H"}})))
    return failure();
  if (v.sequenceLens &&
      failed(verifyShape(op, "sequence_lens", v.sequenceLens.getType(),
                         {{b, "B"}})))
    return failure();
  if (failed(verifyShape(op, "y", v.y.getType(), yDims)) ||
      failed(verifyShape(op, "y_h", v.yH.getType(),
                         stateDims(hOut, hOutName))))
    return failure();
  if (v.yC &&
      failed(verifyShape(op, "y_c", v.yC.getType(), stateDims(h, "H"))))
    return failure();

  // Every float operand and result computes in the input's element type.
  std::pair<const char *, Value> floats[] = {
      {"w", v.w},           {"r", v.r},
      {"bias", v.bias},     {"initial_h", v.initialH},
      {"initial_c", v.initialC}, {"peepholes", v.peepholes},
      {"projection", v.projection}, {"y", v.y},
      {"y_h", v.yH},        {"y_c", v.yC}};
  for (auto [name, value] : floats)
    if (value && failed(verifySameElementType(op, name, v.input.getType(),
                                              value.getType())))
      return failure();

  if (activations) {
    unsigned expected = spec.numActivations * numDirs;
    if (activations->size() != expected)
      return op->emitOpError()
             << "expects " << expected << " activation(s) ("
             << spec.numActivations << " per direction x " << numDirs
             << " direction(s)), found " << activations->size();
  }
  if (clip && !(*clip > 0.0f && std::isfinite(*clip)))
    return op->emitOpError() << "'clip' must be a positive finite threshold, "
                                "found "
                             << *clip;
  return success();
}

static std::optional<float> getClipValue(std::optional<APFloat> clip) {
  if (!clip)
    return std::nullopt;
  return clip->convertToFloat();
}

static RecurrenceValues valuesOf(RnnOp op) {
  return {op.getInput(), op.getW(),     op.getR(),
          op.getBias(),  op.getInitialH(), {},
          {},            {},            op.getSequenceLens(),
          op.getY(),     op.getYH(),    {}};
}

static RecurrenceValues valuesOf(LstmOp op) {
  return {op.getInput(),     op.getW(),          op.getR(),
          op.getBias(),      op.getInitialH(),   op.getInitialC(),
          op.getPeepholes(), op.getProjection(), op.getSequenceLens(),
          op.getY(),         op.getYH(),         op.getYC()};
}

static RecurrenceValues valuesOf(GruOp op) {
  return {op.getInput(), op.getW(),     op.getR(),
          op.getBias(),  op.getInitialH(), {},
          {},            {},            op.getSequenceLens(),
          op.getY(),     op.getYH(),    {}};
}

LogicalResult RnnOp::verify() {
  return verifyRecurrence(*this, {getNumGates(), 1, "H"}, valuesOf(*this),
                          getHiddenSize(), getDirection(), getLayout(),
                          getActivations(), getClipValue(getClip()));
}

LogicalResult LstmOp::verify() {
  return verifyRecurrence(*this, {getNumGates(), 3, "4*H"}, valuesOf(*this),
                          getHiddenSize(), getDirection(), getLayout(),
                          getActivations(), getClipValue(getClip()));
}

LogicalResult GruOp::verify() {
  return verifyRecurrence(*this, {getNumGates(), 2, "3*H"}, valuesOf(*this),
                          getHiddenSize(), getDirection(), getLayout(),
                          getActivations(), getClipValue(getClip()));
}

/// The batch and time dimensions every recurrence ties (ONNX layouts):
/// input [T, B, I] / [B, T, I]; Y [T, D, B, H] / [B, T, D, H]; states and
/// initial states [D, B, H] / [B, D, H]; sequence_lens [B].
static void addRecurrenceTies(SmallVectorImpl<DimensionTie> &ties,
                              const RecurrenceValues &v, bool batchMajor) {
  int64_t t = batchMajor ? 1 : 0, b = batchMajor ? 0 : 1;
  int64_t yT = batchMajor ? 1 : 0, yB = batchMajor ? 0 : 2;
  int64_t stateB = batchMajor ? 0 : 1;
  addTie(ties, v.input, t, v.y, yT);
  addTie(ties, v.input, b, v.y, yB);
  for (Value state : {v.yH, v.yC, v.initialH, v.initialC})
    addTie(ties, v.input, b, state, stateB);
  addTie(ties, v.input, b, v.sequenceLens, 0);
}

void RnnOp::getDimensionTies(SmallVectorImpl<DimensionTie> &ties) {
  addRecurrenceTies(ties, valuesOf(*this), isBatchMajor());
}

void LstmOp::getDimensionTies(SmallVectorImpl<DimensionTie> &ties) {
  addRecurrenceTies(ties, valuesOf(*this), isBatchMajor());
}

void GruOp::getDimensionTies(SmallVectorImpl<DimensionTie> &ties) {
  addRecurrenceTies(ties, valuesOf(*this), isBatchMajor());
}
