//===- safetensors.c - Validating, zero-copy safetensors reader/writer ----===//
//
// Layout: u64 little-endian header length N, N bytes of JSON, data section.
// The JSON is parsed by a small strict parser for exactly the subset the
// format uses, because weights files are untrusted input and a permissive
// parser is where out-of-bounds reads hide. Every check failure names the
// tensor and the offending value.
//
//===----------------------------------------------------------------------===//

#define _POSIX_C_SOURCE 200809L

#include "safetensors_internal.h"
#include "seqc/safetensors.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

typedef struct entry {
  seqc_safetensors_tensor tensor; // first, so &entry->tensor == entry
  uint64_t begin, end;            // data_offsets, relative to data section
} entry;

struct seqc_safetensors {
  const uint8_t *bytes; // whole file
  size_t size;
  void *mapping; // non-NULL when we own an mmap of `size` bytes
  entry *entries;
  size_t count, capacity;
  const entry **by_name; // sorted by name, for find()
  char **meta_keys, **meta_values;
  size_t meta_count, meta_capacity;
};

//===----------------------------------------------------------------------===//
// Strict JSON subset
//===----------------------------------------------------------------------===//

typedef struct cursor {
  const char *begin, *p, *end;
  seqc_error *err;
} cursor;

static seqc_status syntax_error(cursor *c, const char *expected) {
  if (c->p >= c->end)
    return seqc_rt_set_error(c->err, SEQC_ERR_FORMAT,
                             "safetensors: bad JSON header: expected %s at "
                             "header byte %zu, found end of header",
                             expected, (size_t)(c->p - c->begin));
  return seqc_rt_set_error(c->err, SEQC_ERR_FORMAT,
                           "safetensors: bad JSON header: expected %s at "
                           "header byte %zu, found '%c' (0x%02x)",
                           expected, (size_t)(c->p - c->begin),
                           (*c->p >= 0x20 && *c->p < 0x7f) ? *c->p : '?',
                           (unsigned char)*c->p);
}

static void skip_ws(cursor *c) {
  while (c->p < c->end &&
         (*c->p == ' ' || *c->p == '\t' || *c->p == '\n' || *c->p == '\r'))
    ++c->p;
}

static int accept(cursor *c, char ch) {
  skip_ws(c);
  if (c->p < c->end && *c->p == ch) {
    ++c->p;
    return 1;
  }
  return 0;
}

static seqc_status expect(cursor *c, char ch, const char *what) {
  return accept(c, ch) ? SEQC_OK : syntax_error(c, what);
}

static int hex_digit(char ch) {
  if (ch >= '0' && ch <= '9')
    return ch - '0';
  if (ch >= 'a' && ch <= 'f')
    return ch - 'a' + 10;
  if (ch >= 'A' && ch <= 'F')
    return ch - 'A' + 10;
  return -1;
}

static int read_hex4(cursor *c, uint32_t *out) {
  if (c->end - c->p < 4)
    return 0;
  uint32_t v = 0;
  for (int i = 0; i < 4; ++i) {
    int d = hex_digit(c->p[i]);
    if (d < 0)
      return 0;
    v = v * 16 + (uint32_t)d;
  }
  c->p += 4;
  *out = v;
  return 1;
}

static size_t put_utf8(char *dst, uint32_t cp) {
  if (cp < 0x80) {
    dst[0] = (char)cp;
    return 1;
  }
  if (cp < 0x800) {
    dst[0] = (char)(0xC0 | (cp >> 6));
    dst[1] = (char)(0x80 | (cp & 0x3F));
    return 2;
  }
  if (cp < 0x10000) {
    dst[0] = (char)(0xE0 | (cp >> 12));
    dst[1] = (char)(0x80 | ((cp >> 6) & 0x3F));
    dst[2] = (char)(0x80 | (cp & 0x3F));
    return 3;
  }
  dst[0] = (char)(0xF0 | (cp >> 18));
  dst[1] = (char)(0x80 | ((cp >> 12) & 0x3F));
  dst[2] = (char)(0x80 | ((cp >> 6) & 0x3F));
  dst[3] = (char)(0x80 | (cp & 0x3F));
  return 4;
}

