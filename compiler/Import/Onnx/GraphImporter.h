//===- GraphImporter.h - one ONNX graph into a func.func --------*- C++ -*-===//
//
// Internal to the ONNX front end. The importer walks the nodes in order and
// keeps, for each ONNX value name, what it knows about it: a built tensor, a
// constant (initializers, Constant, folded shape arithmetic) or, for the
// small integer tensors of shape subgraphs (Shape -> Gather -> Unsqueeze ->
// Concat -> ...), the elements as index values, so dynamic sizes flow as
// tensor.dim results instead of being rejected.
//
//===----------------------------------------------------------------------===//

#ifndef SEQC_COMPILER_IMPORT_ONNX_GRAPHIMPORTER_H
#define SEQC_COMPILER_IMPORT_ONNX_GRAPHIMPORTER_H

#include "onnx/onnx_pb.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/IR/Builders.h"
#include "mlir/IR/BuiltinAttributes.h"

#include "llvm/ADT/StringMap.h"
#include "llvm/ADT/StringSet.h"

#include <optional>
#include <vector>

namespace seqc::onnx_import {

/// What the importer knows about one ONNX value.
struct OnnxValue {
  /// The tensor, once built (lazily for constants and symbolic ints).
  mlir::Value tensor;
  /// Known contents (f32 or i64 elements).
  mlir::DenseElementsAttr constant;
  /// Elements of a rank-0 or rank-1 integer tensor as index values or
  /// integer attributes.
  std::optional<llvm::SmallVector<mlir::OpFoldResult>> elements;
  /// Rank of a symbolic `elements` value (0 or 1).
  bool scalar = false;
  /// The `elements` are booleans (0 or 1; an i1 tensor when built): a
  /// comparison of shape vectors not decided at import time
  /// (Where(Equal(shape, -1), 1, shape), what `expand` exports, with a size
  /// computed at run time). Not a symbolic int.
  bool boolean = false;
  /// The static shape of symbolic `elements` of rank 2 or more (row-major):
  /// a shape vector reshaped into pairs, as torch exports F.pad's amounts
  /// ([-1, 2], reversed, transposed, flattened). Empty for ranks 0 and 1.
  /// Not a symbolic int: only Reshape, Transpose and Slice read it.
  llvm::SmallVector<int64_t> shape;
  /// An ONNX sequence: none (a tensor), the empty sequence of a
  /// SequenceEmpty, the per-step values of a Loop stacked along a new
  /// dimension 0 in `tensor` (what ConcatFromSequence reads), `tensor`
  /// split into single steps along `splitAxis` (SplitToSequence: each
  /// piece keeps that axis, of size 1, when `splitKeepsDims`), or a list
  /// of values whose count is known at compile time, `items`
  /// (SequenceConstruct, SplitToSequence into pieces of given sizes, the
  /// values an unrolled Loop appends). A split of an integer vector known
  /// element by element holds its pieces in `items` too: they stay known.
  enum class Sequence {
    none,
    empty,
    stacked,
    split,
    list
  } sequence = Sequence::none;
  int64_t splitAxis = 0;
  bool splitKeepsDims = true;
  std::vector<OnnxValue> items;
  /// The ONNX integer dtype narrower than INT64 (INT32, INT16, INT8,
  /// UINT32, UINT16, UINT8) that this i64 value holds: its elements are in
  /// that dtype's range, and arithmetic on it wraps to it
  /// (NarrowIntegers.cpp). 0 for any other value.
  int32_t heldDtype = 0;
};

/// How seqc reads ONNX sequences, for the messages that refuse others
/// (SequenceOps.cpp).
inline constexpr const char *kSupportedSequences =
    "sequences are supported as a Loop's per-step values "
    "(SequenceEmpty before it, SequenceInsert in its body, "
    "ConcatFromSequence after it), as a tensor split into single steps "
    "that a Loop reads at its step index (SplitToSequence, SequenceAt), "
    "and as sequences of a length known at compile time read at constant "
    "positions (SequenceConstruct, SplitToSequence, SequenceInsert, "
    "SequenceErase, SequenceAt, SequenceLength, ConcatFromSequence)";

/// The longest integer vector the importer evaluates element by element
/// as a list of sizes (shape arithmetic); longer ones are data.
inline constexpr int64_t kMaxShapeVectorLength = 1024;

class GraphImporter {
public:
  GraphImporter(mlir::MLIRContext *context, llvm::StringRef path,
                int64_t opset)
      : context(context), builder(context), path(path), opset(opset) {}

