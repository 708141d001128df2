/* char-gpt: generates text token by token with a 2-layer GPT-style
 * character model compiled by seqc, through the key/value-cache step API.
 *
 *   char-gpt [DATA_DIR]      (default: the example's data/ folder)
 *
 * 1. Runs the prompt through the whole-sequence API (char_gpt_run) and
 *    checks the logits against PyTorch's (data/logits.npy).
 * 2. Opens a stream with a cache of CAPACITY steps (char_gpt_state_create),
 *    prefills the prompt in one chunk, then decodes greedily one token per
 *    step; the text must equal PyTorch's greedy continuation
 *    (data/expected.txt), which PyTorch computed by re-running the whole
 *    sequence for every token.
 * 3. Shows that a step past the cache's capacity is an error that leaves
 *    the stream usable.
 * 4. Times one decode step at positions 64, 512 and 2048 (a stream of
 *    capacity 2048): attention reads every cached step, so a token costs
 *    O(position), not O(position^2).
 *
 * Exits non-zero if seqc disagrees with PyTorch or on a runtime error. */
#include "char_gpt.h"

#include <seqc/npy.h>

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#ifndef CHAR_GPT_DATA_DIR
#define CHAR_GPT_DATA_DIR "data"
#endif

#define CAPACITY 256
#define MAX_TEXT 1024
#define TOLERANCE 1e-4

static const char *data_dir = CHAR_GPT_DATA_DIR;
static char vocab[256];
static int vocab_size;

static void check(seqc_status status, const seqc_error *err, const char *what) {
  if (status == SEQC_OK)
    return;
  fprintf(stderr, "char-gpt: %s: %s\n", what,
          err->message[0] ? err->message : seqc_rt_status_string(status));
  exit(2);
}

/* The contents of DATA_DIR/file, without a trailing newline. */
static void read_text(const char *file, char *out, size_t size) {
  char path[4096];
  snprintf(path, sizeof path, "%s/%s", data_dir, file);
  FILE *f = fopen(path, "rb");
  if (!f) {
    fprintf(stderr, "char-gpt: cannot open %s\n", path);
    exit(2);
  }
  size_t n = fread(out, 1, size - 1, f);
  fclose(f);
  while (n > 0 && out[n - 1] == '\n')
    --n;
  out[n] = '\0';
}

static int64_t token_of(char c) {
  const char *p = memchr(vocab, c, (size_t)vocab_size);
  if (!p) {
    fprintf(stderr, "char-gpt: '%c' is not in the vocabulary\n", c);
    exit(2);
  }
  return p - vocab;
}

static int64_t argmax(const float *logits) {
  int64_t best = 0;
  for (int64_t i = 1; i < vocab_size; ++i)
    if (logits[i] > logits[best])
      best = i;
  return best;
}

static double now_us(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return ts.tv_sec * 1e6 + ts.tv_nsec * 1e-3;
}

/* One chunk of `n` tokens through the stream; logits [n, 1, V] into `out`,
 * a caller buffer, so a step allocates nothing. */
static seqc_status feed(seqc_stream *state, const int64_t *tokens, int64_t n,
                        float *out, seqc_error *err) {
  const int64_t ids_shape[2] = {n, 1};
  const int64_t logits_shape[3] = {n, 1, vocab_size};
  seqc_tensor ids, logits;
  seqc_rt_tensor_init(&ids, (void *)tokens, SEQC_DTYPE_I64, 2, ids_shape);
  seqc_rt_tensor_init(&logits, out, SEQC_DTYPE_F32, 3, logits_shape);
  return char_gpt_step(state, &ids, &logits, err);
}

/* Greedy continuation of `prompt` (n tokens) by `count` tokens into text. */
static void generate(seqc_stream *state, const int64_t *prompt, int64_t n,
                     int count, char *text, float *logits) {
  seqc_error err;
  check(feed(state, prompt, n, logits, &err), &err, "prefill");
  int64_t next = argmax(logits + (n - 1) * vocab_size);
  for (int k = 0; k < count; ++k) {
    text[k] = vocab[next];
    if (k + 1 < count) {
      check(feed(state, &next, 1, logits, &err), &err, "decode");
      next = argmax(logits);
    }
  }
  text[count] = '\0';
}

