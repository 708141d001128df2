//===- fake_cuda_driver.c - A CUDA driver that runs no kernel -----------===//
//
// Stands in for libcuda.so.1 (through SEQC_CUDA_DRIVER) so that a CUDA
// model's host side can be tested on a machine without a GPU: device
// discovery, managed memory (plain host memory here), weight copies,
// module loading and every kernel launch, which it checks against the PTX
// and logs instead of running. The outputs of such a run are meaningless;
// what the tests read is the log and the statuses.
//
// Environment:
//   FAKE_CUDA_LOG=FILE          append one line per driver event to FILE
//   FAKE_CUDA_DEVICES=N         devices to report (default 1)
//   FAKE_CUDA_INIT_ERROR=N      cuInit returns N
//   FAKE_CUDA_LAUNCH_ERROR=N    every cuLaunchKernel returns N
//
// Each launch is checked: the kernel must be an `.entry` of its module's
// PTX, and the launch must pass as many parameters as that entry declares
// (CUDA_ERROR_INVALID_VALUE otherwise, logged as such).
//
//===----------------------------------------------------------------------===//

#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define EXPORT __attribute__((visibility("default")))

typedef int CUresult;
typedef struct fake_function {
  const char *ptx;
  char name[256];
  int num_params;
  struct fake_function *next; // the module's functions, freed with it
} fake_function;
typedef struct fake_module {
  const char *ptx;
  fake_function *functions;
} fake_module;

static int env_int(const char *name, int fallback) {
  const char *value = getenv(name);
  return value && *value ? atoi(value) : fallback;
}

static void log_line(const char *format, ...)
    __attribute__((format(printf, 1, 2)));
static void log_line(const char *format, ...) {
  const char *path = getenv("FAKE_CUDA_LOG");
  if (!path || !*path)
    return;
  FILE *file = fopen(path, "a");
  if (!file)
    return;
  va_list args;
  va_start(args, format);
  vfprintf(file, format, args);
  va_end(args);
  fputc('\n', file);
  fclose(file);
}

EXPORT CUresult cuInit(unsigned int flags) {
  (void)flags;
  int error = env_int("FAKE_CUDA_INIT_ERROR", 0);
  log_line("cuInit -> %d", error);
  return error;
}

EXPORT CUresult cuDeviceGetCount(int *count) {
  *count = env_int("FAKE_CUDA_DEVICES", 1);
  return 0;
}

EXPORT CUresult cuDeviceGet(int *device, int ordinal) {
  *device = ordinal;
  return 0;
}

EXPORT CUresult cuDeviceGetName(char *name, int size, int device) {
  snprintf(name, (size_t)size, "seqc fake GPU %d", device);
  return 0;
}

static int the_context;
EXPORT CUresult cuDevicePrimaryCtxRetain(void **context, int device) {
  (void)device;
  *context = &the_context;
  return 0;
}
EXPORT CUresult cuDevicePrimaryCtxRelease_v2(int device) {
  (void)device;
  return 0;
}
EXPORT CUresult cuCtxPushCurrent_v2(void *context) {
  return context == &the_context ? 0 : 201; // CUDA_ERROR_INVALID_CONTEXT
}
EXPORT CUresult cuCtxPopCurrent_v2(void **context) {
  *context = &the_context;
  return 0;
}
EXPORT CUresult cuCtxSynchronize(void) { return 0; }

EXPORT CUresult cuModuleLoadDataEx(void **module, const void *image,
                                   unsigned int num_options, int *options,
                                   void **values) {
  (void)num_options, (void)options, (void)values;
  const char *ptx = image;
  if (!strstr(ptx, ".version") || !strstr(ptx, ".target")) {
    log_line("cuModuleLoadDataEx: not PTX");
    return 218; // CUDA_ERROR_INVALID_PTX
  }
  fake_module *m = calloc(1, sizeof(*m));
  m->ptx = ptx;
  *module = m;
  const char *target = strstr(ptx, ".target");
  log_line("cuModuleLoadDataEx %.*s", (int)strcspn(target, "\n"), target);
  return 0;
}