  mlir::LogicalResult importGraph(const onnx::GraphProto &graph,
                                  mlir::ModuleOp module);
  /// Binds each DOUBLE, FLOAT16 or BFLOAT16 graph input among `args` (the
  /// arguments of `body`) to its f32 conversion, the dtype seq computes in.
  mlir::LogicalResult
  convertFloatInputsToF32(llvm::ArrayRef<const onnx::ValueInfoProto *> args,
                          mlir::Block *body);
  /// `v`, an output computed in f32, in the float dtype `out` declares.
  mlir::FailureOr<mlir::Value>
  convertFloatOutput(const onnx::ValueInfoProto &out, mlir::Value v);

  //===--- used by the op importers ----------------------------------===//

  /// `path:0:0: error: node 'NAME' (OP, opset N): ` for the current node.
  mlir::InFlightDiagnostic nodeError();
  mlir::InFlightDiagnostic fileError();

  /// Input `i` of the current node; null if absent ("" or past the end).
  const OnnxValue *input(unsigned i);
  /// Checks the current node against its ONNX operator schema (input and
  /// output counts, attribute types); errors name the node.
  mlir::LogicalResult verifyNodeSchema();
  /// Checks every node of `graph` (the main graph, a Loop body, an If
  /// branch) against its schema before any of it is imported or matched
  /// against a pattern, which reads a node's inputs by position; restores
  /// the current node.
  mlir::LogicalResult verifyGraphSchemas(const onnx::GraphProto &graph);
  /// Makes `n` the current node (errors and locations name it).
  void enterNode(const onnx::NodeProto &n);
  bool hasInput(unsigned i) { return input(i) != nullptr; }
  /// Input `i` as a ranked f32 (or integer) tensor, built if needed. Emits
  /// an error and returns null if absent.
  mlir::Value tensorInput(unsigned i);
  /// Input `i` as known integer elements (constant or symbolic).
  std::optional<llvm::SmallVector<mlir::OpFoldResult>> intsInput(unsigned i);
  /// The same for a value the importer holds (a sequence's item).
  std::optional<llvm::SmallVector<mlir::OpFoldResult>>
  intsOf(const OnnxValue &v);
  /// Input `i` as constant integers (all elements known statically).
  std::optional<llvm::SmallVector<int64_t>> constIntsInput(unsigned i);

  /// Defines output `i` of the current node (ignored when unnamed).
  void setOutput(unsigned i, OnnxValue value);
  void setOutput(unsigned i, mlir::Value tensor) {
    OnnxValue v;
    v.tensor = tensor;
    setOutput(i, v);
  }
  unsigned numOutputs() { return node->output_size(); }
  bool hasOutput(unsigned i) {
    return (int)i < node->output_size() && !node->output(i).empty();
  }

  // Attributes of the current node.
  const onnx::AttributeProto *attr(llvm::StringRef name);
  std::optional<int64_t> intAttr(llvm::StringRef name);
  int64_t intAttr(llvm::StringRef name, int64_t dflt) {
    return intAttr(name).value_or(dflt);
  }
  std::optional<float> floatAttr(llvm::StringRef name);
  std::optional<std::string> stringAttr(llvm::StringRef name);
  std::optional<llvm::SmallVector<int64_t>> intsAttr(llvm::StringRef name);
  std::optional<llvm::SmallVector<float>> floatsAttr(llvm::StringRef name);
  std::optional<llvm::SmallVector<std::string>> stringsAttr(llvm::StringRef name);
  /// Fails with an error naming the first attribute not in `known`.
  mlir::LogicalResult checkAttrs(llvm::ArrayRef<llvm::StringRef> known);

