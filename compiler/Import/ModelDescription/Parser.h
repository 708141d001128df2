//===- Parser.h - the .seq model description language --------*- C++ -*-===//
//
// The syntax tree of a model description and the parser that builds it.
// The language is line oriented (docs/ModelDescription.md):
//
//   model NAME
//   weights "FILE.safetensors"
//   input NAME: DTYPE[DIM, ...]
//   NAME = LAYER(VALUE, ..., KEY=LITERAL, ...)
//   scan NAME(STEP in SEQ, STATE = INIT, ...) ... yield ... end
//   output NAME, ...          (or EXPORT=NAME)
//
// with `#` comments. The parser only checks the syntax; names, layers,
// keywords and weights are checked by the emitter, which knows the layers.
//
//===----------------------------------------------------------------------===//

#ifndef SEQC_COMPILER_IMPORT_MODELDESCRIPTION_PARSER_H
#define SEQC_COMPILER_IMPORT_MODELDESCRIPTION_PARSER_H

#include "mlir/IR/Location.h"
#include "mlir/Support/LLVM.h"

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace seqc::md {

/// A position in the description, 1-based.
struct Pos {
  unsigned line = 0;
  unsigned col = 0;
};

/// A keyword's value: a number, a boolean, a string or a (possibly dotted)
/// identifier.
struct Literal {
  enum class Kind { Int, Float, Bool, String, Ident, List };
  Kind kind = Kind::Int;
  int64_t intValue = 0;
  double floatValue = 0;
  bool boolValue = false;
  std::string text; // String and Ident; the spelling for the others
  Pos pos;
  std::vector<Literal> items; // List: `[INT | IDENT, ...]`
  /// An Ident naming a call written in place (`key_padding_mask=eq(m,
  /// value=0)`): only keywords that take a value's name take one.
  bool call = false;
};

/// `KEY=LITERAL`, or a positional operand (empty key, `value.kind` Ident).
struct Argument {
  std::string key;
  Pos keyPos;
  Literal value;
};

/// `NAME = LAYER(ARGS)`.
struct LayerStmt {
  std::string name;
  Pos namePos;
  std::string layer;
  Pos layerPos;
  std::vector<Argument> operands; // positional
  std::vector<Argument> keywords;
  /// Written as another layer's operand (`relu(linear(x, ...))`); `name`
  /// is then "linear(...) at LINE:COL".
  bool nested = false;
};

struct Dim {
  std::string name; // symbolic (dynamic) when not empty
  int64_t size = -1;
  Pos pos;
};

/// `input NAME: DTYPE[DIMS]`.
struct InputStmt {
  std::string name;
  Pos namePos;
  std::string dtype;
  Pos dtypePos;
  std::vector<Dim> dims;
};

/// `output VALUE` or `output EXPORT=VALUE` (e.g. `h_n=enc.h_n`).
struct OutputRef {
  std::string name; // the value
  Pos pos;
  std::string exportName; // the model's output name; `name` when empty
  Pos exportPos;
};

/// One binding of a scan's header: `x_t in x` (the step's slice of a
/// sequence) or `h = h0` (a carried state and its initial value).
struct ScanBinding {
  std::string name;
  Pos pos;
  std::string source; // the outer value
  Pos sourcePos;
  bool scanned = false;
};

/// A user-written recurrence:
///
///   scan NAME(x_t in x, h = h0 [, dim=D] [, reverse=true])
///     LAYER STATEMENTS over x_t, h and outer values
///     yield h = NEXT, y = OUT, ...
///   end
///
/// Each step sees one slice of every scanned sequence (along `dim`) and
/// the carried states; `yield` gives each carried state's next value and
/// the step's outputs. NAME.h is the final state, NAME.y the outputs
/// stacked along `dim`.
struct ScanStmt {
  std::string name;
  Pos namePos;
  std::vector<ScanBinding> bindings;
  std::vector<Argument> keywords; // dim, reverse
  std::vector<LayerStmt> body;
  std::vector<OutputRef> yields; // exportName = the field, name = the value
  Pos yieldPos;
};

struct ModelDescription {
  std::string modelName = "model";
  /// Whether a `model NAME` statement gave the name (the C API prefix).
  bool namedModel = false;
  Pos modelPos;
  std::optional<std::string> weights;
  Pos weightsPos;
  std::vector<InputStmt> inputs;
  std::vector<LayerStmt> layers;
  std::vector<ScanStmt> scans;
  std::vector<OutputRef> outputs;
};

/// Parses `text`; syntax errors are emitted at `FileLineColLoc(path, ...)`.
std::optional<ModelDescription> parseModelDescription(llvm::StringRef text,
                                                      llvm::StringRef path,
                                                      mlir::MLIRContext *ctx);

} // namespace seqc::md

#endif // SEQC_COMPILER_IMPORT_MODELDESCRIPTION_PARSER_H