EXPORT CUresult cuModuleUnload(void *module) {
  fake_module *m = module;
  while (m->functions) {
    fake_function *next = m->functions->next;
    free(m->functions);
    m->functions = next;
  }
  free(m);
  return 0;
}

// The parameters `.entry name(` declares, or -1 when there is no such
// entry.
static int entry_params(const char *ptx, const char *name) {
  char pattern[300];
  snprintf(pattern, sizeof(pattern), ".entry %s(", name);
  const char *entry = strstr(ptx, pattern);
  if (!entry)
    return -1;
  const char *end = strchr(entry, ')');
  int count = 0;
  for (const char *p = entry; (p = strstr(p, ".param")) && p < end; p += 6)
    ++count;
  return count;
}

EXPORT CUresult cuModuleGetFunction(void **function, void *module,
                                    const char *name) {
  fake_module *m = module;
  int params = entry_params(m->ptx, name);
  if (params < 0) {
    log_line("cuModuleGetFunction %s: no such entry", name);
    return 500; // CUDA_ERROR_NOT_FOUND
  }
  fake_function *f = calloc(1, sizeof(*f));
  f->ptx = m->ptx;
  snprintf(f->name, sizeof(f->name), "%s", name);
  f->num_params = params;
  f->next = m->functions;
  m->functions = f;
  *function = f;
  return 0;
}

EXPORT CUresult cuLaunchKernel(void *function, unsigned gx, unsigned gy,
                               unsigned gz, unsigned bx, unsigned by,
                               unsigned bz, unsigned shared, void *stream,
                               void **params, void **extra) {
  (void)stream, (void)extra;
  fake_function *f = function;
  int passed = 0;
  while (params && passed < f->num_params && params[passed])
    ++passed;
  int error = env_int("FAKE_CUDA_LAUNCH_ERROR", 0);
  if (passed != f->num_params)
    error = 1; // CUDA_ERROR_INVALID_VALUE
  log_line("cuLaunchKernel %s grid=(%u,%u,%u) block=(%u,%u,%u) shared=%u "
           "params=%d/%d -> %d",
           f->name, gx, gy, gz, bx, by, bz, shared, passed, f->num_params,
           error);
  return error;
}

// Managed blocks start 256 bytes into their allocation, after a tag: a
// managed block passed to free(), or a host block passed to cuMemFree,
// aborts the test instead of passing unnoticed.
enum { kHeader = 256 };
static const char kTag[] = "seqc fake managed block";

EXPORT CUresult cuMemAllocManaged(unsigned long long *pointer, size_t bytes,
                                  unsigned int flags) {
  (void)flags;
  char *base = aligned_alloc(256, kHeader + (bytes + 255) / 256 * 256);
  if (!base)
    return 2; // CUDA_ERROR_OUT_OF_MEMORY
  memcpy(base, kTag, sizeof(kTag));
  memset(base + kHeader, 0, bytes);
  *pointer = (unsigned long long)(uintptr_t)(base + kHeader);
  return 0;
}

EXPORT CUresult cuMemFree_v2(unsigned long long pointer) {
  char *base = (char *)(uintptr_t)pointer - kHeader;
  if (memcmp(base, kTag, sizeof(kTag)) != 0) {
    fprintf(stderr, "fake CUDA driver: cuMemFree of a block that is not "
                    "managed memory\n");
    abort();
  }
  memset(base, 0, sizeof(kTag));
  free(base);
  return 0;
}

EXPORT CUresult cuGetErrorName(CUresult error, const char **name) {
  switch (error) {
  case 1: *name = "CUDA_ERROR_INVALID_VALUE"; return 0;
  case 700: *name = "CUDA_ERROR_ILLEGAL_ADDRESS"; return 0;
  default: *name = NULL; return 1;
  }
}

EXPORT CUresult cuGetErrorString(CUresult error, const char **text) {
  switch (error) {
  case 1: *text = "invalid argument"; return 0;
  case 700: *text = "an illegal memory access was encountered"; return 0;
  default: *text = NULL; return 1;
  }
}
