//===- SeqScanOp.cpp - seq.scan: assembly, builder, verifier ------------===//
//
//   %final, %ys = seq.scan [reverse] step(%t)
//       carry(%h = %h0 : tensor<2x8xf32>)
//       over(%x = %xs : tensor<?x2x4xf32>)
//       outs(%ys_init : tensor<?x2x8xf32>) { ... }
//
// The block arguments are declared next to the values that feed them, as in
// scf.for's iter_args, so a reader never has to count positions.
//
//===----------------------------------------------------------------------===//

#include "dialects/Seq/IR/SeqOps.h"

#include "mlir/IR/Builders.h"
#include "mlir/IR/OpImplementation.h"

using namespace mlir;
using namespace seqc::seq;

RankedTensorType ScanOp::getSliceType(Type sequenceType) {
  auto type = cast<RankedTensorType>(sequenceType);
  return RankedTensorType::get(type.getShape().drop_front(),
                               type.getElementType());
}

void ScanOp::build(
    OpBuilder &builder, OperationState &state, ValueRange inits,
    ValueRange sequences, ValueRange outs, bool reverse,
    function_ref<void(OpBuilder &, Location, Value, ValueRange, ValueRange)>
        bodyBuilder) {
  state.addOperands(inits);
  state.addOperands(sequences);
  state.addOperands(outs);
  Properties &props = state.getOrAddProperties<Properties>();
  props.operandSegmentSizes = {static_cast<int32_t>(inits.size()),
                               static_cast<int32_t>(sequences.size()),
                               static_cast<int32_t>(outs.size())};
  if (reverse)
    props.reverse = builder.getUnitAttr();
  state.addTypes(inits.getTypes());
  state.addTypes(outs.getTypes());

  // createBlock moves the insertion point; the caller's must survive.
  OpBuilder::InsertionGuard guard(builder);
  Region *region = state.addRegion();
  Block *block = builder.createBlock(region);
  block->addArgument(builder.getIndexType(), state.location);
  for (Value init : inits)
    block->addArgument(init.getType(), state.location);
  for (Value sequence : sequences)
    block->addArgument(getSliceType(sequence.getType()), state.location);
  if (bodyBuilder) {
    builder.setInsertionPointToStart(block);
    bodyBuilder(builder, state.location, block->getArgument(0),
                block->getArguments().slice(1, inits.size()),
                block->getArguments().drop_front(1 + inits.size()));
  }
}

/// Parses `keyword(%arg = %value : type, ...)`; the block argument gets the
/// type `argType(type)`.
static ParseResult parseBoundList(
    OpAsmParser &parser, StringRef keyword,
    SmallVectorImpl<OpAsmParser::Argument> &args,
    SmallVectorImpl<OpAsmParser::UnresolvedOperand> &operands,
    SmallVectorImpl<Type> &types, function_ref<Type(Type)> argType) {
  if (failed(parser.parseOptionalKeyword(keyword)))
    return success();
  return parser.parseCommaSeparatedList(
      OpAsmParser::Delimiter::Paren, [&]() -> ParseResult {
        OpAsmParser::Argument arg;
        OpAsmParser::UnresolvedOperand operand;
        Type type;
        SMLoc loc = parser.getCurrentLocation();
        if (parser.parseArgument(arg) || parser.parseEqual() ||
            parser.parseOperand(operand) || parser.parseColonType(type))
          return failure();
        if (!isa<RankedTensorType>(type))
          return parser.emitError(loc) << "expected a ranked tensor type";
        arg.type = argType(type);
        if (!arg.type)
          return parser.emitError(loc)
                 << "a scanned sequence needs rank >= 1, found " << type;
        args.push_back(arg);
        operands.push_back(operand);
        types.push_back(type);
        return success();
      });
}