int main(int argc, char **argv) {
  if (argc > 1)
    data_dir = argv[1];
  seqc_error err;
  memset(&err, 0, sizeof err);
  int ok = 1;

  char prompt[MAX_TEXT], expected[MAX_TEXT], text[MAX_TEXT];
  read_text("vocab.txt", vocab, sizeof vocab);
  vocab_size = (int)strlen(vocab);
  read_text("prompt.txt", prompt, sizeof prompt);
  read_text("expected.txt", expected, sizeof expected);
  const int64_t n = (int64_t)strlen(prompt);
  const int count = (int)strlen(expected);
  int64_t tokens[MAX_TEXT];
  for (int64_t i = 0; i < n; ++i)
    tokens[i] = token_of(prompt[i]);
  float *logits = malloc(sizeof(float) * MAX_TEXT * (size_t)vocab_size);

  /* 1. The prompt through the whole-sequence API. */
  printf("char-gpt: 2-layer GPT (d_model 48, 4 heads, vocabulary %d), "
         "compiled by seqc\n", vocab_size);
  printf("1. char_gpt_run on the %lld-token prompt\n", (long long)n);
  {
    char path[4096];
    snprintf(path, sizeof path, "%s/logits.npy", data_dir);
    seqc_npy_array want;
    check(seqc_rt_npy_read(path, &want, &err), &err, path);
    if (want.numel != n * vocab_size) {
      fprintf(stderr, "char-gpt: %s does not match the prompt\n", path);
      return 2;
    }
    seqc_model *model;
    check(char_gpt_create(&model, &err), &err, "char_gpt_create");
    const int64_t ids_shape[2] = {n, 1};
    const int64_t logits_shape[3] = {n, 1, vocab_size};
    seqc_tensor ids, out;
    seqc_rt_tensor_init(&ids, tokens, SEQC_DTYPE_I64, 2, ids_shape);
    seqc_rt_tensor_init(&out, logits, SEQC_DTYPE_F32, 3, logits_shape);
    check(char_gpt_run(model, &ids, &out, &err), &err, "char_gpt_run");
    char_gpt_destroy(model);
    double diff = 0, scale = 1;
    const float *w = want.data;
    for (int64_t i = 0; i < want.numel; ++i) {
      diff = fmax(diff, fabs((double)logits[i] - w[i]));
      scale = fmax(scale, fabs(w[i]));
    }
    int agree = diff <= TOLERANCE * scale;
    printf("   logits vs PyTorch: max |diff| = %.2e (limit %.0e)  %s\n", diff,
           TOLERANCE * scale, agree ? "ok" : "MISMATCH");
    ok &= agree;
    seqc_rt_npy_free(&want);
  }

  /* 2. Prefill, then decode one token per step through the cache. */
  printf("2. char_gpt_step: prefill the prompt, then %d tokens one at a "
         "time (cache of %d steps)\n", count, CAPACITY);
  seqc_stream *state;
  check(char_gpt_state_create(1, CAPACITY, &state, &err), &err,
        "char_gpt_state_create");
  generate(state, tokens, n, count, text, logits);
  int same = strcmp(text, expected) == 0;
  printf("   %s%s\n   greedy text vs PyTorch: %s\n", prompt, text,
         same ? "identical" : "DIFFERENT");
  if (!same)
    printf("   PyTorch: %s%s\n", prompt, expected);
  ok &= same;

  /* 3. The cache holds n + count - 1 steps; this chunk would not fit. */
  printf("3. a chunk past the capacity\n");
  {
    static int64_t filler[CAPACITY];
    seqc_status status =
        feed(state, filler, CAPACITY, logits, &err);
    printf("   %s: %s\n", seqc_rt_status_string(status), err.message);
    ok &= status == SEQC_ERR_SHAPE;
    check(char_gpt_state_reset(state), &err, "char_gpt_state_reset");
    generate(state, tokens, n, count, text, logits);
    int again = strcmp(text, expected) == 0;
    printf("   after reset the same text again: %s\n",
           again ? "yes" : "NO");
    ok &= again;
  }
  char_gpt_state_destroy(state);

  /* 4. Decode latency against the position (B = 1). */
  printf("4. one decode step at position 64, 512 and 2048 (capacity 2048)\n");
  {
    const int positions[] = {64, 512, 2048};
    seqc_stream *big;
    check(char_gpt_state_create(1, 2048, &big, &err), &err,
          "char_gpt_state_create");
    int64_t token = tokens[0];
    int at = 0;
    for (int p = 0; p < 3; ++p) {
      /* Fill the cache up to just before the position, then time the
       * steps at positions - 8 .. - 1 and keep the fastest. */
      while (at < positions[p] - 8) {
        check(feed(big, &token, 1, logits, &err), &err, "decode");
        ++at;
      }
      double best = 1e30;
      while (at < positions[p]) {
        double t0 = now_us();
        check(feed(big, &token, 1, logits, &err), &err, "decode");
        best = fmin(best, now_us() - t0);
        ++at;
      }
      printf("   position %4d: %8.1f us/token\n", positions[p], best);
    }
    char_gpt_state_destroy(big);
  }

  free(logits);
  printf("%s\n", ok ? "PASS: seqc agrees with PyTorch"
                    : "FAIL: seqc disagrees with PyTorch");
  return ok ? 0 : 1;
}
