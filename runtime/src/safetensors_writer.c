//===- safetensors_writer.c - Write dense tensors as safetensors ----------===//
//
// Used by tests and tools (e.g. to save converted weights). Output follows
// what the Hugging Face writer produces: compact JSON, header padded with
// spaces to a multiple of 8 bytes, tensors back to back.
//
//===----------------------------------------------------------------------===//

#include "safetensors_internal.h"
#include "seqc/safetensors.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct text {
  char *data;
  size_t len, cap;
  int oom;
} text;

static void append(text *t, const char *s, size_t n) {
  if (t->oom)
    return;
  if (t->len + n + 1 > t->cap) {
    size_t cap = t->cap ? t->cap : 256;
    while (cap < t->len + n + 1)
      cap *= 2;
    char *grown = realloc(t->data, cap);
    if (!grown) {
      t->oom = 1;
      return;
    }
    t->data = grown;
    t->cap = cap;
  }
  memcpy(t->data + t->len, s, n);
  t->len += n;
  t->data[t->len] = '\0';
}

static void append_str(text *t, const char *s) { append(t, s, strlen(s)); }

static void append_u64(text *t, unsigned long long v) {
  char buf[24];
  append(t, buf, (size_t)snprintf(buf, sizeof(buf), "%llu", v));
}

static void append_json_string(text *t, const char *s) {
  append(t, "\"", 1);
  for (; *s; ++s) {
    unsigned char ch = (unsigned char)*s;
    if (ch == '"' || ch == '\\') {
      char esc[2] = {'\\', (char)ch};
      append(t, esc, 2);
    } else if (ch < 0x20) {
      char esc[8];
      append(t, esc, (size_t)snprintf(esc, sizeof(esc), "\\u%04x", ch));
    } else {
      append(t, (const char *)&ch, 1);
    }
  }
  append(t, "\"", 1);
}


static seqc_status check_inputs(size_t n, const char *const *names,
                                const seqc_tensor *tensors, seqc_error *err) {
  for (size_t i = 0; i < n; ++i) {
    if (!names[i] || !names[i][0])
      return seqc_rt_set_error(err, SEQC_ERR_INVALID_ARGUMENT,
                               "safetensors: tensor #%zu has an empty name", i);
    if (!seqc_st_utf8_valid(names[i], strlen(names[i])))
      return seqc_rt_set_error(err, SEQC_ERR_INVALID_ARGUMENT,
                               "safetensors: tensor #%zu's name is not UTF-8 "
                               "text (a safetensors header is UTF-8 JSON)",
                               i);
    if (strcmp(names[i], "__metadata__") == 0)
      return seqc_rt_set_error(err, SEQC_ERR_INVALID_ARGUMENT,
                               "safetensors: '__metadata__' is reserved");
    for (size_t j = 0; j < i; ++j)
      if (strcmp(names[i], names[j]) == 0)
        return seqc_rt_set_error(err, SEQC_ERR_INVALID_ARGUMENT,
                                 "safetensors: duplicate tensor name '%s'",
                                 names[i]);
    const seqc_tensor *t = &tensors[i];
    if (!seqc_st_dtype_word(t->dtype))
      return seqc_rt_set_error(err, SEQC_ERR_DTYPE,
                               "safetensors: tensor '%s' has unknown dtype %d",
                               names[i], (int)t->dtype);
    int64_t numel = seqc_rt_tensor_numel(t);
    if (numel < 0)
      return seqc_rt_set_error(err, SEQC_ERR_SHAPE,
                               "safetensors: tensor '%s' has a bad rank or "
                               "shape",
                               names[i]);
    if (!seqc_rt_tensor_is_contiguous(t))
      return seqc_rt_set_error(err, SEQC_ERR_UNSUPPORTED,
                               "safetensors: tensor '%s' is not dense "
                               "row-major",
                               names[i]);
    if (numel > 0 && !t->data)
      return seqc_rt_set_error(err, SEQC_ERR_INVALID_ARGUMENT,
                               "safetensors: tensor '%s' has NULL data",
                               names[i]);
  }
  return SEQC_OK;
}

seqc_status seqc_rt_safetensors_write(const char *path, size_t n,
                                      const char *const *names,
                                      const seqc_tensor *tensors,
                                      seqc_error *err) {
  if (!path || (n && (!names || !tensors)))
    return seqc_rt_set_error(err, SEQC_ERR_INVALID_ARGUMENT,
                             "safetensors: NULL argument");
  seqc_status st = check_inputs(n, names, tensors, err);
  if (st)
    return st;

  text header = {0};
  append(&header, "{", 1);
  unsigned long long offset = 0;
  for (size_t i = 0; i < n; ++i) {
    const seqc_tensor *t = &tensors[i];
    unsigned long long nbytes = (unsigned long long)seqc_rt_tensor_numel(t) *
                                seqc_rt_dtype_size(t->dtype);
    if (i)
      append(&header, ",", 1);
    append_json_string(&header, names[i]);
    append_str(&header, ":{\"dtype\":\"");
    append_str(&header, seqc_st_dtype_word(t->dtype));
    append_str(&header, "\",\"shape\":[");
    for (int64_t d = 0; d < t->rank; ++d) {
      if (d)
        append(&header, ",", 1);
      append_u64(&header, (unsigned long long)t->shape[d]);
    }
    append_str(&header, "],\"data_offsets\":[");
    append_u64(&header, offset);
    append(&header, ",", 1);
    offset += nbytes;
    append_u64(&header, offset);
    append_str(&header, "]}");
  }
  append(&header, "}", 1);
  while (header.len % 8 != 0) // keeps the data section 8-byte aligned
    append(&header, " ", 1);
  if (header.oom) {
    free(header.data);
    return seqc_rt_set_error(err, SEQC_ERR_OUT_OF_MEMORY,
                             "safetensors: out of memory");
  }

  FILE *out = fopen(path, "wb");
  if (!out) {
    free(header.data);
    return seqc_rt_set_error(err, SEQC_ERR_IO,
                             "safetensors: cannot create %s: %s", path,
                             strerror(errno));
  }
  unsigned char len_bytes[8];
  for (int b = 0; b < 8; ++b)
    len_bytes[b] = (unsigned char)((unsigned long long)header.len >> (8 * b));
  int ok = fwrite(len_bytes, 1, 8, out) == 8 &&
           fwrite(header.data, 1, header.len, out) == header.len;
  free(header.data);
  for (size_t i = 0; ok && i < n; ++i) {
    size_t nbytes = (size_t)seqc_rt_tensor_numel(&tensors[i]) *
                    seqc_rt_dtype_size(tensors[i].dtype);
    if (nbytes)
      ok = fwrite(tensors[i].data, 1, nbytes, out) == nbytes;
  }
  int saved = errno;
  if (fclose(out) != 0 && ok) {
    ok = 0;
    saved = errno;
  }
  if (!ok)
    return seqc_rt_set_error(err, SEQC_ERR_IO,
                             "safetensors: writing %s failed: %s", path,
                             strerror(saved));
  seqc_rt_clear_error(err);
  return SEQC_OK;
}