  /// Converts a TensorProto (initializer or Constant value) to an attribute.
  mlir::FailureOr<mlir::DenseElementsAttr>
  convertTensor(const onnx::TensorProto &tensor, bool inNode);

  /// Size of dimension `dim` of `tensor` as an index value or attribute.
  mlir::OpFoldResult dimSize(mlir::Value tensor, int64_t dim);
  /// An index value for `ofr`.
  mlir::Value indexValue(mlir::OpFoldResult ofr);
  /// Checks on each run that the sizes of `shape` known only then are
  /// >= 0; the error names the node and `what` (e.g. "shape value").
  void checkSizesNotNegative(llvm::ArrayRef<mlir::OpFoldResult> shape,
                             llvm::StringRef what);

  //===--- used by the raising patterns ------------------------------===//

  const onnx::GraphProto *graph = nullptr;
  /// The node that produces `name`, or -1 (graph input, initializer).
  int producer(llvm::StringRef name) const {
    auto it = producers.find(name);
    return it == producers.end() ? -1 : it->second;
  }
  /// The nodes that read `name` (a graph output counts as one reader, -1).
  llvm::ArrayRef<int> consumers(llvm::StringRef name) const {
    auto it = consumerMap.find(name);
    return it == consumerMap.end() ? llvm::ArrayRef<int>() : it->second;
  }
  /// What is known about `name` so far, or null.
  OnnxValue *lookup(llvm::StringRef name) {
    auto it = values.find(name);
    return it == values.end() ? nullptr : &it->second;
  }
  /// Builds (if needed) the tensor for an already known value.
  mlir::Value tensorOf(llvm::StringRef name) {
    OnnxValue *v = lookup(name);
    return v ? materialize(*v) : mlir::Value();
  }
  mlir::Value tensorOf(OnnxValue &v) { return materialize(v); }

  mlir::MLIRContext *context;
  mlir::OpBuilder builder;
  mlir::Location loc = mlir::UnknownLoc::get(context);
  std::string path;
  int64_t opset;
  /// Whether the warning that float64 values are computed in float32 was
  /// given (once per model).
  bool warnedF64 = false;
  /// A graph input or an initializer is DOUBLE (a `model.double()` export):
  /// outputs declared DOUBLE are handed out as f64.
  bool float64Model = false;
  const onnx::NodeProto *node = nullptr;

