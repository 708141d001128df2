/*===- cpu_level.c - The x86-64 microarchitecture level of this CPU -------===*
 *
 * The feature lists of the x86-64 psABI's levels (x86-64-ABI, "Micro
 * Architecture Levels"), read from CPUID, with XGETBV telling whether the
 * OS saves the AVX and AVX-512 registers. Compiled models' api getters
 * (compiler/Target/CpuDispatch.cpp) test the same bits in generated code;
 * the CpuLevel tests of test/Unit/Runtime/model_test.cc check this one
 * against GCC's __builtin_cpu_supports.
 *
 *===----------------------------------------------------------------------===*/
#include "model_internal.h"
#include "seqc/model.h"

#include <stdlib.h>

#if defined(__x86_64__)
#include <cpuid.h>

static int bit(unsigned reg, int n) { return (reg >> n) & 1u; }

/* XCR0: which register state the OS saves on a context switch. */
static unsigned long long xgetbv0(void) {
  unsigned eax, edx;
  __asm__ volatile("xgetbv" : "=a"(eax), "=d"(edx) : "c"(0));
  return ((unsigned long long)edx << 32) | eax;
}

int seqc_cpu_detected_level(void) {
  unsigned eax, ebx, ecx1, edx;
  if (!__get_cpuid(1, &eax, &ebx, &ecx1, &edx))
    return 1;
  unsigned max_leaf = __get_cpuid_max(0, NULL);
  unsigned ebx7 = 0, ecx7, edx7;
  if (max_leaf >= 7)
    __cpuid_count(7, 0, eax, ebx7, ecx7, edx7);
  unsigned ecx81 = 0, ebx81, edx81;
  if (__get_cpuid_max(0x80000000u, NULL) >= 0x80000001u)
    __cpuid(0x80000001u, eax, ebx81, ecx81, edx81);

  /* v2: CMPXCHG16B, LAHF/SAHF, POPCNT, SSE3, SSE4.1, SSE4.2, SSSE3. */
  if (!(bit(ecx1, 13) && bit(ecx81, 0) && bit(ecx1, 23) && bit(ecx1, 0) &&
        bit(ecx1, 19) && bit(ecx1, 20) && bit(ecx1, 9)))
    return 1;
  /* v3: AVX, AVX2, BMI1, BMI2, F16C, FMA, LZCNT, MOVBE, XSAVE enabled by
   * the OS (OSXSAVE) with the SSE and AVX state (XCR0 bits 1, 2). */
  if (!(bit(ecx1, 28) && bit(ebx7, 5) && bit(ebx7, 3) && bit(ebx7, 8) &&
        bit(ecx1, 29) && bit(ecx1, 12) && bit(ecx81, 5) && bit(ecx1, 22) &&
        bit(ecx1, 27)))
    return 2;
  unsigned long long xcr0 = xgetbv0();
  if ((xcr0 & 0x6) != 0x6)
    return 2;
  /* v4: AVX512F, AVX512BW, AVX512CD, AVX512DQ, AVX512VL, with the opmask
   * and ZMM state (XCR0 bits 5, 6, 7). */
  if (!(bit(ebx7, 16) && bit(ebx7, 30) && bit(ebx7, 28) && bit(ebx7, 17) &&
        bit(ebx7, 31)) ||
      (xcr0 & 0xe0) != 0xe0)
    return 3;
  return 4;
}
#else
int seqc_cpu_detected_level(void) { return 0; }
#endif

int seqc_rt_cpu_level(void) {
  int level = seqc_cpu_detected_level();
  const char *cap = getenv("SEQC_MAX_CPU_LEVEL");
  if (!cap || !*cap)
    return level;
  if (cap[0] < '1' || cap[0] > '4' || cap[1])
    return -1;
  return level < cap[0] - '0' ? level : cap[0] - '0';
}

const char *seqc_rt_cpu_level_name(int level) {
  static const char *const names[] = {"no x86-64 level", "x86-64",
                                      "x86-64-v2", "x86-64-v3", "x86-64-v4"};
  return level >= 0 && level <= 4 ? names[level] : "an unknown x86-64 level";
}