size_t seqc_st_utf8_invalid_at(const char *s, size_t n) {
  const unsigned char *begin = (const unsigned char *)s, *p = begin,
                      *end = p + n;
  while (p < end) {
    const unsigned char *at = p;
    unsigned char b = *p++;
    if (b < 0x80)
      continue;
    int more;
    uint32_t cp, least;
    if ((b & 0xE0) == 0xC0)
      more = 1, cp = b & 0x1F, least = 0x80;
    else if ((b & 0xF0) == 0xE0)
      more = 2, cp = b & 0x0F, least = 0x800;
    else if ((b & 0xF8) == 0xF0)
      more = 3, cp = b & 0x07, least = 0x10000;
    else
      return (size_t)(at - begin);
    if (end - p < more)
      return (size_t)(at - begin);
    for (int i = 0; i < more; ++i) {
      if ((p[i] & 0xC0) != 0x80)
        return (size_t)(at - begin);
      cp = cp << 6 | (p[i] & 0x3F);
    }
    p += more;
    if (cp < least || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF))
      return (size_t)(at - begin);
  }
  return n;
}

int seqc_st_utf8_valid(const char *s, size_t n) {
  return seqc_st_utf8_invalid_at(s, n) == n;
}

// Parses a JSON string into a fresh NUL-terminated UTF-8 buffer. \u0000 is
// rejected because names are handed out as C strings.
static seqc_status parse_string(cursor *c, char **out) {
  *out = NULL;
  skip_ws(c);
  if (c->p >= c->end || *c->p != '"')
    return syntax_error(c, "a string");
  ++c->p;
  // Decoded text is never longer than its escaped form.
  const char *start = c->p;
  while (c->p < c->end && *c->p != '"') {
    if (*c->p == '\\' && c->p + 1 < c->end)
      ++c->p;
    ++c->p;
  }
  if (c->p >= c->end)
    return syntax_error(c, "a closing '\"'");
  size_t raw_len = (size_t)(c->p - start);
  // Escapes are ASCII and decode to valid UTF-8 (lone surrogates are
  // refused below), so the raw bytes say where text is not UTF-8.
  size_t bad = seqc_st_utf8_invalid_at(start, raw_len);
  if (bad < raw_len) {
    c->p = start + bad;
    return syntax_error(c, "UTF-8 text in a string");
  }
  char *buf = malloc(raw_len + 1);
  if (!buf)
    return seqc_rt_set_error(c->err, SEQC_ERR_OUT_OF_MEMORY,
                             "safetensors: out of memory parsing header");
  const char *limit = c->p;
  c->p = start;
  size_t n = 0;
  while (c->p < limit) {
    unsigned char ch = (unsigned char)*c->p;
    if (ch < 0x20) {
      free(buf);
      return syntax_error(c, "no raw control character in a string");
    }
    if (ch != '\\') {
      buf[n++] = (char)ch;
      ++c->p;
      continue;
    }
    ++c->p; // the backslash; the scan above guarantees a next byte
    char esc = *c->p++;
    uint32_t cp;
    switch (esc) {
    case '"':
    case '\\':
    case '/':
      buf[n++] = esc;
      break;
    case 'b':
      buf[n++] = '\b';
      break;
    case 'f':
      buf[n++] = '\f';
      break;
    case 'n':
      buf[n++] = '\n';
      break;
    case 'r':
      buf[n++] = '\r';
      break;
    case 't':
      buf[n++] = '\t';
      break;
    case 'u':
      if (!read_hex4(c, &cp) || cp == 0) {
        free(buf);
        return syntax_error(c, "4 hex digits of a non-NUL \\u escape");
      }
      if (cp >= 0xD800 && cp <= 0xDBFF) { // high surrogate: need a low one
        uint32_t low;
        if (limit - c->p < 6 || c->p[0] != '\\' || c->p[1] != 'u') {
          free(buf);
          return syntax_error(c, "a low surrogate \\u escape");
        }
        c->p += 2;
        if (!read_hex4(c, &low) || low < 0xDC00 || low > 0xDFFF) {
          free(buf);
          return syntax_error(c, "a low surrogate \\u escape");
        }
        cp = 0x10000 + ((cp - 0xD800) << 10) + (low - 0xDC00);
      } else if (cp >= 0xDC00 && cp <= 0xDFFF) {
        free(buf);
        return syntax_error(c, "no lone low surrogate");
      }
      n += put_utf8(buf + n, cp);
      break;
    default:
      --c->p;
      free(buf);
      return syntax_error(c, "a valid escape character");
    }
  }
  c->p = limit + 1; // past the closing quote
  buf[n] = '\0';
  *out = buf;
  return SEQC_OK;
}