  /// Loop (ControlFlowOps.cpp): a loop over a sequence length becomes a
  /// seq.scan; its body is imported into the scan's region.
  mlir::LogicalResult importLoop();
  /// Scan (ScanOps.cpp): ONNX Scan as a seq.scan.
  mlir::LogicalResult importScan();
  /// The scope of a Loop's or Scan's body: the names known before it, and
  /// the outer values that body inputs or initializers of the same name
  /// hide while it is imported (ONNX lets a subgraph reuse those names).
  struct BodyScope {
    llvm::StringSet<> namesBefore;
    llvm::StringMap<OnnxValue> shadowed;
  };
  BodyScope beginBodyScope();
  /// Binds `name` to `value` inside the body of `scope`, hiding an outer
  /// value of that name until the scope ends.
  void bindInBody(BodyScope &scope, llvm::StringRef name, OnnxValue value);
  /// After a Loop's or Scan's body was imported into the region of `scan`
  /// (with `bodyResult`): the names the body defined go out of scope, the
  /// outer values it hid come back, and outer values first built inside it
  /// (a weight constant) are built again when next used. A failed body's
  /// `scan` is erased.
  mlir::LogicalResult endBodyScope(mlir::Operation *scan,
                                   const BodyScope &scope,
                                   mlir::LogicalResult bodyResult);
  /// Binds the initializers of Loop or Scan body `body` (the subgraph's
  /// constants) in `scope`; fails, with an error, on one it cannot read.
  mlir::LogicalResult bindBodyInitializers(BodyScope &scope,
                                           const onnx::GraphProto &body);
  /// Imports the nodes of `body` in order (stopping at the first that
  /// fails); the current node and location are the Loop's or Scan's again
  /// afterwards.
  mlir::LogicalResult importBodyNodes(const onnx::GraphProto &body);
  /// The names a body defined go out of scope and the outer values it hid
  /// come back (endBodyScope, and each step of an unrolled Loop).
  void leaveBodyScope(const BodyScope &scope);
  /// A Loop of `steps` steps (known at compile time) whose body computes
  /// shapes from what each step reads: its body imported once per step,
  /// the step index a constant (UnrolledLoops.cpp).
  mlir::LogicalResult importUnrolledLoop(const onnx::GraphProto &body,
                                         int64_t steps);
  /// If whose condition is known at import time: the taken branch, inline.
  mlir::LogicalResult importIf();
  /// Imports the then (or else) branch of the current If inline; the graph
  /// whose outputs name its results.
  mlir::FailureOr<const onnx::GraphProto *> importBranch(bool then);
  /// If on a condition computed at run time (IfOps.cpp): an scf.if, or
  /// inside a loop body both branches and a select.
  mlir::LogicalResult importRuntimeIf();
  mlir::LogicalResult importBranchingIf(mlir::Value taken);
  mlir::LogicalResult importSelectingIf(mlir::Value taken);
  /// Outputs of Gather(X, t) in the branches of an If in the Loop body
  /// being imported: bound to the scan's step of X, their nodes are
  /// skipped (ControlFlowOps.cpp).
  llvm::StringSet<> stepReadsInBranches;

private:
  mlir::LogicalResult importNode();
  mlir::Value materialize(OnnxValue &value);