ParseResult ScanOp::parse(OpAsmParser &parser, OperationState &result) {
  Properties &props = result.getOrAddProperties<Properties>();
  if (succeeded(parser.parseOptionalKeyword("reverse")))
    props.reverse = parser.getBuilder().getUnitAttr();

  SmallVector<OpAsmParser::Argument> args(1);
  if (parser.parseKeyword("step") || parser.parseLParen() ||
      parser.parseArgument(args[0]) || parser.parseRParen())
    return failure();
  args[0].type = parser.getBuilder().getIndexType();

  SmallVector<OpAsmParser::UnresolvedOperand> initOperands, seqOperands;
  SmallVector<Type> initTypes, seqTypes;
  if (parseBoundList(parser, "carry", args, initOperands, initTypes,
                     [](Type t) { return t; }) ||
      parseBoundList(parser, "over", args, seqOperands, seqTypes,
                     [](Type t) -> Type {
                       if (cast<RankedTensorType>(t).getRank() < 1)
                         return {};
                       return getSliceType(t);
                     }))
    return failure();

  SmallVector<OpAsmParser::UnresolvedOperand> outOperands;
  SmallVector<Type> outTypes;
  if (succeeded(parser.parseOptionalKeyword("outs")) &&
      (parser.parseLParen() ||
       parser.parseOperandList(outOperands) ||
       parser.parseColonTypeList(outTypes) || parser.parseRParen()))
    return failure();
  if (parser.parseOptionalAttrDictWithKeyword(result.attributes))
    return failure();

  Region *body = result.addRegion();
  if (parser.parseRegion(*body, args))
    return failure();

  SMLoc loc = parser.getCurrentLocation();
  if (parser.resolveOperands(initOperands, initTypes, loc, result.operands) ||
      parser.resolveOperands(seqOperands, seqTypes, loc, result.operands) ||
      parser.resolveOperands(outOperands, outTypes, loc, result.operands))
    return failure();
  props.operandSegmentSizes = {static_cast<int32_t>(initOperands.size()),
                               static_cast<int32_t>(seqOperands.size()),
                               static_cast<int32_t>(outOperands.size())};
  result.addTypes(initTypes);
  result.addTypes(outTypes);
  return success();
}

void ScanOp::print(OpAsmPrinter &p) {
  if (getReverse())
    p << " reverse";
  p << " step(";
  p.printRegionArgument(getStepIndex(), {}, /*omitType=*/true);
  p << ")";
  auto printBound = [&](StringRef keyword, Block::BlockArgListType args,
                        OperandRange operands) {
    if (operands.empty())
      return;
    p << " " << keyword << "(";
    llvm::interleaveComma(llvm::zip(args, operands), p, [&](auto pair) {
      auto [arg, operand] = pair;
      p << arg << " = " << operand << " : " << operand.getType();
    });
    p << ")";
  };
  printBound("carry", getCarriedArgs(), getInits());
  printBound("over", getSliceArgs(), getSequences());
  if (!getOuts().empty())
    p << " outs(" << getOuts() << " : " << getOuts().getTypes() << ")";
  p.printOptionalAttrDictWithKeyword(
      (*this)->getAttrs(), {getReverseAttrName(), "operandSegmentSizes"});
  p << " ";
  p.printRegion(getBody(), /*printEntryBlockArgs=*/false);
}

void ScanOp::getAsmBlockArgumentNames(Region &region,
                                      OpAsmSetValueNameFn setNameFn) {
  setNameFn(getStepIndex(), "t");
}

LogicalResult ScanOp::verify() {
  if (getSequences().empty())
    return emitOpError() << "needs at least one sequence to scan over; the "
                            "number of steps is its dimension 0";
  int64_t steps = ShapedType::kDynamic;
  for (auto [index, sequence] : llvm::enumerate(getSequences())) {
    auto type = cast<RankedTensorType>(sequence.getType());
    if (type.getRank() < 1)
      return emitOpError() << "sequence #" << index << " must have rank >= 1";
    int64_t length = type.getDimSize(0);
    if (!ShapedType::isDynamic(steps) && !ShapedType::isDynamic(length) &&
        steps != length)
      return emitOpError() << "sequence #" << index << " has " << length
                           << " steps, but an earlier one has " << steps;
    if (ShapedType::isDynamic(steps))
      steps = length;
  }
  if (getResults().size() != getNumCarried() + getOuts().size())
    return emitOpError() << "expects " << getNumCarried() + getOuts().size()
                         << " result(s) (" << getNumCarried() << " carried, "
                         << getOuts().size() << " outs), found "
                         << getResults().size();
  for (auto [index, pair] :
       llvm::enumerate(llvm::zip(getInits(), getFinalStates()))) {
    auto [init, final] = pair;
    if (init.getType() != final.getType())
      return emitOpError() << "final state #" << index << " has type "
                           << final.getType() << ", but its initial value has "
                           << init.getType();
  }
  for (auto [index, pair] :
       llvm::enumerate(llvm::zip(getOuts(), getOutputs()))) {
    auto [out, output] = pair;
    if (out.getType() != output.getType())
      return emitOpError() << "output #" << index << " has type "
                           << output.getType() << ", but its outs tensor has "
                           << out.getType();
    auto type = cast<RankedTensorType>(output.getType());
    if (type.getRank() < 1)
      return emitOpError() << "output #" << index
                           << " must have rank >= 1 (steps first)";
    int64_t length = type.getDimSize(0);
    if (!ShapedType::isDynamic(steps) && !ShapedType::isDynamic(length) &&
        steps != length)
      return emitOpError() << "output #" << index << " has " << length
                           << " steps, but the sequences have " << steps;
  }
  return success();
}