// A JSON integer that must be non-negative and fit in int64_t. `what` names
// the field for the error message.
static seqc_status parse_uint(cursor *c, const char *tensor, const char *what,
                              uint64_t *out) {
  skip_ws(c);
  size_t at = (size_t)(c->p - c->begin);
  if (c->p < c->end && *c->p == '-')
    return seqc_rt_set_error(c->err, SEQC_ERR_FORMAT,
                             "safetensors: tensor '%s': %s must be a "
                             "non-negative integer, found a negative number at "
                             "header byte %zu",
                             tensor, what, at);
  if (c->p >= c->end || *c->p < '0' || *c->p > '9')
    return syntax_error(c, "a non-negative integer");
  if (*c->p == '0' && c->p + 1 < c->end && c->p[1] >= '0' && c->p[1] <= '9')
    return syntax_error(c, "an integer without leading zeros");
  uint64_t v = 0;
  while (c->p < c->end && *c->p >= '0' && *c->p <= '9') {
    uint64_t digit = (uint64_t)(*c->p - '0');
    if (v > ((uint64_t)INT64_MAX - digit) / 10)
      return seqc_rt_set_error(c->err, SEQC_ERR_FORMAT,
                               "safetensors: tensor '%s': %s at header byte "
                               "%zu does not fit in 63 bits",
                               tensor, what, at);
    v = v * 10 + digit;
    ++c->p;
  }
  if (c->p < c->end && (*c->p == '.' || *c->p == 'e' || *c->p == 'E'))
    return seqc_rt_set_error(c->err, SEQC_ERR_FORMAT,
                             "safetensors: tensor '%s': %s at header byte %zu "
                             "must be an integer, found a fraction/exponent",
                             tensor, what, at);
  *out = v;
  return SEQC_OK;
}

static int dtype_from_string(const char *s) {
  static const struct {
    const char *name;
    int dtype;
  } table[] = {{"F32", SEQC_DTYPE_F32},   {"F16", SEQC_DTYPE_F16},
               {"BF16", SEQC_DTYPE_BF16}, {"F64", SEQC_DTYPE_F64},
               {"I8", SEQC_DTYPE_I8},     {"U8", SEQC_DTYPE_U8},
               {"I32", SEQC_DTYPE_I32},   {"I64", SEQC_DTYPE_I64},
               {"BOOL", SEQC_DTYPE_BOOL}};
  for (size_t i = 0; i < sizeof(table) / sizeof(table[0]); ++i)
    if (strcmp(s, table[i].name) == 0)
      return table[i].dtype;
  return 0;
}

const char *seqc_st_dtype_word(int32_t dtype) {
  switch (dtype) {
  case SEQC_DTYPE_F32:
    return "F32";
  case SEQC_DTYPE_F16:
    return "F16";
  case SEQC_DTYPE_BF16:
    return "BF16";
  case SEQC_DTYPE_F64:
    return "F64";
  case SEQC_DTYPE_I8:
    return "I8";
  case SEQC_DTYPE_U8:
    return "U8";
  case SEQC_DTYPE_I32:
    return "I32";
  case SEQC_DTYPE_I64:
    return "I64";
  case SEQC_DTYPE_BOOL:
    return "BOOL";
  default:
    return NULL;
  }
}

