//===- half.c - f16 / bf16 <-> f32 conversions ----------------------------===//
//
// Bit-exact software conversions: weights may be stored in f16/bf16 and must
// load identically on every CPU, whether or not it has F16C.
//
//===----------------------------------------------------------------------===//

#include "seqc/runtime.h"

#include <string.h>

static float bits_to_f32(uint32_t bits) {
  float f;
  memcpy(&f, &bits, sizeof(f));
  return f;
}

static uint32_t f32_to_bits(float f) {
  uint32_t bits;
  memcpy(&bits, &f, sizeof(bits));
  return bits;
}

float seqc_rt_f16_to_f32(uint16_t h) {
  uint32_t sign = (uint32_t)(h & 0x8000u) << 16;
  uint32_t exponent = (h >> 10) & 0x1Fu;
  uint32_t mantissa = h & 0x3FFu;
  if (exponent == 0x1F) // inf / NaN: keep the payload so NaNs stay NaNs.
    return bits_to_f32(sign | 0x7F800000u | (mantissa << 13));
  if (exponent == 0) {
    if (mantissa == 0)
      return bits_to_f32(sign);
    // Subnormal: value = mantissa * 2^-24, exact in f32.
    float magnitude = (float)mantissa * (1.0f / 16777216.0f);
    return sign ? -magnitude : magnitude;
  }
  return bits_to_f32(sign | ((exponent + 112u) << 23) | (mantissa << 13));
}

float seqc_rt_bf16_to_f32(uint16_t bits) {
  return bits_to_f32((uint32_t)bits << 16);
}

uint16_t seqc_rt_f32_to_f16(float value) {
  uint32_t bits = f32_to_bits(value);
  uint16_t sign = (uint16_t)((bits >> 16) & 0x8000u);
  uint32_t abs_bits = bits & 0x7FFFFFFFu;
  if (abs_bits >= 0x7F800000u) { // inf or NaN
    uint16_t nan_bit = abs_bits > 0x7F800000u ? 0x200u : 0u;
    return (uint16_t)(sign | 0x7C00u | nan_bit);
  }
  if (abs_bits >= 0x477FF000u) // rounds to >= 65520: overflow to inf
    return (uint16_t)(sign | 0x7C00u);
  if (abs_bits < 0x38800000u) { // below the smallest normal f16 (2^-14)
    if (abs_bits < 0x33000000u) // below half the smallest subnormal
      return sign;
    // Subnormal: shift the full 24-bit significand right, round to nearest
    // even on the dropped bits.
    uint32_t exponent = abs_bits >> 23;
    uint32_t significand = (abs_bits & 0x7FFFFFu) | 0x800000u;
    uint32_t shift = 126u - exponent; // 14..24
    uint32_t result = significand >> shift;
    uint32_t remainder = significand & ((1u << shift) - 1u);
    uint32_t halfway = 1u << (shift - 1u);
    if (remainder > halfway || (remainder == halfway && (result & 1u)))
      ++result;
    return (uint16_t)(sign | result);
  }
  // Normal: rebias and round to nearest even on the 13 dropped bits; a carry
  // into the exponent is the correct result (including up to inf, excluded
  // above).
  uint32_t result = abs_bits - 0x38000000u; // exponent bias 127 -> 15
  uint32_t remainder = result & 0x1FFFu;
  result >>= 13;
  if (remainder > 0x1000u || (remainder == 0x1000u && (result & 1u)))
    ++result;
  return (uint16_t)(sign | result);
}

uint16_t seqc_rt_f32_to_bf16(float value) {
  uint32_t bits = f32_to_bits(value);
  if ((bits & 0x7FFFFFFFu) > 0x7F800000u) // NaN: force a quiet mantissa bit
    return (uint16_t)((bits >> 16) | 0x40u);
  uint32_t rounding = 0x7FFFu + ((bits >> 16) & 1u);
  return (uint16_t)((bits + rounding) >> 16);
}