  llvm::StringMap<OnnxValue> values;
  llvm::StringMap<int> producers;
  llvm::StringMap<llvm::SmallVector<int>> consumerMap;
};

// Helpers the op families share.
/// The name of an ONNX TensorProto dtype number ("UINT8"), or "N (not an
/// ONNX dtype)".
std::string onnxDtypeName(int32_t dtype);
/// The bit width and signedness of the integer dtypes narrower than INT32
/// or unsigned (UINT8, INT8, UINT16, INT16, UINT32), which the importer
/// holds as i64 values in their range; none for any other dtype.
std::optional<std::pair<unsigned, bool>> narrowIntegerType(int32_t dtype);
/// `dtype` when seqc holds it as i64 values in its range (INT32 and the
/// dtypes of narrowIntegerType), else 0 (NarrowIntegers.cpp).
int32_t heldIntegerDtype(int32_t dtype);
/// After a node is imported: gives its integer outputs the held dtype their
/// ONNX type constraint ties them to, and wraps to that dtype the outputs
/// of an op that can leave its range (Add, Mul, Neg, CumSum, ReduceSum,
/// MatMul, ...), as ONNX Runtime's two's complement arithmetic does.
mlir::LogicalResult wrapHeldIntegerOutputs(GraphImporter &g,
                                           llvm::StringRef op);
/// Before a node is imported: the integer inputs its ONNX type constraint
/// gives one dtype (Add's, Max's, Concat's, Where's X and Y) have one
/// (an INT32 and an INT64 input are refused, naming both).
mlir::LogicalResult checkIntegerDtypesAgree(GraphImporter &g,
                                            llvm::StringRef op);
/// A graph output declared INT32, INT8 or UINT8, held as i64, as i32 or i8
/// for the C interface (UINT8's port is marked seq.unsigned).
mlir::FailureOr<mlir::Value>
narrowIntegerOutput(GraphImporter &g, const onnx::ValueInfoProto &out,
                    mlir::Value v);
/// INT32, INT8 and UINT8 graph inputs (i32, i8 and i8 marked seq.unsigned
/// at the C interface) widened to i64 on entry, holding their dtype.
mlir::LogicalResult
widenIntegerInputs(GraphImporter &g,
                   llvm::ArrayRef<const onnx::ValueInfoProto *> args,
                   mlir::Block *body);
mlir::RankedTensorType tensorType(mlir::Value v);
/// Normalizes a possibly negative axis; emits an error when out of range.
std::optional<int64_t> normalizeAxis(GraphImporter &g, int64_t axis,
                                     int64_t rank);
/// Normalizes `axes`, which must name distinct dimensions of a rank-`rank`
/// tensor; emits an error for one out of range or named twice.
std::optional<llvm::SmallVector<int64_t>>
normalizeDistinctAxes(GraphImporter &g, llvm::ArrayRef<int64_t> axes,
                      int64_t rank);
/// Input `i`, a DOUBLE constant, as an f32 constant (PyTorch's rule for a
/// Python float next to f32 data); null when it is anything else.
mlir::Value narrowedF64Constant(GraphImporter &g, unsigned i);
/// Input `i` when it is f32 data (or a DOUBLE constant, narrowed); else
/// emits an error and returns null.
mlir::Value floatInput(GraphImporter &g, unsigned i);
/// Every input of the node as f32 data (floatInput of each), or failure.
mlir::FailureOr<llvm::SmallVector<mlir::Value>> floatInputs(GraphImporter &g);
/// A zero-filled f32 tensor of `sizes` (constants where static).
mlir::Value zeroF32Tensor(GraphImporter &g,
                          llvm::ArrayRef<mlir::OpFoldResult> sizes);
/// Slice's `axes` input (input 3): the constant list, or 0..count-1 when
/// absent; emits an error when it is not a constant of `count` entries.
mlir::FailureOr<llvm::SmallVector<int64_t>> sliceAxes(GraphImporter &g,
                                                      size_t count);
/// The sizes of every dimension of `x` (constants where static).
llvm::SmallVector<mlir::OpFoldResult> shapeOf(GraphImporter &g, mlir::Value x);

/// The `seq.dims` name of the model input dimension that `size` reads (a
/// tensor.dim of a graph input, where seq::getDecidedSize finds it), or ""
/// when it reads none or that has no name (TensorOps.cpp).
llvm::StringRef inputDimName(mlir::OpFoldResult size);
/// Whether `a` and `b` are the same size on every run: seq::isSameSize, or
/// two model input dimensions of one name (the runtime checks that those
/// agree before every run and step: a decoder's batch and its encoder
/// output's, both B).
bool isSameRunSize(mlir::OpFoldResult a, mlir::OpFoldResult b);

using Ints = llvm::SmallVector<mlir::OpFoldResult>;
/// a + b, a - b, a * b or a / b (`kind`) of index sizes, folded when both
/// are constants and the result is exact (TensorOps.cpp).
mlir::OpFoldResult foldedIndexOp(GraphImporter &g, char kind,
                                 mlir::OpFoldResult a, mlir::OpFoldResult b);
/// The length two integer vectors of lengths `a` and `b` broadcast to
/// (NumPy's rule: equal, or one of them 1, which may meet 0), or none.
inline std::optional<size_t> broadcastLength(size_t a, size_t b) {
  if (a == b || b == 1)
    return a;
  if (a == 1)
    return b;
  return std::nullopt;
}
/// A symbolic integer value holding `elems` (a scalar when `scalar`).
OnnxValue symbolic(Ints elems, bool scalar);
/// Whether `v` is a small integer vector or scalar known element by
/// element (shape arithmetic).
bool isSymbolicInt(const OnnxValue *v);
/// Whether `v` has rank 0.
bool isScalarInt(const OnnxValue *v);
/// A symbolic value holding `elems` (row-major) with static `shape`: a
/// symbolic int when the rank is 0 or 1.
OnnxValue symbolicArray(Ints elems, llvm::ArrayRef<int64_t> shape);
/// The largest stride, dilation, kernel size or pad a 1-D window op takes:
/// sizes computed from larger ones could overflow 64 bits.
inline constexpr int64_t kMaxWindowAttr = (int64_t(1) << 31) - 1;
/// Attribute `name` of a 1-D window op (strides, dilations, kernel_shape,
/// output_padding): one entry in [min, 2^31), `dflt` when absent; an
/// error naming `what` ("1-D pooling") otherwise.
std::optional<int64_t> oneDimAttr(GraphImporter &g, llvm::StringRef name,
                                  int64_t dflt, int64_t min,
                                  llvm::StringRef what);
/// The pads of a window op over the spatial dimensions of `sizes`
/// (kDynamic: a run-time size), in ONNX order [begins..., ends...]:
/// auto_pad NOTSET (explicit pads, default 0), VALID (none) or, with
/// `allowSame`, SAME_UPPER / SAME_LOWER (the output ceil(size / stride)
/// long: over a run-time size only with stride 1, where the padding does
/// not depend on the size). Pads outside [0, 2^31) and other auto_pad
/// values are errors naming `what`.
std::optional<llvm::SmallVector<int64_t>>
windowPads(GraphImporter &g, llvm::StringRef what,
           llvm::ArrayRef<int64_t> sizes, llvm::ArrayRef<int64_t> kernels,
           llvm::ArrayRef<int64_t> strides, llvm::ArrayRef<int64_t> dilations,
           bool allowSame);
/// windowPads of a 1-D window op: [left, right].
std::optional<std::pair<int64_t, int64_t>>
oneDimPads(GraphImporter &g, llvm::StringRef what, int64_t size, int64_t kernel,
           int64_t stride, int64_t dilation, bool allowSame);
/// `raw` (an integer index, inside a linalg body or loop) as an index into
/// a dimension of `extent`: negative values count from the end; one out of
/// range fails the run (a value check with `message`, "{}" the index) and
/// reads element 0 meanwhile.
mlir::Value checkedIndex(mlir::OpBuilder &b, mlir::Location l, mlir::Value raw,
                         mlir::Value extent, const std::string &message);
/// Whether input `i` holds integer data (not bool): a tensor, a constant or
/// symbolic shape elements.
bool isIntegerData(GraphImporter &g, unsigned i);
/// ReverseSequence (ReverseSequenceOp.cpp).
mlir::LogicalResult importReverseSequence(GraphImporter &g);
/// Add, Sub, Mul, Div and Mod (the node's fmod) of two integer inputs
/// (TensorOps.cpp).
mlir::LogicalResult importIntegerBinary(GraphImporter &g, llvm::StringRef op);

using ElementwiseBody =
    llvm::function_ref<mlir::Value(mlir::OpBuilder &, mlir::Location,
                                   mlir::ValueRange)>;
/// A linalg.generic over the numpy broadcast of `operands`; the result has
/// `resultElement` (default: the first operand's element type).
mlir::FailureOr<mlir::Value> buildElementwise(GraphImporter &g,
                                              mlir::ValueRange operands,
                                              ElementwiseBody body,
                                              mlir::Type resultElement = {});

// The op families (TensorOps.cpp, LayerOps.cpp, RecurrentOps.cpp). Each
// returns failure after emitting an error and sets `handled` when `op` is
// one of its ops.
mlir::LogicalResult importTensorOp(GraphImporter &g, llvm::StringRef op,
                                   bool &handled);
/// Reshape, Flatten, Squeeze and Unsqueeze (ReshapeOps.cpp).
mlir::LogicalResult importReshapeOp(GraphImporter &g, llvm::StringRef op,
                                    bool &handled);
/// MatMul, Gemm, Softmax, LogSoftmax, Hardmax, LayerNormalization and
/// Einsum (LayerOps.cpp).
mlir::LogicalResult importLayerOp(GraphImporter &g, llvm::StringRef op,
                                  bool &handled);
/// log_softmax of f32 `x` along `axis` (LayerOps.cpp).
mlir::Value buildLogSoftmax(GraphImporter &g, mlir::Value x, int64_t axis);
/// QuantizeLinear, DequantizeLinear, DynamicQuantizeLinear and
/// MatMulInteger (QuantizeOps.cpp).
mlir::LogicalResult importQuantizeOp(GraphImporter &g, llvm::StringRef op,
                                     bool &handled);
/// NegativeLogLikelihoodLoss and SoftmaxCrossEntropyLoss (LossOps.cpp).
mlir::LogicalResult importLossOp(GraphImporter &g, llvm::StringRef op,
                                 bool &handled);
/// Einsum (EinsumOp.cpp; importLayerOp dispatches it).
mlir::LogicalResult importEinsum(GraphImporter &g);
/// Conv (1-D and 2-D) and ConvTranspose (1-D) (ConvOps.cpp).
mlir::LogicalResult importConvOp(GraphImporter &g, llvm::StringRef op,
                                 bool &handled);
/// Pad, Tile and Expand (ReplicationOps.cpp).
mlir::LogicalResult importReplicationOp(GraphImporter &g, llvm::StringRef op,
                                        bool &handled);
/// Range and Trilu (PositionMaskOps.cpp).
mlir::LogicalResult importPositionMaskOp(GraphImporter &g, llvm::StringRef op,
                                         bool &handled);
/// Equal, Greater, Less, GreaterOrEqual, LessOrEqual, And, Or, Xor, Not,
/// Where and Cast (LogicalOps.cpp).
mlir::LogicalResult importLogicalOp(GraphImporter &g, llvm::StringRef op,
                                    bool &handled);
/// Standalone activations (LeakyRelu, Elu, HardSigmoid, ThresholdedRelu,
/// Softplus, Softsign, HardSwish, Selu, Celu, PRelu), Abs, Log, Reciprocal,
/// the trigonometric and hyperbolic functions, Floor, Ceil, Round, Sign,
/// IsNaN, IsInf, Mod, Clip, Max and Min (ElementwiseOps.cpp).
mlir::LogicalResult importElementwiseOp(GraphImporter &g, llvm::StringRef op,
                                        bool &handled);
/// ReduceMean/Sum/Max/Min/Prod/L1/L2/SumSquare/LogSum/LogSumExp, ArgMax,
/// ArgMin and CumSum (ReductionOps.cpp).
mlir::LogicalResult importReductionOp(GraphImporter &g, llvm::StringRef op,
                                      bool &handled);
/// GatherElements, GatherND, ScatterElements and ScatterND (ScatterOps.cpp).
mlir::LogicalResult importScatterOp(GraphImporter &g, llvm::StringRef op,
                                    bool &handled);
/// OneHot (OneHotOp.cpp; importIndexingOp dispatches it).
mlir::LogicalResult importOneHot(GraphImporter &g);
/// Slice, Split, OneHot and Gather (IndexingOps.cpp).
mlir::LogicalResult importIndexingOp(GraphImporter &g, llvm::StringRef op,
                                     bool &handled);
/// BatchNormalization, InstanceNormalization, MaxPool, AveragePool,
/// GlobalAveragePool, GlobalMaxPool and Resize (NormPoolOps.cpp).
mlir::LogicalResult importNormPoolOp(GraphImporter &g, llvm::StringRef op,
                                     bool &handled);
/// Evaluates integer ops whose inputs are all known constants (ConstFold.cpp).
mlir::LogicalResult foldIntegerOp(GraphImporter &g, llvm::StringRef op,
                                  bool &handled);
mlir::LogicalResult importRecurrentOp(GraphImporter &g, llvm::StringRef op,
                                      bool &handled);
/// Loop, Scan and If: the loops
/// PyTorch's exporter writes for a scripted `for t in range(x.size(0))`,
/// ONNX's Scan, and the shape tests the exporter writes as If
/// (ControlFlowOps.cpp, ScanOps.cpp, IfOps.cpp).
mlir::LogicalResult importControlFlowOp(GraphImporter &g, llvm::StringRef op,
                                        bool &handled);
/// ONNX sequence ops: those a Loop's steps read and collect, and
/// sequences of a length known at compile time (SequenceOps.cpp).
mlir::LogicalResult importSequenceOp(GraphImporter &g, llvm::StringRef op,
                                     bool &handled);

} // namespace seqc::onnx_import

#endif // SEQC_COMPILER_IMPORT_ONNX_GRAPHIMPORTER_H
