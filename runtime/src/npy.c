//===- npy.c - NumPy .npy reader and writer -------------------------------===//
//
// Format: "\x93NUMPY", major, minor, header length (u16 for v1, u32 for v2/3),
// a Python dict literal {'descr': ..., 'fortran_order': ..., 'shape': (...)}
// padded with spaces and a newline, then the raw array. The dict is parsed
// strictly (each key once, nothing else) because a misread shape silently
// feeds a model garbage.
//
//===----------------------------------------------------------------------===//

#include "seqc/npy.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const struct {
  const char *descr;
  const char *alt; // single-byte types may use either byte-order mark
  int32_t dtype;
} kDescrs[] = {
    {"<f4", NULL, SEQC_DTYPE_F32}, {"<f8", NULL, SEQC_DTYPE_F64},
    {"<f2", NULL, SEQC_DTYPE_F16}, {"<i4", NULL, SEQC_DTYPE_I32},
    {"<i8", NULL, SEQC_DTYPE_I64}, {"|i1", "<i1", SEQC_DTYPE_I8},
    {"|u1", "<u1", SEQC_DTYPE_U8}, {"|b1", "<b1", SEQC_DTYPE_BOOL},
};

static const char *descr_for(int32_t dtype) {
  for (size_t i = 0; i < sizeof(kDescrs) / sizeof(kDescrs[0]); ++i)
    if (kDescrs[i].dtype == dtype)
      return kDescrs[i].descr;
  return NULL;
}

//===----------------------------------------------------------------------===//
// Header dict parser
//===----------------------------------------------------------------------===//

typedef struct cursor {
  const char *begin, *p, *end;
  const char *path;
  seqc_error *err;
} cursor;

static seqc_status bad_header(cursor *c, const char *expected) {
  size_t at = (size_t)(c->p - c->begin);
  if (c->p >= c->end)
    return seqc_rt_set_error(c->err, SEQC_ERR_FORMAT,
                             "npy: %s: bad header: expected %s at header "
                             "byte %zu, found end of header",
                             c->path, expected, at);
  return seqc_rt_set_error(c->err, SEQC_ERR_FORMAT,
                           "npy: %s: bad header: expected %s at header byte "
                           "%zu, found '%c'",
                           c->path, expected, at,
                           (*c->p >= 0x20 && *c->p < 0x7f) ? *c->p : '?');
}