// {"dtype": "F32", "shape": [2, 3], "data_offsets": [0, 24]}, keys in any
// order, each exactly once, nothing else.
static seqc_status parse_tensor(cursor *c, entry *e) {
  const char *name = e->tensor.name;
  seqc_status st = expect(c, '{', "'{' opening a tensor entry");
  if (st)
    return st;
  int have_dtype = 0, have_shape = 0, have_offsets = 0;
  if (!accept(c, '}')) {
    do {
      char *key;
      if ((st = parse_string(c, &key)))
        return st;
      if ((st = expect(c, ':', "':' after a key"))) {
        free(key);
        return st;
      }
      if (strcmp(key, "dtype") == 0 && !have_dtype) {
        have_dtype = 1;
        char *dtype;
        if ((st = parse_string(c, &dtype))) {
          free(key);
          return st;
        }
        e->tensor.dtype = dtype_from_string(dtype);
        if (!e->tensor.dtype)
          st = seqc_rt_set_error(c->err, SEQC_ERR_FORMAT,
                                 "safetensors: tensor '%s': unknown dtype "
                                 "'%s' (expected one of F32, F16, BF16, F64, "
                                 "I8, U8, I32, I64, BOOL)",
                                 name, dtype);
        free(dtype);
      } else if (strcmp(key, "shape") == 0 && !have_shape) {
        have_shape = 1;
        if (!(st = expect(c, '[', "'[' opening shape")) && !accept(c, ']')) {
          do {
            uint64_t extent;
            if ((st = parse_uint(c, name, "shape", &extent)))
              break;
            if (e->tensor.rank == SEQC_MAX_RANK) {
              st = seqc_rt_set_error(c->err, SEQC_ERR_UNSUPPORTED,
                                     "safetensors: tensor '%s': rank exceeds "
                                     "the maximum of %d",
                                     name, SEQC_MAX_RANK);
              break;
            }
            e->tensor.shape[e->tensor.rank++] = (int64_t)extent;
          } while (accept(c, ','));
          if (!st)
            st = expect(c, ']', "',' or ']' in shape");
        }
      } else if (strcmp(key, "data_offsets") == 0 && !have_offsets) {
        have_offsets = 1;
        if (!(st = expect(c, '[', "'[' opening data_offsets")) &&
            !(st = parse_uint(c, name, "data_offsets[0]", &e->begin)) &&
            !(st = expect(c, ',', "',' in data_offsets")) &&
            !(st = parse_uint(c, name, "data_offsets[1]", &e->end)))
          st = expect(c, ']', "']' closing the 2-element data_offsets");
      } else {
        int duplicate = strcmp(key, "dtype") == 0 ||
                        strcmp(key, "shape") == 0 ||
                        strcmp(key, "data_offsets") == 0;
        st = seqc_rt_set_error(c->err, SEQC_ERR_FORMAT,
                               "safetensors: tensor '%s': %s key '%s' "
                               "(expected dtype, shape, data_offsets)",
                               name, duplicate ? "duplicate" : "unexpected",
                               key);
      }
      free(key);
      if (st)
        return st;
    } while (accept(c, ','));
    if ((st = expect(c, '}', "',' or '}' in a tensor entry")))
      return st;
  }
  if (!have_dtype || !have_shape || !have_offsets)
    return seqc_rt_set_error(c->err, SEQC_ERR_FORMAT,
                             "safetensors: tensor '%s': missing '%s'", name,
                             !have_dtype   ? "dtype"
                             : !have_shape ? "shape"
                                           : "data_offsets");
  return SEQC_OK;
}

static seqc_status add_metadata(seqc_safetensors *f, char *key, char *value,
                                seqc_error *err) {
  for (size_t i = 0; i < f->meta_count; ++i)
    if (strcmp(f->meta_keys[i], key) == 0) {
      seqc_rt_set_error(err, SEQC_ERR_FORMAT,
                        "safetensors: duplicate __metadata__ key '%s'", key);
      free(key);
      free(value);
      return SEQC_ERR_FORMAT;
    }
  if (f->meta_count == f->meta_capacity) {
    size_t cap = f->meta_capacity ? 2 * f->meta_capacity : 8;
    char **keys = realloc(f->meta_keys, cap * sizeof(char *));
    if (keys)
      f->meta_keys = keys;
    char **values = keys ? realloc(f->meta_values, cap * sizeof(char *)) : NULL;
    if (values)
      f->meta_values = values;
    if (!keys || !values) {
      free(key);
      free(value);
      return seqc_rt_set_error(err, SEQC_ERR_OUT_OF_MEMORY,
                               "safetensors: out of memory");
    }
    f->meta_capacity = cap;
  }
  f->meta_keys[f->meta_count] = key;
  f->meta_values[f->meta_count++] = value;
  return SEQC_OK;
}

