//===- SeqAttrs.cpp - #seq.act parsing, printing, verification ----------===//

#include "dialects/Seq/IR/SeqDialect.h"

#include "mlir/IR/Builders.h"
#include "mlir/IR/DialectImplementation.h"
#include "llvm/ADT/TypeSwitch.h"

using namespace mlir;
using namespace seqc::seq;

#include "dialects/Seq/IR/SeqEnums.cpp.inc"

#define GET_ATTRDEF_CLASSES
#include "dialects/Seq/IR/SeqAttrs.cpp.inc"

void SeqDialect::registerAttributes() {
  addAttributes<
#define GET_ATTRDEF_LIST
#include "dialects/Seq/IR/SeqAttrs.cpp.inc"
      >();
}

unsigned ActivationAttr::getNumParameters(ActivationKind kind) {
  switch (kind) {
  case ActivationKind::hard_sigmoid:
  case ActivationKind::scaled_tanh:
  case ActivationKind::affine:
    return 2;
  case ActivationKind::leaky_relu:
  case ActivationKind::thresholded_relu:
  case ActivationKind::elu:
    return 1;
  default:
    return 0;
  }
}

/// The ONNX defaults (operator spec, "Activation functions" of RNN/LSTM/GRU).
static std::pair<float, float> getDefaultParameters(ActivationKind kind) {
  switch (kind) {
  case ActivationKind::hard_sigmoid:
    return {0.2f, 0.5f};
  case ActivationKind::leaky_relu:
    return {0.01f, 0.0f};
  case ActivationKind::thresholded_relu:
  case ActivationKind::elu:
    return {1.0f, 0.0f};
  case ActivationKind::scaled_tanh:
    return {1.0f, 1.0f};
  case ActivationKind::affine:
    return {1.0f, 0.0f};
  default:
    return {0.0f, 0.0f};
  }
}

ActivationAttr ActivationAttr::get(MLIRContext *context, ActivationKind kind) {
  auto [alpha, beta] = getDefaultParameters(kind);
  return get(context, kind, APFloat(alpha), APFloat(beta));
}

LogicalResult
ActivationAttr::verify(function_ref<InFlightDiagnostic()> emitError,
                       ActivationKind kind, APFloat alpha, APFloat beta) {
  if (&alpha.getSemantics() != &APFloat::IEEEsingle() ||
      &beta.getSemantics() != &APFloat::IEEEsingle())
    return emitError() << "activation parameters must be f32 values";
  unsigned numParams = getNumParameters(kind);
  if ((numParams < 1 && !alpha.isZero()) || (numParams < 2 && !beta.isZero()))
    return emitError() << "activation '" << stringifyActivationKind(kind)
                       << "' takes " << numParams << " parameter(s)";
  if (!alpha.isFinite() || !beta.isFinite())
    return emitError() << "activation parameters must be finite";
  return success();
}

/// #seq.act<kind[, alpha = F][, beta = F]>
Attribute ActivationAttr::parse(AsmParser &parser, Type) {
  MLIRContext *context = parser.getContext();
  StringRef keyword;
  SMLoc kindLoc = parser.getCurrentLocation();
  if (parser.parseLess() || parser.parseKeyword(&keyword))
    return {};
  std::optional<ActivationKind> kind = symbolizeActivationKind(keyword);
  if (!kind) {
    parser.emitError(kindLoc) << "unknown activation '" << keyword << "'";
    return {};
  }
  auto [alpha, beta] = getDefaultParameters(*kind);
  unsigned numParams = getNumParameters(*kind);
  while (succeeded(parser.parseOptionalComma())) {
    StringRef name;
    SMLoc nameLoc = parser.getCurrentLocation();
    double value;
    if (parser.parseKeyword(&name) || parser.parseEqual() ||
        parser.parseFloat(value))
      return {};
    if (name == "alpha" && numParams >= 1) {
      alpha = static_cast<float>(value);
    } else if (name == "beta" && numParams >= 2) {
      beta = static_cast<float>(value);
    } else {
      parser.emitError(nameLoc)
          << "activation '" << keyword << "' has no parameter '" << name
          << "' (it takes " << numParams << ")";
      return {};
    }
  }
  if (parser.parseGreater())
    return {};
  return parser.getChecked<ActivationAttr>(context, *kind, APFloat(alpha),
                                           APFloat(beta));
}

void ActivationAttr::print(AsmPrinter &printer) const {
  printer << "<" << stringifyActivationKind(getKind());
  unsigned numParams = getNumParameters(getKind());
  if (numParams >= 1)
    {
    printer << ", alpha = ";
    printer.printFloat(getAlpha());
  }
  if (numParams >= 2)
    {
    printer << ", beta = ";
    printer.printFloat(getBeta());
  }
  printer << ">";
}
