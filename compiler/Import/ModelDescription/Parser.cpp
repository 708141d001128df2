//===- Parser.cpp - lexer and parser for .seq model descriptions ---------===//

#include "compiler/Import/ModelDescription/Parser.h"

#include <cerrno>

#include "mlir/IR/Diagnostics.h"

#include "llvm/ADT/StringExtras.h"

#include <cctype>
#include <cstdlib>

using namespace mlir;

namespace seqc::md {
namespace {

struct Token {
  enum class Kind {
    Ident, Int, Float, String, LParen, RParen, LBracket, RBracket, Comma,
    Equal, Colon, Newline, Eof, Error
  };
  Kind kind = Kind::Eof;
  std::string text;
  Pos pos;
};

class Parser {
public:
  Parser(StringRef text, StringRef path, MLIRContext *ctx)
      : text(text), path(path), ctx(ctx) {
    // A UTF-8 byte-order mark (what some Windows editors write first) is
    // not part of the text.
    if (this->text.starts_with("\xEF\xBB\xBF"))
      index = 3;
  }

  std::optional<ModelDescription> parse();

private:
  // Lexer.
  /// The character `ahead` past the current one, or '\0' past the end (a
  /// NUL byte inside the text is not the end: see atEnd).
  char peekChar(size_t ahead = 0) const {
    return index + ahead < text.size() ? text[index + ahead] : '\0';
  }
  bool atEnd() const { return index >= text.size(); }
  /// Whether the next token (the one after `tok`) is a '('.
  bool nextIsLParen() const {
    size_t i = index;
    while (i < text.size() && (text[i] == ' ' || text[i] == '\t'))
      ++i;
    return i < text.size() && text[i] == '(';
  }
  /// Whether the '\\' at the current character ends its line (spaces may
  /// follow it, as editors leave them; a comment may not).
  bool continuesLine() const {
    size_t i = index + 1;
    while (i < text.size() &&
           (text[i] == ' ' || text[i] == '\t' || text[i] == '\r'))
      ++i;
    return i == text.size() || text[i] == '\n';
  }
  /// Whether the current character starts carriage returns that no
  /// newline follows (a line ending in CR alone; CR at the end of the
  /// file is whitespace).
  bool isLoneCarriageReturn() const;
  char takeChar() {
    char c = text[index++];
    if (c == '\n') {
      ++line;
      col = 1;
    } else {
      ++col;
    }
    return c;
  }
  Token lex();
  void advance() { tok = lex(); }

  InFlightDiagnostic error(Pos pos) {
    return emitError(FileLineColLoc::get(ctx, path, pos.line, pos.col));
  }
  bool expect(Token::Kind kind, StringRef what) {
    if (tok.kind == kind) {
      advance();
      return true;
    }
    if (tok.kind != Token::Kind::Error)
      error(tok.pos) << "expected " << what << ", found " << describe(tok);
    return false;
  }
  static std::string describe(const Token &t) {
    switch (t.kind) {
    case Token::Kind::Newline:
      return "end of line";
    case Token::Kind::Eof:
      return "end of file";
    case Token::Kind::String:
      return "\"" + t.text + "\"";
    default:
      return "'" + t.text + "'";
    }
  }
  /// Inside brackets a newline continues the statement.
  void skipNewlines() {
    while (tok.kind == Token::Kind::Newline)
      advance();
  }
  bool atLineEnd() const {
    return tok.kind == Token::Kind::Newline || tok.kind == Token::Kind::Eof;
  }
  bool endLine() {
    if (atLineEnd()) {
      if (tok.kind == Token::Kind::Newline)
        advance();
      return true;
    }
    if (tok.kind != Token::Kind::Error)
      error(tok.pos) << "expected end of line, found " << describe(tok);
    return false;
  }

  bool parseInput(ModelDescription &md);
  bool parseOutput(ModelDescription &md);
  bool parseLayer(std::vector<LayerStmt> &into, Token name);
  /// A layer's operands and keywords up to its ')'; calls given as
  /// operands become layers of their own in `into` (before `layer`).
  bool parseArguments(std::vector<LayerStmt> &into, LayerStmt &layer,
                      unsigned depth);
  bool parseScan(ModelDescription &md);
  bool parseOutputList(std::vector<OutputRef> &into, bool requireExport);
  bool parseLiteral(Literal &lit);

