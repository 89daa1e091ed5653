/* Floating-point helpers of the float test programs: the x87 square root and bit-exact digests of
 * doubles and floats. Header-only, for programs built with "fpu": "x87" (RT_FLOAT); no libm. */
#ifndef FP_H
#define FP_H

#include <stdint.h>
#include <rt/string.h>
#include "prog.h"

/* FSQRT is correctly rounded (IEEE 754), so both targets agree; the result is rounded to double. */
static inline double fp_sqrt(double x)
{
    long double r;
    __asm__("fsqrt" : "=t"(r) : "0"((long double)x));
    return (double)r;
}

static inline double fp_abs(double x)
{
    return x < 0 ? -x : x;
}

/* FNV-1a over the bytes of a double: two builds agree only when every bit agrees. */
static inline uint32_t fnv_double(uint32_t h, double v)
{
    return fnv1a(h, &v, sizeof v);
}

static inline uint32_t fnv_float(uint32_t h, float v)
{
    return fnv1a(h, &v, sizeof v);
}

#endif
