//===- SeqDialect.cpp - seq dialect registration ------------------------===//

#include "dialects/Seq/IR/SeqDialect.h"
#include "dialects/Seq/IR/SeqOps.h"

#include "mlir/IR/BuiltinOps.h"
#include "mlir/Interfaces/FunctionInterfaces.h"
#include "mlir/Transforms/InliningUtils.h"

#include "llvm/ADT/StringExtras.h"

using namespace mlir;
using namespace seqc::seq;

#include "dialects/Seq/IR/SeqDialect.cpp.inc"

namespace {
/// Every seq op may be inlined: a model's private helper functions are
/// inlined into its entry (seqc-model-abi), since only the entry gets the
/// model context that run-time checks report through. seq.yield is
/// handled by its region-holding op (seq.scan), never by a call.
struct SeqInlinerInterface : DialectInlinerInterface {
  using DialectInlinerInterface::DialectInlinerInterface;
  bool isLegalToInline(Operation *, Operation *, bool) const final {
    return true;
  }
  bool isLegalToInline(Region *, Region *, bool, IRMapping &) const final {
    return true;
  }
  bool isLegalToInline(Operation *, Region *, bool, IRMapping &) const final {
    return true;
  }
};
} // namespace

void SeqDialect::initialize() {
  addOperations<
#define GET_OP_LIST
#include "dialects/Seq/IR/SeqOps.cpp.inc"
      >();
  addInterfaces<SeqInlinerInterface>();
  registerAttributes();
}

//===----------------------------------------------------------------------===//
// Discardable attributes
//===----------------------------------------------------------------------===//

/// seq.name, seq.dims and the unit flags of a function argument or result
/// of type `type`; `allowed` lists the flags that may appear there.
static LogicalResult verifyPortAttribute(Operation *op, Type type,
                                         NamedAttribute attr,
                                         ArrayRef<StringRef> flags,
                                         StringRef where) {
  StringRef name = attr.getName().getValue();
  if (name == "seq.name") {
    auto text = dyn_cast<StringAttr>(attr.getValue());
    if (!text || text.getValue().empty())
      return op->emitError() << "'seq.name' of " << where
                             << " must be a non-empty string, found "
                             << attr.getValue();
    return success();
  }
  // seq.dim_hints: names a front end proposes (seqc-name-tied-dims).
  if (name == "seq.dims" || name == "seq.dim_hints") {
    auto dims = dyn_cast<ArrayAttr>(attr.getValue());
    if (!dims || !llvm::all_of(dims, [](Attribute a) {
          return isa<StringAttr>(a);
        }))
      return op->emitError() << "'" << name << "' of " << where
                             << " must be an array of strings (one name per "
                                "dimension, \"\" for none), found "
                             << attr.getValue();
    if (auto ranked = dyn_cast<RankedTensorType>(type);
        ranked && static_cast<int64_t>(dims.size()) != ranked.getRank())
      return op->emitError()
             << "'" << name << "' of " << where << " names " << dims.size()
             << " dimension(s) of " << type << ", which has "
             << ranked.getRank() << " (one name per dimension, \"\" for none)";
    return success();
  }
  if (llvm::is_contained(flags, name)) {
    if (!isa<UnitAttr>(attr.getValue()))
      return op->emitError() << "'" << name << "' of " << where
                             << " must be a unit attribute, found "
                             << attr.getValue();
    return success();
  }
  return op->emitError()
         << "unknown attribute '" << name << "' on " << where
         << " (the seq dialect's are seq.name, seq.dims, seq.dim_hints and "
         << llvm::join(flags, ", ") << ")";
}

LogicalResult SeqDialect::verifyRegionArgAttribute(Operation *op,
                                                   unsigned regionIndex,
                                                   unsigned argIndex,
                                                   NamedAttribute attr) {
  Type type = op->getRegion(regionIndex).empty()
                  ? Type()
                  : op->getRegion(regionIndex).getArgument(argIndex).getType();
  return verifyPortAttribute(
      op, type, attr,
      {"seq.state", "seq.in_place", "seq.weight", "seq.unsigned"},
      "argument " + std::to_string(argIndex));
}

LogicalResult SeqDialect::verifyRegionResultAttribute(Operation *op,
                                                      unsigned regionIndex,
                                                      unsigned resultIndex,
                                                      NamedAttribute attr) {
  Type type;
  if (auto function = dyn_cast<FunctionOpInterface>(op))
    type = function.getResultTypes()[resultIndex];
  return verifyPortAttribute(op, type, attr, {"seq.state", "seq.unsigned"},
                             "result " + std::to_string(resultIndex));
}