static seqc_status parse_metadata(cursor *c, seqc_safetensors *f, int *seen) {
  if (*seen)
    return seqc_rt_set_error(c->err, SEQC_ERR_FORMAT,
                             "safetensors: duplicate '__metadata__' entry");
  *seen = 1;
  seqc_status st = expect(c, '{', "'{' opening __metadata__");
  if (st || accept(c, '}'))
    return st;
  do {
    char *key, *value;
    if ((st = parse_string(c, &key)))
      return st;
    if ((st = expect(c, ':', "':' after a key"))) {
      free(key);
      return st;
    }
    skip_ws(c);
    if (c->p < c->end && *c->p != '"') {
      st = seqc_rt_set_error(c->err, SEQC_ERR_FORMAT,
                             "safetensors: __metadata__ value for '%s' must "
                             "be a string (header byte %zu)",
                             key, (size_t)(c->p - c->begin));
      free(key);
      return st;
    }
    if ((st = parse_string(c, &value))) {
      free(key);
      return st;
    }
    if ((st = add_metadata(f, key, value, c->err)))
      return st;
  } while (accept(c, ','));
  return expect(c, '}', "',' or '}' in __metadata__");
}

static seqc_status parse_header(cursor *c, seqc_safetensors *f) {
  int seen_metadata = 0;
  seqc_status st = expect(c, '{', "'{' opening the header");
  if (st)
    return st;
  if (!accept(c, '}')) {
    do {
      char *name;
      if ((st = parse_string(c, &name)))
        return st;
      if ((st = expect(c, ':', "':' after a key"))) {
        free(name);
        return st;
      }
      if (strcmp(name, "__metadata__") == 0) {
        free(name);
        if ((st = parse_metadata(c, f, &seen_metadata)))
          return st;
        continue;
      }
      if (f->count == f->capacity) {
        size_t cap = f->capacity ? 2 * f->capacity : 16;
        entry *grown = realloc(f->entries, cap * sizeof(entry));
        if (!grown) {
          free(name);
          return seqc_rt_set_error(c->err, SEQC_ERR_OUT_OF_MEMORY,
                                   "safetensors: out of memory");
        }
        f->entries = grown;
        f->capacity = cap;
      }
      entry *e = &f->entries[f->count++];
      memset(e, 0, sizeof(*e));
      e->tensor.name = name; // owned by the entry from here on
      if ((st = parse_tensor(c, e)))
        return st;
    } while (accept(c, ','));
    if ((st = expect(c, '}', "',' or '}' after a header entry")))
      return st;
  }
  skip_ws(c); // the format pads the header with spaces
  if (c->p != c->end)
    return syntax_error(c, "end of header after the top-level object");
  return SEQC_OK;
}

//===----------------------------------------------------------------------===//
// Semantic validation
//===----------------------------------------------------------------------===//

static int compare_by_offset(const void *lhs, const void *rhs) {
  const entry *a = lhs, *b = rhs;
  if (a->begin != b->begin)
    return a->begin < b->begin ? -1 : 1;
  if (a->end != b->end)
    return a->end < b->end ? -1 : 1;
  return strcmp(a->tensor.name, b->tensor.name);
}

static int compare_entries_by_name(const void *lhs, const void *rhs) {
  const entry *a = lhs, *b = rhs;
  return strcmp(a->tensor.name, b->tensor.name);
}

static int compare_by_name(const void *lhs, const void *rhs) {
  const entry *a = *(const entry *const *)lhs, *b = *(const entry *const *)rhs;
  return strcmp(a->tensor.name, b->tensor.name);
}