  StringRef text;
  StringRef path;
  MLIRContext *ctx;
  size_t index = 0;
  unsigned line = 1, col = 1;
  Token tok;
};

static bool isIdentStart(char c) { return std::isalpha((unsigned char)c) || c == '_'; }
static bool isIdentChar(char c) {
  return std::isalnum((unsigned char)c) || c == '_' || c == '.';
}

bool Parser::isLoneCarriageReturn() const {
  // (CR CR LF, an editor's doubled CR, still ends in a newline.)
  size_t i = index;
  while (i < text.size() && text[i] == '\r')
    ++i;
  return i > index && i < text.size() && text[i] != '\n';
}

Token Parser::lex() {
  // Spaces, tabs, carriage returns, comments and line continuations inside
  // brackets are not tokens; a newline is.
  while (true) {
    char c = peekChar();
    if (isLoneCarriageReturn()) {
      // A carriage return alone ends a line only in classic Mac OS files:
      // read as a space, the next line would be an error about its first
      // word.
      Token t;
      t.pos = {line, col};
      takeChar();
      error(t.pos) << "a carriage return not followed by a newline: lines "
                      "ending in CR alone (classic Mac OS) are not .seq "
                      "lines; save the file with LF (or CRLF) line endings";
      t.kind = Token::Kind::Error;
      return t;
    }
    if (c == ' ' || c == '\t' || c == '\r') {
      takeChar();
    } else if (c == '#') {
      // (A comment ends at a lone carriage return too, reported above,
      // rather than taking the CR-only lines after it.)
      while (peekChar() != '\n' && !atEnd() && !isLoneCarriageReturn())
        takeChar();
    } else if (c == '\\' && continuesLine()) {
      while (!atEnd() && takeChar() != '\n') {
      }
    } else {
      break;
    }
  }
  Token t;
  t.pos = {line, col};
  char c = peekChar();
  if (atEnd()) {
    t.kind = Token::Kind::Eof;
    return t;
  }
  if (c == '\n') {
    takeChar();
    t.kind = Token::Kind::Newline;
    t.text = "\\n";
    return t;
  }
  if (isIdentStart(c)) {
    while (isIdentChar(peekChar()))
      t.text += takeChar();
    t.kind = Token::Kind::Ident;
    return t;
  }
  if (std::isdigit((unsigned char)c) || c == '-' || c == '+' ||
      (c == '.' && std::isdigit((unsigned char)peekChar(1)))) {
    bool isFloat = false;
    if (c == '-' || c == '+')
      t.text += takeChar();
    // -inf and +inf (inf and nan alone are identifiers, read as numbers by
    // parseLiteral): masked_fill(x, m, value=-inf).
    if (peekChar() == 'i' && peekChar(1) == 'n' && peekChar(2) == 'f' &&
        !isIdentChar(peekChar(3))) {
      t.text += "inf";
      takeChar(), takeChar(), takeChar();
      t.kind = Token::Kind::Float;
      return t;
    }
    while (true) {
      char d = peekChar();
      if (std::isdigit((unsigned char)d)) {
        t.text += takeChar();
      } else if (d == '.') {
        isFloat = true;
        t.text += takeChar();
      } else if (d == 'e' || d == 'E') {
        isFloat = true;
        t.text += takeChar();
        if (peekChar() == '-' || peekChar() == '+')
          t.text += takeChar();
      } else {
        break;
      }
    }
    // A number runs into letters or '_' (1_000, 0x10, 2k): one malformed
    // number, not a number and a stray name.
    while (isIdentChar(peekChar()))
      t.text += takeChar();
    t.kind = isFloat ? Token::Kind::Float : Token::Kind::Int;
    char *end = nullptr;
    errno = 0;
    if (isFloat)
      std::strtod(t.text.c_str(), &end);
    else
      std::strtoll(t.text.c_str(), &end, 10);
    if (t.text == "-" || t.text == "+" || !end || *end != '\0') {
      error(t.pos) << "malformed number '" << t.text << "'";
      t.kind = Token::Kind::Error;
    } else if (errno == ERANGE && !isFloat) {
      error(t.pos) << "integer '" << t.text << "' is out of the range of a "
                   << "64-bit integer";
      t.kind = Token::Kind::Error;
    }
    return t;
  }
  if (c == '"') {
    takeChar();
    while (peekChar() != '"') {
      if (peekChar() == '\n' || atEnd()) {
        error(t.pos) << "unterminated string";
        t.kind = Token::Kind::Error;
        return t;
      }
      t.text += takeChar();
    }
    takeChar();
    t.kind = Token::Kind::String;
    return t;
  }
  takeChar();
  t.text = std::string(1, c);
  switch (c) {
  case '(': t.kind = Token::Kind::LParen; return t;
  case ')': t.kind = Token::Kind::RParen; return t;
  case '[': t.kind = Token::Kind::LBracket; return t;
  case ']': t.kind = Token::Kind::RBracket; return t;
  case ',': t.kind = Token::Kind::Comma; return t;
  case '=': t.kind = Token::Kind::Equal; return t;
  case ':': t.kind = Token::Kind::Colon; return t;
  default:
    break;
  }
  if (c == '\\')
    error(t.pos) << "a '\\' continues a line only as the last character on "
                    "it (a comment may not follow it)";
  else if (std::isprint((unsigned char)c))
    error(t.pos) << "unexpected character '" << c << "'";
  else if ((unsigned char)c >= 0x80)
    error(t.pos) << "non-ASCII byte 0x" << llvm::utohexstr((unsigned char)c)
                 << ": outside strings and comments a .seq file is ASCII "
                    "(names are letters, digits and '_')";
  else
    error(t.pos) << "unexpected byte 0x" << llvm::utohexstr((unsigned char)c);
  t.kind = Token::Kind::Error;
  return t;
}

bool Parser::parseLiteral(Literal &lit) {
  lit.pos = tok.pos;
  lit.text = tok.text;
  switch (tok.kind) {
  case Token::Kind::Int:
    lit.kind = Literal::Kind::Int;
    lit.intValue = std::strtoll(tok.text.c_str(), nullptr, 10);
    lit.floatValue = (double)lit.intValue;
    break;
  case Token::Kind::Float:
    lit.kind = Literal::Kind::Float;
    lit.floatValue = std::strtod(tok.text.c_str(), nullptr);
    break;
  case Token::Kind::String:
    lit.kind = Literal::Kind::String;
    break;
  case Token::Kind::Ident:
    if (tok.text == "true" || tok.text == "false") {
      lit.kind = Literal::Kind::Bool;
      lit.boolValue = tok.text == "true";
    } else if (tok.text == "inf" || tok.text == "nan") {
      lit.kind = Literal::Kind::Float;
      lit.floatValue = std::strtod(tok.text.c_str(), nullptr);
    } else {
      lit.kind = Literal::Kind::Ident;
    }
    break;
  case Token::Kind::LBracket: { // [INT | IDENT, ...]
    lit.kind = Literal::Kind::List;
    lit.text = "[";
    // A list is a keyword's value, inside a layer's parentheses: it may
    // span lines.
    advance();
    skipNewlines();
    while (tok.kind != Token::Kind::RBracket) {
      Literal item;
      if (tok.kind != Token::Kind::Int && tok.kind != Token::Kind::Ident) {
        if (tok.kind != Token::Kind::Error)
          error(tok.pos) << "expected an integer or a dimension name in the "
                         << "list, found " << describe(tok);
        return false;
      }
      if (!parseLiteral(item))
        return false;
      lit.text += (lit.items.empty() ? "" : ", ") + item.text;
      lit.items.push_back(std::move(item));
      skipNewlines();
      if (tok.kind == Token::Kind::Comma) {
        advance();
        skipNewlines();
      } else if (tok.kind != Token::Kind::RBracket) {
        return expect(Token::Kind::RBracket, "',' or ']'");
      }
    }
    lit.text += "]";
    break;
  }
  default:
    if (tok.kind != Token::Kind::Error)
      error(tok.pos) << "expected a value, found " << describe(tok);
    return false;
  }
  advance();
  return true;
}

bool Parser::parseInput(ModelDescription &md) {
  InputStmt input;
  input.namePos = tok.pos;
  input.name = tok.text;
  if (!expect(Token::Kind::Ident, "an input name") ||
      !expect(Token::Kind::Colon, "':' after the input name"))
    return false;
  input.dtypePos = tok.pos;
  input.dtype = tok.text;
  if (!expect(Token::Kind::Ident, "a dtype (f32, i64, ...)") ||
      !expect(Token::Kind::LBracket, "'[' and the input's dimensions"))
    return false;
  while (true) {
    Dim dim;
    dim.pos = tok.pos;
    if (tok.kind == Token::Kind::Ident) {
      dim.name = tok.text;
    } else if (tok.kind == Token::Kind::Int) {
      dim.size = std::strtoll(tok.text.c_str(), nullptr, 10);
      if (dim.size <= 0) {
        error(tok.pos) << "a dimension must be positive, found " << dim.size;
        return false;
      }
    } else {
      if (tok.kind != Token::Kind::Error)
        error(tok.pos) << "expected a dimension (a size or a name such as T), "
                       << "found " << describe(tok);
      return false;
    }
    advance();
    input.dims.push_back(dim);
    if (tok.kind == Token::Kind::Comma) {
      advance();
      continue;
    }
    if (!expect(Token::Kind::RBracket, "',' or ']'"))
      return false;
    break;
  }
  md.inputs.push_back(std::move(input));
  return endLine();
}

bool Parser::parseOutput(ModelDescription &md) {
  return parseOutputList(md.outputs, /*requireExport=*/false);
}

/// `[EXPORT=]VALUE, ...` to the end of the line (`yield` requires EXPORT).
bool Parser::parseOutputList(std::vector<OutputRef> &into,
                             bool requireExport) {
  while (true) {
    OutputRef out{tok.text, tok.pos, "", {}};
    if (!expect(Token::Kind::Ident,
                requireExport ? "a state or output name" : "an output name"))
      return false;
    if (tok.kind == Token::Kind::Equal) { // EXPORT=VALUE
      advance();
      out.exportName = out.name;
      out.exportPos = out.pos;
      out.name = tok.text;
      out.pos = tok.pos;
      if (!expect(Token::Kind::Ident, "a value name after '='"))
        return false;
    } else if (requireExport) {
      error(tok.pos) << "expected '=' after '" << out.name
                     << "': yield NAME = VALUE, ...";
      return false;
    }
    into.push_back(out);
    if (tok.kind != Token::Kind::Comma)
      break;
    advance();
  }
  return endLine();
}

bool Parser::parseScan(ModelDescription &md) {
  ScanStmt scan;
  scan.name = tok.text;
  scan.namePos = tok.pos;
  if (!expect(Token::Kind::Ident, "the scan's name") ||
      !expect(Token::Kind::LParen, "'(' and the scan's bindings"))
    return false;
  skipNewlines();
  while (tok.kind != Token::Kind::RParen) {
    Token first = tok;
    if (!expect(Token::Kind::Ident, "a binding (STEP in SEQUENCE or "
                                    "STATE = INITIAL) or a keyword"))
      return false;
    if (first.text == "dim" || first.text == "reverse") {
      if (llvm::any_of(scan.keywords,
                       [&](const Argument &a) { return a.key == first.text; })) {
        error(first.pos) << "keyword '" << first.text << "' given twice";
        return false;
      }
      Argument arg{first.text, first.pos, {}};
      if (!expect(Token::Kind::Equal, "'=' after '" + first.text + "'") ||
          !parseLiteral(arg.value))
        return false;
      scan.keywords.push_back(std::move(arg));
    } else {
      ScanBinding binding{first.text, first.pos, "", {}, false};
      if (tok.kind == Token::Kind::Ident && tok.text == "in") {
        binding.scanned = true;
        advance();
      } else if (!expect(Token::Kind::Equal,
                         "'in' (a sequence) or '=' (a carried state) after '" +
                             first.text + "'")) {
        return false;
      }
      binding.source = tok.text;
      binding.sourcePos = tok.pos;
      if (tok.kind == Token::Kind::Ident &&
          (tok.text == "true" || tok.text == "false")) {
        error(first.pos) << "'" << first.text << "' is not a keyword of scan "
                         << "(it takes dim= and reverse=), and a carried "
                         << "state starts from a value, not '" << tok.text
                         << "'";
        return false;
      }
      if (!expect(Token::Kind::Ident, "a value name"))
        return false;
      scan.bindings.push_back(std::move(binding));
    }
    skipNewlines();
    if (tok.kind == Token::Kind::Comma) {
      advance();
      skipNewlines();
    } else if (tok.kind != Token::Kind::RParen) {
      return expect(Token::Kind::RParen, "',' or ')'");
    }
  }
  advance();
  if (!endLine())
    return false;
  // The body: layer statements, then `yield ...` and `end`.
  while (true) {
    skipNewlines();
    Token first = tok;
    if (tok.kind == Token::Kind::Eof) {
      error(scan.namePos) << "scan '" << scan.name
                          << "' has no 'end'; close its body with `end`";
      return false;
    }
    if (!expect(Token::Kind::Ident, "a layer statement, 'yield' or 'end' "
                                    "in the scan's body"))
      return false;
    if (tok.kind == Token::Kind::Equal) {
      if (!scan.yields.empty()) {
        error(first.pos) << "'" << first.text << "' follows the scan's "
                         << "'yield'; the body comes before it";
        return false;
      }
      if (!parseLayer(scan.body, first))
        return false;
    } else if (first.text == "yield") {
      if (!scan.yields.empty()) {
        error(first.pos) << "scan '" << scan.name << "' yields twice";
        return false;
      }
      scan.yieldPos = first.pos;
      if (!parseOutputList(scan.yields, /*requireExport=*/true))
        return false;
    } else if (first.text == "end") {
      if (scan.yields.empty()) {
        error(first.pos) << "scan '" << scan.name << "' ends without "
                         << "'yield'; yield each carried state's next value";
        return false;
      }
      break;
    } else if (first.text == "output" || first.text == "input" ||
               first.text == "scan" || first.text == "model" ||
               first.text == "weights") {
      error(first.pos) << "'" << first.text << "' inside scan '" << scan.name
                       << "': close the scan's body with `end` first";
      return false;
    } else {
      error(first.pos) << "expected a layer statement, 'yield' or 'end' in "
                       << "the scan's body, found '" << first.text << "'";
      return false;
    }
  }
  md.scans.push_back(std::move(scan));
  return endLine();
}

bool Parser::parseLayer(std::vector<LayerStmt> &into, Token name) {
  LayerStmt layer;
  layer.name = name.text;
  layer.namePos = name.pos;
  if (!expect(Token::Kind::Equal, "'=' after '" + name.text + "'"))
    return false;
  layer.layer = tok.text;
  layer.layerPos = tok.pos;
  if (!expect(Token::Kind::Ident, "a layer name such as lstm or linear") ||
      !expect(Token::Kind::LParen, "'(' after the layer name") ||
      !parseArguments(into, layer, /*depth=*/0))
    return false;
  into.push_back(std::move(layer));
  return endLine();
}

bool Parser::parseArguments(std::vector<LayerStmt> &into, LayerStmt &layer,
                            unsigned depth) {
  // A call as a value (an operand, relu(linear(x, out=4, name=fc)), or a
  // keyword's, key_padding_mask=logical_not(m)): a layer of its own, named
  // after its place, emitted before this one. `tok` is its '('.
  auto parseInnerCall = [&](const Token &callee, Literal &value) {
    constexpr unsigned kMaxNesting = 32;
    if (depth + 1 >= kMaxNesting) {
      error(callee.pos) << "calls nest more than " << kMaxNesting
                        << " deep; name the inner values";
      return false;
    }
    advance();
    LayerStmt inner;
    inner.name = callee.text + "(...) at " + std::to_string(callee.pos.line) +
                 ":" + std::to_string(callee.pos.col);
    inner.namePos = callee.pos;
    inner.layer = callee.text;
    inner.layerPos = callee.pos;
    inner.nested = true;
    if (!parseArguments(into, inner, depth + 1))
      return false;
    value.kind = Literal::Kind::Ident;
    value.text = inner.name;
    value.pos = callee.pos;
    value.call = true;
    into.push_back(std::move(inner));
    return true;
  };
  // Newlines inside the parentheses continue the statement.
  skipNewlines();
  while (tok.kind != Token::Kind::RParen) {
    Argument arg;
    if (tok.kind == Token::Kind::Ident) {
      Token first = tok;
      advance();
      if (tok.kind == Token::Kind::LParen) {
        if (!layer.keywords.empty()) {
          error(first.pos) << "operand '" << first.text
                           << "(...)' follows a keyword; operands come first";
          return false;
        }
        arg.keyPos = first.pos;
        if (!parseInnerCall(first, arg.value))
          return false;
        layer.operands.push_back(std::move(arg));
      } else if (tok.kind == Token::Kind::Equal) {
        advance();
        arg.key = first.text;
        arg.keyPos = first.pos;
        if (tok.kind == Token::Kind::Ident && nextIsLParen()) {
          Token callee = tok;
          advance();
          if (!parseInnerCall(callee, arg.value))
            return false;
        } else if (!parseLiteral(arg.value)) {
          return false;
        }
        for (const Argument &other : layer.keywords) {
          if (other.key == arg.key) {
            error(arg.keyPos) << "keyword '" << arg.key << "' given twice";
            return false;
          }
        }
        layer.keywords.push_back(std::move(arg));
      } else {
        if (!layer.keywords.empty()) {
          error(first.pos) << "operand '" << first.text
                           << "' follows a keyword; operands come first";
          return false;
        }
        arg.keyPos = first.pos;
        arg.value.kind = Literal::Kind::Ident;
        arg.value.text = first.text;
        arg.value.pos = first.pos;
        layer.operands.push_back(std::move(arg));
      }
    } else {
      if (tok.kind != Token::Kind::Error)
        error(tok.pos) << "expected an operand name or KEY=VALUE, found "
                       << describe(tok);
      return false;
    }
    skipNewlines();
    if (tok.kind == Token::Kind::Comma) {
      advance();
      skipNewlines();
      continue;
    }
    if (tok.kind != Token::Kind::RParen) {
      // A missing ')' shows on the next line: point at the open call too.
      if (tok.kind != Token::Kind::Error) {
        InFlightDiagnostic diag = error(tok.pos);
        diag << "expected ',' or ')', found " << describe(tok);
        diag.attachNote(FileLineColLoc::get(ctx, path, layer.layerPos.line,
                                            layer.layerPos.col))
            << "in the call to '" << layer.layer << "' here";
      }
      return false;
    }
  }
  advance();
  return true;
}

std::optional<ModelDescription> Parser::parse() {
  ModelDescription md;
  bool sawModel = false;
  advance();
  while (tok.kind != Token::Kind::Eof) {
    if (tok.kind == Token::Kind::Newline) {
      advance();
      continue;
    }
    if (tok.kind != Token::Kind::Ident) {
      if (tok.kind != Token::Kind::Error)
        error(tok.pos) << "expected a statement (model, weights, input, "
                          "output, scan or NAME = LAYER(...)), found "
                       << describe(tok);
      return std::nullopt;
    }
    Token first = tok;
    advance();
    bool ok = true;
    if (tok.kind == Token::Kind::Equal) {
      ok = parseLayer(md.layers, first);
    } else if (first.text == "scan") {
      ok = parseScan(md);
    } else if (first.text == "model") {
      if (sawModel) {
        error(first.pos) << "the model is named twice";
        return std::nullopt;
      }
      sawModel = true;
      md.modelPos = first.pos;
      md.modelName = tok.text;
      md.namedModel = true;
      // `model my-model`: say what a name is before the '-' lexes as a
      // malformed number.
      if (tok.kind == Token::Kind::Ident &&
          (peekChar() == '-' || peekChar() == '.')) {
        std::string whole = tok.text;
        for (size_t i = 0; std::isgraph((unsigned char)peekChar(i)); ++i)
          whole += peekChar(i);
        error(tok.pos) << "the model's name '" << whole
                       << "' is not a name (letters, digits and '_', not "
                          "starting with a digit)";
        return std::nullopt;
      }
      ok = expect(Token::Kind::Ident, "the model's name") && endLine();
    } else if (first.text == "weights") {
      if (md.weights) {
        error(first.pos) << "the weights file is named twice";
        return std::nullopt;
      }
      md.weightsPos = tok.pos;
      md.weights = tok.text;
      ok = expect(Token::Kind::String, "the weights file as a \"string\"") &&
           endLine();
    } else if (first.text == "input") {
      ok = parseInput(md);
    } else if (first.text == "output") {
      ok = parseOutput(md);
    } else {
      error(first.pos) << "expected a statement (model, weights, input, "
                          "output, scan or NAME = LAYER(...)), found '"
                       << first.text << "'";
      return std::nullopt;
    }
    if (!ok)
      return std::nullopt;
  }
  if (md.outputs.empty()) {
    // Without a `model` line, about the file as a whole (line 0: no
    // source line quoted; an empty file has none to quote).
    error(sawModel ? md.modelPos : Pos{0, 0})
        << "the model has no 'output' statement; add `output NAME, ...`";
    return std::nullopt;
  }
  return md;
}

} // namespace

std::optional<ModelDescription> parseModelDescription(StringRef text,
                                                      StringRef path,
                                                      MLIRContext *ctx) {
  return Parser(text, path, ctx).parse();
}

} // namespace seqc::md