/// `seq.model_abi` (compiler/ModelABI/ModelAbi.h): on the module, a
/// dictionary with a string `name`, an entry `forward` and optionally an
/// entry `step` or a string `no_step` (why there is none); each entry a
/// dictionary of the strings `api`, `function` and `signature`, `function`
/// naming a function of the module, and optionally `state_docs` (what each
/// state holds, for the header). The signature text itself is parsed
/// where it is read (emission).
static LogicalResult verifyModelAbi(Operation *op, Attribute value) {
  auto fail = [&](const Twine &why) {
    return op->emitError() << "'seq.model_abi' " << why;
  };
  auto abi = dyn_cast<DictionaryAttr>(value);
  if (!isa<ModuleOp>(op) || !abi)
    return fail("must be a dictionary on the module");
  for (NamedAttribute field : abi) {
    StringRef key = field.getName().getValue();
    if (key == "name" || key == "no_step") {
      if (!isa<StringAttr>(field.getValue()))
        return fail("'" + key + "' must be a string");
      continue;
    }
    if (key != "forward" && key != "step")
      return fail("has an unknown field '" + key +
                  "' (fields: name, forward, step, no_step)");
    auto entry = dyn_cast<DictionaryAttr>(field.getValue());
    auto docs = entry ? entry.get("state_docs") : Attribute();
    auto docList = dyn_cast_if_present<ArrayAttr>(docs);
    if (!entry || entry.size() != (docs ? 4u : 3u) ||
        !entry.getAs<StringAttr>("api") ||
        !entry.getAs<StringAttr>("function") ||
        !entry.getAs<StringAttr>("signature") ||
        (docs && (!docList || !llvm::all_of(docList, [](Attribute doc) {
           return isa<StringAttr>(doc);
         }))))
      return fail("entry '" + key +
                  "' must be a dictionary of the strings api, function and "
                  "signature (and optionally state_docs, an array of "
                  "strings)");
    StringRef function = entry.getAs<StringAttr>("function").getValue();
    if (!SymbolTable::lookupSymbolIn(op, function))
      return fail("entry '" + key + "' names no function '" + function + "'");
  }
  if (!abi.get("name") || !abi.get("forward"))
    return fail("needs a name and a forward entry");
  if (abi.get("step") && abi.get("no_step"))
    return fail("has both a step entry and a reason for none (no_step)");
  return success();
}

LogicalResult SeqDialect::verifyOperationAttribute(Operation *op,
                                                   NamedAttribute attr) {
  StringRef name = attr.getName().getValue();
  if (name == "seq.model_name") {
    auto text = dyn_cast<StringAttr>(attr.getValue());
    if (!isa<ModuleOp>(op) || !text || text.getValue().empty())
      return op->emitError() << "'seq.model_name' must be a non-empty string "
                                "on the module";
    return success();
  }
  if (name == "seq.model_entry") {
    auto function = dyn_cast<FunctionOpInterface>(op);
    if (!function || function.isExternal() || !isa<UnitAttr>(attr.getValue()))
      return op->emitError() << "'seq.model_entry' must be a unit attribute "
                                "on a function with a body";
    return success();
  }
  if (name == "seq.model_abi")
    return verifyModelAbi(op, attr.getValue());
  if (name == "seq.stream_dim") {
    // A step function's time dimension: one its arguments' seq.dims name.
    auto function = dyn_cast<FunctionOpInterface>(op);
    auto text = dyn_cast<StringAttr>(attr.getValue());
    if (!function || !text || text.getValue().empty())
      return op->emitError() << "'seq.stream_dim' must be a non-empty string "
                                "on a function";
    // While the arguments are named (seqc-drop-port-attributes drops both).
    bool named = false;
    for (unsigned i = 0, e = function.getNumArguments(); i < e; ++i)
      if (auto dims = function.getArgAttrOfType<ArrayAttr>(i, "seq.dims")) {
        named = true;
        if (llvm::is_contained(dims.getValue(), text))
          return success();
      }
    if (!named)
      return success();
    return op->emitError() << "'seq.stream_dim' names '" << text.getValue()
                           << "', a dimension none of the function's "
                              "arguments has (seq.dims)";
  }
  if (name == "seq.state_docs") {
    // A step function's states, described for the header: one string each.
    auto docs = dyn_cast<ArrayAttr>(attr.getValue());
    if (!isa<FunctionOpInterface>(op) || !docs ||
        !llvm::all_of(docs, [](Attribute doc) { return isa<StringAttr>(doc); }))
      return op->emitError() << "'seq.state_docs' must be an array of "
                                "strings on a function";
    return success();
  }
  if (name == "seq.contraction") {
    if (!isa<UnitAttr>(attr.getValue()))
      return op->emitError() << "'seq.contraction' must be a unit attribute";
    return success();
  }
  return op->emitError() << "unknown attribute '" << name
                         << "' (the seq dialect's operation attributes are "
                            "seq.model_name, seq.model_entry, seq.model_abi, "
                            "seq.stream_dim and seq.contraction)";
}