static seqc_status validate(seqc_safetensors *f, const uint8_t *data,
                            uint64_t data_size, seqc_error *err) {
  for (size_t i = 0; i < f->count; ++i) {
    entry *e = &f->entries[i];
    seqc_safetensors_tensor *t = &e->tensor;
    if (e->end < e->begin)
      return seqc_rt_set_error(err, SEQC_ERR_FORMAT,
                               "safetensors: tensor '%s': data_offsets [%llu, "
                               "%llu] end before they begin",
                               t->name, (unsigned long long)e->begin,
                               (unsigned long long)e->end);
    if (e->end > data_size)
      return seqc_rt_set_error(
          err, SEQC_ERR_FORMAT,
          "safetensors: tensor '%s': data_offsets [%llu, %llu] out of bounds "
          "of the %llu-byte data section",
          t->name, (unsigned long long)e->begin, (unsigned long long)e->end,
          (unsigned long long)data_size);
    // numel * elem_size with overflow checks; an overflowing product can
    // never match a span that fits in the file, so report it as a mismatch.
    uint64_t numel = 1;
    int overflow = 0;
    for (int32_t d = 0; d < t->rank; ++d) {
      uint64_t extent = (uint64_t)t->shape[d];
      if (extent != 0 && numel > (uint64_t)INT64_MAX / extent)
        overflow = 1;
      else
        numel *= extent;
    }
    size_t elem = seqc_rt_dtype_size(t->dtype);
    if (!overflow && numel > (uint64_t)INT64_MAX / elem)
      overflow = 1;
    uint64_t span = e->end - e->begin;
    if (overflow || numel * elem != span) {
      char shape[8 * 21 + 3], *p = shape;
      *p++ = '[';
      for (int32_t d = 0; d < t->rank; ++d)
        p += sprintf(p, d ? ",%lld" : "%lld", (long long)t->shape[d]);
      strcpy(p, "]");
      if (overflow)
        return seqc_rt_set_error(err, SEQC_ERR_FORMAT,
                                 "safetensors: tensor '%s': shape %s of %s "
                                 "overflows, but data_offsets span %llu bytes",
                                 t->name, shape, seqc_st_dtype_word(t->dtype),
                                 (unsigned long long)span);
      return seqc_rt_set_error(
          err, SEQC_ERR_FORMAT,
          "safetensors: tensor '%s': shape %s of %s needs %llu bytes, but "
          "data_offsets [%llu, %llu] span %llu bytes",
          t->name, shape, seqc_st_dtype_word(t->dtype),
          (unsigned long long)(numel * elem), (unsigned long long)e->begin,
          (unsigned long long)e->end, (unsigned long long)span);
    }
    t->numel = (int64_t)numel;
    t->nbytes = (size_t)span;
    t->data = data + e->begin;
  }

  if (f->count == 0) // qsort may not be handed a NULL array
    return data_size == 0
               ? SEQC_OK
               : seqc_rt_set_error(
                     err, SEQC_ERR_FORMAT,
                     "safetensors: bytes [0, %llu) of the data section "
                     "belong to no tensor (the header names none)",
                     (unsigned long long)data_size);
  // Duplicates first: two identical entries would otherwise be reported as
  // overlapping, which hides the real mistake.
  qsort(f->entries, f->count, sizeof(entry), compare_entries_by_name);
  for (size_t i = 1; i < f->count; ++i)
    if (strcmp(f->entries[i - 1].tensor.name, f->entries[i].tensor.name) == 0)
      return seqc_rt_set_error(err, SEQC_ERR_FORMAT,
                               "safetensors: duplicate tensor name '%s'",
                               f->entries[i].tensor.name);

  // The tensors must cover the data section exactly, one after another:
  // the format forbids holes ("the byte buffer needs to be entirely
  // indexed", which keeps a file from hiding other content, and the
  // reference reader refuses them), and bytes no tensor names are a
  // mistake in the writer or a truncated header.
  qsort(f->entries, f->count, sizeof(entry), compare_by_offset);
  const entry *prev = NULL; // last non-empty tensor
  for (size_t i = 0; i < f->count; ++i) {
    const entry *e = &f->entries[i];
    if (e->begin == e->end)
      continue;
    if (prev && e->begin < prev->end)
      return seqc_rt_set_error(
          err, SEQC_ERR_FORMAT,
          "safetensors: tensors '%s' [%llu, %llu] and '%s' [%llu, %llu] "
          "overlap",
          prev->tensor.name, (unsigned long long)prev->begin,
          (unsigned long long)prev->end, e->tensor.name,
          (unsigned long long)e->begin, (unsigned long long)e->end);
    uint64_t covered = prev ? prev->end : 0;
    if (e->begin > covered)
      return seqc_rt_set_error(
          err, SEQC_ERR_FORMAT,
          "safetensors: bytes [%llu, %llu) of the data section, before "
          "tensor '%s', belong to no tensor (the format allows no holes)",
          (unsigned long long)covered, (unsigned long long)e->begin,
          e->tensor.name);
    prev = e;
  }
  uint64_t end = prev ? prev->end : 0;
  if (end != data_size)
    return seqc_rt_set_error(
        err, SEQC_ERR_FORMAT,
        "safetensors: bytes [%llu, %llu) at the end of the data section "
        "belong to no tensor (the format allows no holes)",
        (unsigned long long)end, (unsigned long long)data_size);

  // The entries stay in file order; find() searches this name index.
  f->by_name = malloc(f->count * sizeof(*f->by_name));
  if (!f->by_name)
    return seqc_rt_set_error(err, SEQC_ERR_OUT_OF_MEMORY,
                             "safetensors: out of memory");
  for (size_t i = 0; i < f->count; ++i)
    f->by_name[i] = &f->entries[i];
  qsort(f->by_name, f->count, sizeof(*f->by_name), compare_by_name);
  return SEQC_OK;
}