static void skip_ws(cursor *c) {
  while (c->p < c->end && (*c->p == ' ' || *c->p == '\t' || *c->p == '\n'))
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

// A quoted Python string without escapes (none appear in valid headers),
// copied into buf.
static seqc_status parse_quoted(cursor *c, char *buf, size_t cap) {
  skip_ws(c);
  if (c->p >= c->end || (*c->p != '\'' && *c->p != '"'))
    return bad_header(c, "a quoted string");
  char quote = *c->p++;
  size_t n = 0;
  while (c->p < c->end && *c->p != quote) {
    // A NUL would cut the string short ('<f4\0x' read as '<f4').
    if (*c->p == '\\' || (unsigned char)*c->p < 0x20 ||
        (unsigned char)*c->p >= 0x7f || n + 1 >= cap)
      return bad_header(c, "a short string of printable characters");
    buf[n++] = *c->p++;
  }
  if (c->p >= c->end)
    return bad_header(c, "a closing quote");
  ++c->p;
  buf[n] = '\0';
  return SEQC_OK;
}

static int accept_word(cursor *c, const char *word) {
  skip_ws(c);
  size_t n = strlen(word);
  if ((size_t)(c->end - c->p) >= n && memcmp(c->p, word, n) == 0) {
    c->p += n;
    return 1;
  }
  return 0;
}

static seqc_status parse_shape(cursor *c, seqc_npy_array *out) {
  if (!accept(c, '('))
    return bad_header(c, "'(' opening shape");
  int trailing_comma = 0;
  while (!accept(c, ')')) {
    skip_ws(c);
    if (out->rank > 0 && !trailing_comma)
      return bad_header(c, "',' or ')' in shape");
    if (c->p < c->end && *c->p == '-')
      return seqc_rt_set_error(c->err, SEQC_ERR_FORMAT,
                               "npy: %s: negative extent in shape", c->path);
    if (c->p >= c->end || *c->p < '0' || *c->p > '9')
      return bad_header(c, "a non-negative integer in shape");
    if (out->rank == SEQC_MAX_RANK)
      return seqc_rt_set_error(c->err, SEQC_ERR_UNSUPPORTED,
                               "npy: %s: rank exceeds the maximum of %d",
                               c->path, SEQC_MAX_RANK);
    int64_t v = 0;
    while (c->p < c->end && *c->p >= '0' && *c->p <= '9') {
      int digit = *c->p++ - '0';
      if (v > (INT64_MAX - digit) / 10)
        return seqc_rt_set_error(c->err, SEQC_ERR_FORMAT,
                                 "npy: %s: extent in shape overflows", c->path);
      v = v * 10 + digit;
    }
    out->shape[out->rank++] = v;
    trailing_comma = accept(c, ',');
  }
  // Python spells a 1-tuple "(n,)"; "(n)" is an int, not a shape.
  if (out->rank == 1 && !trailing_comma)
    return seqc_rt_set_error(c->err, SEQC_ERR_FORMAT,
                             "npy: %s: bad header: 1-element shape must be "
                             "written '(%lld,)'",
                             c->path, (long long)out->shape[0]);
  return SEQC_OK;
}

static seqc_status parse_dict(cursor *c, seqc_npy_array *out) {
  int have_descr = 0, have_order = 0, have_shape = 0, fortran = 0;
  char descr[16] = {0};
  seqc_status st;
  if (!accept(c, '{'))
    return bad_header(c, "'{' opening the header dict");
  int need_comma = 0;
  while (!accept(c, '}')) {
    if (need_comma)
      return bad_header(c, "',' or '}' in the header dict");
    char key[32];
    if ((st = parse_quoted(c, key, sizeof(key))))
      return st;
    if (!accept(c, ':'))
      return bad_header(c, "':' after a key");
    if (strcmp(key, "descr") == 0 && !have_descr) {
      have_descr = 1;
      skip_ws(c);
      if (c->p < c->end && *c->p == '[')
        return seqc_rt_set_error(c->err, SEQC_ERR_UNSUPPORTED,
                                 "npy: %s: a structured dtype (a list descr) "
                                 "is not supported",
                                 c->path);
      if ((st = parse_quoted(c, descr, sizeof(descr))))
        return st;
    } else if (strcmp(key, "fortran_order") == 0 && !have_order) {
      have_order = 1;
      if (accept_word(c, "True"))
        fortran = 1;
      else if (!accept_word(c, "False"))
        return bad_header(c, "True or False for fortran_order");
    } else if (strcmp(key, "shape") == 0 && !have_shape) {
      have_shape = 1;
      if ((st = parse_shape(c, out)))
        return st;
    } else {
      return seqc_rt_set_error(c->err, SEQC_ERR_FORMAT,
                               "npy: %s: bad header: unexpected or repeated "
                               "key '%s'",
                               c->path, key);
    }
    need_comma = !accept(c, ',');
  }
  skip_ws(c);
  if (c->p != c->end)
    return bad_header(c, "only padding after the header dict");
  if (!have_descr || !have_order || !have_shape)
    return seqc_rt_set_error(c->err, SEQC_ERR_FORMAT,
                             "npy: %s: header is missing '%s'", c->path,
                             !have_descr   ? "descr"
                             : !have_order ? "fortran_order"
                                           : "shape");
  for (size_t i = 0; i < sizeof(kDescrs) / sizeof(kDescrs[0]); ++i)
    if (strcmp(descr, kDescrs[i].descr) == 0 ||
        (kDescrs[i].alt && strcmp(descr, kDescrs[i].alt) == 0))
      out->dtype = kDescrs[i].dtype;
  // A dtype numpy writes ('>f4', '<u2', '|V8', '<M8[ns]') is a valid file
  // seqc does not read; anything else is a malformed header.
  int numpy_dtype = descr[0] && strchr("<>|=", descr[0]) &&
                    ((descr[1] >= 'a' && descr[1] <= 'z') ||
                     (descr[1] >= 'A' && descr[1] <= 'Z'));
  if (!out->dtype)
    return seqc_rt_set_error(
        c->err, numpy_dtype ? SEQC_ERR_UNSUPPORTED : SEQC_ERR_FORMAT,
        "npy: %s: unsupported descr '%s' (expected one of <f4 <f8 <f2 <i4 "
        "<i8 |i1 |u1 |b1, little-endian)",
        c->path, descr);
  if (fortran)
    return seqc_rt_set_error(c->err, SEQC_ERR_UNSUPPORTED,
                             "npy: %s: fortran_order True is not supported; "
                             "save a C-ordered array (np.ascontiguousarray)",
                             c->path);
  return SEQC_OK;
}

//===----------------------------------------------------------------------===//
// Reader
//===----------------------------------------------------------------------===//

static const unsigned char kMagic[6] = {0x93, 'N', 'U', 'M', 'P', 'Y'};

/* The bytes a .npy file whose first `len` bytes are `buf` has in all
 * (magic, header and the data its header describes); 0 while the header is
 * incomplete or malformed (parse_file then says why). */
static size_t file_size_from_header(const unsigned char *buf, size_t len) {
  if (len < 12 || memcmp(buf, kMagic, sizeof(kMagic)) != 0)
    return 0;
  size_t prefix = buf[6] == 1 ? 10 : 12;
  size_t header_len = buf[6] == 1
                          ? ((size_t)buf[8] | (size_t)buf[9] << 8)
                          : ((size_t)buf[8] | (size_t)buf[9] << 8 |
                             (size_t)buf[10] << 16 | (size_t)buf[11] << 24);
  if (header_len > len - prefix)
    return 0;
  seqc_npy_array array;
  memset(&array, 0, sizeof(array));
  seqc_error ignored;
  const char *header = (const char *)buf + prefix;
  cursor c = {header, header, header + header_len, "", &ignored};
  if (parse_dict(&c, &array) != SEQC_OK)
    return 0;
  uint64_t bytes = seqc_rt_dtype_size(array.dtype);
  for (int32_t d = 0; d < array.rank; ++d) {
    uint64_t extent = (uint64_t)array.shape[d];
    if (extent && bytes > (uint64_t)INT64_MAX / extent)
      return 0;
    bytes *= extent;
  }
  return prefix + header_len + (size_t)bytes;
}

/* Reads the whole file, or stops after its first block when that does not
 * start like a .npy file, or once past the size its header gives (parse_file
 * then says why): a device or pipe that never ends (--input x=/dev/zero)
 * must not be read into memory. */
static seqc_status read_all(const char *path, unsigned char **bytes,
                            size_t *size, seqc_error *err) {
  *bytes = NULL;
  *size = 0;
  FILE *in = fopen(path, "rb");
  if (!in)
    return seqc_rt_set_error(err, SEQC_ERR_IO, "npy: cannot open %s: %s", path,
                             strerror(errno));
  size_t cap = 4096, len = 0, whole = 0;
  unsigned char *buf = malloc(cap);
  while (buf) {
    len += fread(buf + len, 1, cap - len, in);
    if (len < cap || memcmp(buf, kMagic, sizeof(kMagic)) != 0)
      break;
    if (!whole)
      whole = file_size_from_header(buf, len);
    if (whole && len > whole)
      break; // trailing data: enough read to say so
    unsigned char *grown = realloc(buf, cap * 2);
    if (!grown) {
      free(buf);
      buf = NULL;
      break;
    }
    buf = grown;
    cap *= 2;
  }
  int failed = ferror(in), why = errno;
  fclose(in);
  if (!buf)
    return seqc_rt_set_error(err, SEQC_ERR_OUT_OF_MEMORY,
                             "npy: out of memory reading %s", path);
  if (failed) {
    free(buf);
    return seqc_rt_set_error(err, SEQC_ERR_IO, "npy: error reading %s: %s",
                             path, strerror(why));
  }
  *bytes = buf;
  *size = len;
  return SEQC_OK;
}

static seqc_status parse_file(const char *path, const unsigned char *bytes,
                              size_t size, seqc_npy_array *out,
                              seqc_error *err) {
  if (size < 10 || memcmp(bytes, kMagic, 6) != 0)
    return seqc_rt_set_error(err, SEQC_ERR_FORMAT,
                             "npy: %s: not a .npy file (bad magic)", path);
  unsigned major = bytes[6], minor = bytes[7];
  size_t prefix, header_len;
  if (major == 1 && minor == 0) {
    prefix = 10;
    header_len = (size_t)bytes[8] | (size_t)bytes[9] << 8;
  } else if ((major == 2 || major == 3) && minor == 0) {
    prefix = 12;
    if (size < prefix)
      return seqc_rt_set_error(err, SEQC_ERR_FORMAT,
                               "npy: %s: truncated header length", path);
    header_len = (size_t)bytes[8] | (size_t)bytes[9] << 8 |
                 (size_t)bytes[10] << 16 | (size_t)bytes[11] << 24;
  } else {
    return seqc_rt_set_error(err, SEQC_ERR_UNSUPPORTED,
                             "npy: %s: format version %u.%u is not supported "
                             "(expected 1.0, 2.0 or 3.0)",
                             path, major, minor);
  }
  if (header_len > size - prefix)
    return seqc_rt_set_error(err, SEQC_ERR_FORMAT,
                             "npy: %s: header length %zu exceeds the %zu "
                             "bytes that follow it",
                             path, header_len, size - prefix);
  const char *header = (const char *)bytes + prefix;
  if (header_len == 0 || header[header_len - 1] != '\n')
    return seqc_rt_set_error(err, SEQC_ERR_FORMAT,
                             "npy: %s: bad header: must end with a newline",
                             path);
  cursor c = {header, header, header + header_len, path, err};
  seqc_status st = parse_dict(&c, out);
  if (st)
    return st;

  size_t elem = seqc_rt_dtype_size(out->dtype);
  uint64_t numel = 1;
  for (int32_t d = 0; d < out->rank; ++d) {
    uint64_t extent = (uint64_t)out->shape[d];
    if (extent && numel > (uint64_t)INT64_MAX / elem / extent)
      return seqc_rt_set_error(err, SEQC_ERR_FORMAT, "npy: %s: shape overflows",
                               path);
    numel *= extent;
  }
  size_t expected = (size_t)(numel * elem);
  size_t actual = size - prefix - header_len;
  if (actual != expected)
    return seqc_rt_set_error(err, SEQC_ERR_FORMAT,
                             "npy: %s: %s data: expected %zu bytes for the "
                             "shape, found %zu",
                             path, actual < expected ? "truncated" : "trailing",
                             expected, actual);
  // 64-byte alignment lets kernels use aligned loads on the inputs.
  size_t alloc = (expected + 63) / 64 * 64;
  out->data = aligned_alloc(64, alloc ? alloc : 64);
  if (!out->data)
    return seqc_rt_set_error(err, SEQC_ERR_OUT_OF_MEMORY,
                             "npy: out of memory for %zu bytes of %s", expected,
                             path);
  if (expected)
    memcpy(out->data, header + header_len, expected);
  // numpy reads any nonzero bool byte as true; compiled models read one
  // byte of 0 or 1 (abi.h), so a stray 2 becomes 1 here.
  if (out->dtype == SEQC_DTYPE_BOOL)
    for (size_t i = 0; i < expected; ++i)
      ((unsigned char *)out->data)[i] = ((unsigned char *)out->data)[i] != 0;
  out->numel = (int64_t)numel;
  out->nbytes = expected;
  return SEQC_OK;
}

seqc_status seqc_rt_npy_read(const char *path, seqc_npy_array *out,
                             seqc_error *err) {
  if (!path || !out)
    return seqc_rt_set_error(err, SEQC_ERR_INVALID_ARGUMENT,
                             "npy: NULL argument");
  memset(out, 0, sizeof(*out));
  unsigned char *bytes;
  size_t size;
  seqc_status st = read_all(path, &bytes, &size, err);
  if (st)
    return st;
  st = parse_file(path, bytes, size, out, err);
  free(bytes);
  if (st)
    seqc_rt_npy_free(out);
  else
    seqc_rt_clear_error(err);
  return st;
}

seqc_status seqc_rt_npy_read_memory(const void *data, size_t size,
                                    const char *name, seqc_npy_array *out,
                                    seqc_error *err) {
  if ((!data && size) || !name || !out)
    return seqc_rt_set_error(err, SEQC_ERR_INVALID_ARGUMENT,
                             "npy: NULL argument");
  memset(out, 0, sizeof(*out));
  seqc_status st = parse_file(name, (const unsigned char *)data, size, out, err);
  if (st)
    seqc_rt_npy_free(out);
  else
    seqc_rt_clear_error(err);
  return st;
}

void seqc_rt_npy_free(seqc_npy_array *array) {
  if (!array)
    return;
  free(array->data);
  memset(array, 0, sizeof(*array));
}

//===----------------------------------------------------------------------===//
// Writer
//===----------------------------------------------------------------------===//

seqc_status seqc_rt_npy_write(const char *path, int32_t dtype, int32_t rank,
                              const int64_t *shape, const void *data,
                              seqc_error *err) {
  const char *descr = descr_for(dtype);
  if (!path || rank < 0 || rank > SEQC_MAX_RANK || (rank && !shape))
    return seqc_rt_set_error(err, SEQC_ERR_INVALID_ARGUMENT,
                             "npy: bad arguments writing %s",
                             path ? path : "(null)");
  if (!descr)
    return seqc_rt_set_error(err, SEQC_ERR_UNSUPPORTED,
                             "npy: %s: dtype %s has no .npy equivalent", path,
                             seqc_rt_dtype_name(dtype));
  char dict[512];
  int len =
      snprintf(dict, sizeof(dict),
               "{'descr': '%s', 'fortran_order': False, 'shape': (", descr);
  uint64_t numel = 1;
  for (int32_t d = 0; d < rank; ++d) {
    if (shape[d] < 0)
      return seqc_rt_set_error(err, SEQC_ERR_INVALID_ARGUMENT,
                               "npy: %s: negative extent", path);
    if (shape[d] && numel > (uint64_t)INT64_MAX / 8 / (uint64_t)shape[d])
      return seqc_rt_set_error(err, SEQC_ERR_INVALID_ARGUMENT,
                               "npy: %s: shape overflows", path);
    numel *= (uint64_t)shape[d];
    len += snprintf(dict + len, sizeof(dict) - (size_t)len,
                    d ? ", %lld" : "%lld", (long long)shape[d]);
  }
  len += snprintf(dict + len, sizeof(dict) - (size_t)len, "%s), }",
                  rank == 1 ? "," : "");
  size_t nbytes = (size_t)numel * seqc_rt_dtype_size(dtype);
  if (nbytes && !data)
    return seqc_rt_set_error(err, SEQC_ERR_INVALID_ARGUMENT,
                             "npy: %s: NULL data", path);
  // Pad so the data starts on a 64-byte boundary, as NumPy does; the
  // header always fits v1.0 since rank <= 8.
  size_t total = 10 + (size_t)len + 1;
  size_t padded = (total + 63) / 64 * 64;
  size_t header_len = padded - 10;
  unsigned char prefix[10] = {0x93,
                              'N',
                              'U',
                              'M',
                              'P',
                              'Y',
                              1,
                              0,
                              (unsigned char)(header_len & 0xFF),
                              (unsigned char)(header_len >> 8)};
  char header[640];
  memcpy(header, dict, (size_t)len);
  memset(header + len, ' ', header_len - (size_t)len - 1);
  header[header_len - 1] = '\n';

  FILE *out = fopen(path, "wb");
  if (!out)
    return seqc_rt_set_error(err, SEQC_ERR_IO, "npy: cannot create %s: %s",
                             path, strerror(errno));
  int ok = fwrite(prefix, 1, 10, out) == 10 &&
           fwrite(header, 1, header_len, out) == header_len &&
           (nbytes == 0 || fwrite(data, 1, nbytes, out) == nbytes);
  int saved = errno;
  if (fclose(out) != 0 && ok) {
    ok = 0;
    saved = errno;
  }
  if (!ok)
    return seqc_rt_set_error(err, SEQC_ERR_IO, "npy: writing %s failed: %s",
                             path, strerror(saved));
  seqc_rt_clear_error(err);
  return SEQC_OK;
}