LogicalResult ScanOp::verifyRegions() {
  Block &block = getBodyBlock();
  unsigned expectedArgs = 1 + getNumCarried() + getSequences().size();
  if (block.getNumArguments() != expectedArgs)
    return emitOpError() << "body must take " << expectedArgs
                         << " arguments (step, carried, slices), found "
                         << block.getNumArguments();
  if (!block.getArgument(0).getType().isIndex())
    return emitOpError() << "body argument #0 (the step) must be index";
  for (auto [index, pair] :
       llvm::enumerate(llvm::zip(getCarriedArgs(), getInits()))) {
    auto [arg, init] = pair;
    if (arg.getType() != init.getType())
      return emitOpError() << "carried argument #" << index << " has type "
                           << arg.getType() << ", expected " << init.getType();
  }
  for (auto [index, pair] :
       llvm::enumerate(llvm::zip(getSliceArgs(), getSequences()))) {
    auto [arg, sequence] = pair;
    Type expected = getSliceType(sequence.getType());
    if (arg.getType() != expected)
      return emitOpError() << "slice argument #" << index << " has type "
                           << arg.getType() << ", expected " << expected;
  }
  auto yield = dyn_cast<YieldOp>(block.getTerminator());
  if (!yield)
    return emitOpError() << "body must end with seq.yield";
  unsigned expectedYields = getResults().size();
  if (yield.getValues().size() != expectedYields)
    return yield.emitOpError()
           << "yields " << yield.getValues().size()
           << " value(s), expected " << expectedYields << " ("
           << getNumCarried() << " carried, " << getNumOutputs()
           << " per-step output(s))";
  for (auto [index, pair] : llvm::enumerate(
           llvm::zip(yield.getValues().take_front(getNumCarried()), getInits()))) {
    auto [value, init] = pair;
    if (value.getType() != init.getType())
      return yield.emitOpError()
             << "carried value #" << index << " has type " << value.getType()
             << ", expected " << init.getType();
  }
  for (auto [index, pair] : llvm::enumerate(llvm::zip(
           yield.getValues().drop_front(getNumCarried()), getOutputs()))) {
    auto [value, output] = pair;
    Type expected = getSliceType(output.getType());
    if (value.getType() != expected)
      return yield.emitOpError()
             << "step output #" << index << " has type " << value.getType()
             << ", expected " << expected << " (one step of "
             << output.getType() << ")";
  }
  return success();
}

/// Every sequence, output destination and stacked output has the same
/// number of steps; each carried value keeps its initial value's shape
/// through the body's argument, the yielded next value and the final
/// state; a step slice has its sequence's other dimensions, and a yielded
/// output its destination's.
void ScanOp::getDimensionTies(SmallVectorImpl<DimensionTie> &ties) {
  Value steps = getSequences().empty() ? Value() : getSequences().front();
  for (Value s : getSequences())
    addTie(ties, steps, 0, s, 0);
  auto yield = cast<YieldOp>(getBodyBlock().getTerminator());
  unsigned carried = getNumCarried();
  for (auto [i, init] : llvm::enumerate(getInits())) {
    addTiesOfAllDims(ties, init, getCarriedArgs()[i]);
    addTiesOfAllDims(ties, init, getFinalStates()[i]);
    addTiesOfAllDims(ties, init, yield.getValues()[i]);
  }
  for (auto [sequence, slice] : llvm::zip(getSequences(), getSliceArgs())) {
    auto type = cast<RankedTensorType>(slice.getType());
    for (int64_t d = 0; d < type.getRank(); ++d)
      addTie(ties, sequence, d + 1, slice, d);
  }
  for (auto [i, out] : llvm::enumerate(getOuts())) {
    addTie(ties, steps, 0, out, 0);
    addTiesOfAllDims(ties, out, getOutputs()[i]);
    Value step = yield.getValues()[carried + i];
    auto type = cast<RankedTensorType>(step.getType());
    for (int64_t d = 0; d < type.getRank(); ++d)
      addTie(ties, out, d + 1, step, d);
  }
}