static seqc_status load(seqc_safetensors *f, const char *label,
                        seqc_error *err) {
  if (f->size < 8)
    return seqc_rt_set_error(err, SEQC_ERR_FORMAT,
                             "safetensors: %s is %zu bytes, too short for the "
                             "8-byte header length",
                             label, f->size);
  uint64_t header_len = 0;
  for (int i = 7; i >= 0; --i)
    header_len = (header_len << 8) | f->bytes[i];
  if (header_len > f->size - 8)
    return seqc_rt_set_error(err, SEQC_ERR_FORMAT,
                             "safetensors: %s: header length %llu exceeds the "
                             "%zu bytes that follow it (not a safetensors "
                             "file? one starts with its JSON header's length "
                             "as 8 little-endian bytes)",
                             label, (unsigned long long)header_len,
                             f->size - 8);
  cursor c = {(const char *)f->bytes + 8, (const char *)f->bytes + 8,
              (const char *)f->bytes + 8 + header_len, err};
  seqc_status st = parse_header(&c, f);
  if (st)
    return st;
  return validate(f, f->bytes + 8 + header_len, f->size - 8 - header_len, err);
}

//===----------------------------------------------------------------------===//
// Public API
//===----------------------------------------------------------------------===//

seqc_status seqc_rt_safetensors_open_memory(const void *data, size_t size,
                                            seqc_safetensors **out,
                                            seqc_error *err) {
  if (!out || (!data && size))
    return seqc_rt_set_error(err, SEQC_ERR_INVALID_ARGUMENT,
                             "safetensors: NULL argument");
  *out = NULL;
  seqc_safetensors *f = calloc(1, sizeof(*f));
  if (!f)
    return seqc_rt_set_error(err, SEQC_ERR_OUT_OF_MEMORY,
                             "safetensors: out of memory");
  f->bytes = data;
  f->size = size;
  seqc_status st = load(f, "buffer", err);
  if (st) {
    seqc_rt_safetensors_close(f);
    return st;
  }
  *out = f;
  seqc_rt_clear_error(err);
  return SEQC_OK;
}

seqc_status seqc_rt_safetensors_open(const char *path, seqc_safetensors **out,
                                     seqc_error *err) {
  if (!out || !path)
    return seqc_rt_set_error(err, SEQC_ERR_INVALID_ARGUMENT,
                             "safetensors: NULL argument");
  *out = NULL;
  // O_NONBLOCK: opening a FIFO nobody writes to would block for ever; it
  // returns at once and fails the regular-file check below (reads of a
  // regular file ignore the flag, and the file is mapped, not read).
  int fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK);
  if (fd < 0)
    return seqc_rt_set_error(err, SEQC_ERR_IO,
                             "safetensors: cannot open %s: %s", path,
                             strerror(errno));
  struct stat info;
  if (fstat(fd, &info) != 0) {
    int saved = errno;
    close(fd);
    return seqc_rt_set_error(err, SEQC_ERR_IO,
                             "safetensors: cannot stat %s: %s", path,
                             strerror(saved));
  }
  if (!S_ISREG(info.st_mode)) {
    // (errno is stale here: fstat succeeded.)
    close(fd);
    return seqc_rt_set_error(
        err, SEQC_ERR_IO, "safetensors: %s is not a regular file (a %s)", path,
        S_ISDIR(info.st_mode)    ? "directory"
        : S_ISCHR(info.st_mode)  ? "character device"
        : S_ISBLK(info.st_mode)  ? "block device"
        : S_ISFIFO(info.st_mode) ? "FIFO"
        : S_ISSOCK(info.st_mode) ? "socket"
                                 : "special file");
  }
  seqc_safetensors *f = calloc(1, sizeof(*f));
  if (!f) {
    close(fd);
    return seqc_rt_set_error(err, SEQC_ERR_OUT_OF_MEMORY,
                             "safetensors: out of memory");
  }
  f->size = (size_t)info.st_size;
  if (f->size >= 8) { // mmap of 0 bytes fails; short files are reported below
    void *map = mmap(NULL, f->size, PROT_READ, MAP_PRIVATE, fd, 0);
    if (map == MAP_FAILED) {
      int saved = errno;
      close(fd);
      free(f);
      return seqc_rt_set_error(err, SEQC_ERR_IO,
                               "safetensors: cannot map %s: %s", path,
                               strerror(saved));
    }
    f->mapping = map;
    f->bytes = map;
  }
  close(fd); // the mapping keeps the file alive
  seqc_status st = load(f, path, err);
  if (st) {
    seqc_rt_safetensors_close(f);
    return st;
  }
  *out = f;
  seqc_rt_clear_error(err);
  return SEQC_OK;
}

void seqc_rt_safetensors_close(seqc_safetensors *f) {
  if (!f)
    return;
  for (size_t i = 0; i < f->count; ++i)
    free((char *)f->entries[i].tensor.name);
  for (size_t i = 0; i < f->meta_count; ++i) {
    free(f->meta_keys[i]);
    free(f->meta_values[i]);
  }
  free(f->meta_keys);
  free(f->meta_values);
  free(f->entries);
  free(f->by_name);
  if (f->mapping)
    munmap(f->mapping, f->size);
  free(f);
}

size_t seqc_rt_safetensors_count(const seqc_safetensors *f) {
  return f ? f->count : 0;
}

const seqc_safetensors_tensor *seqc_rt_safetensors_at(const seqc_safetensors *f,
                                                      size_t index) {
  return f && index < f->count ? &f->entries[index].tensor : NULL;
}

const seqc_safetensors_tensor *
seqc_rt_safetensors_find(const seqc_safetensors *f, const char *name) {
  if (!f || !name)
    return NULL;
  size_t lo = 0, hi = f->count;
  while (lo < hi) {
    size_t mid = lo + (hi - lo) / 2;
    int cmp = strcmp(name, f->by_name[mid]->tensor.name);
    if (cmp == 0)
      return &f->by_name[mid]->tensor;
    if (cmp < 0)
      hi = mid;
    else
      lo = mid + 1;
  }
  return NULL;
}

size_t seqc_rt_safetensors_metadata_count(const seqc_safetensors *f) {
  return f ? f->meta_count : 0;
}

const char *seqc_rt_safetensors_metadata_get(const seqc_safetensors *f,
                                             const char *key) {
  if (!f || !key)
    return NULL;
  for (size_t i = 0; i < f->meta_count; ++i)
    if (strcmp(f->meta_keys[i], key) == 0)
      return f->meta_values[i];
  return NULL;
}

seqc_status seqc_rt_safetensors_read_f32(const seqc_safetensors_tensor *t,
                                         float *dst, size_t count,
                                         seqc_error *err) {
  if (!t || (!dst && count))
    return seqc_rt_set_error(err, SEQC_ERR_INVALID_ARGUMENT,
                             "safetensors: NULL argument");
  if ((uint64_t)count != (uint64_t)t->numel)
    return seqc_rt_set_error(err, SEQC_ERR_SHAPE,
                             "safetensors: tensor '%s' has %lld elements, "
                             "destination holds %zu",
                             t->name, (long long)t->numel, count);
  seqc_rt_clear_error(err);
  // Data may sit at any byte offset, so every element goes through memcpy.
  const unsigned char *src = t->data;
  switch (t->dtype) {
  case SEQC_DTYPE_F32:
    if (count)
      memcpy(dst, src, count * sizeof(float));
    return SEQC_OK;
  case SEQC_DTYPE_F16:
  case SEQC_DTYPE_BF16:
    for (size_t i = 0; i < count; ++i) {
      uint16_t bits;
      memcpy(&bits, src + 2 * i, 2);
      dst[i] = t->dtype == SEQC_DTYPE_F16 ? seqc_rt_f16_to_f32(bits)
                                          : seqc_rt_bf16_to_f32(bits);
    }
    return SEQC_OK;
  case SEQC_DTYPE_F64:
    for (size_t i = 0; i < count; ++i) {
      double v;
      memcpy(&v, src + 8 * i, 8);
      dst[i] = (float)v;
    }
    return SEQC_OK;
  default:
    return seqc_rt_set_error(err, SEQC_ERR_DTYPE,
                             "safetensors: tensor '%s' is %s; only f32, f16, "
                             "bf16 and f64 convert to f32",
                             t->name, seqc_rt_dtype_name(t->dtype));
  }
}
