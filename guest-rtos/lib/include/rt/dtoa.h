/* Exact decimal conversion of doubles for %f %e %g (guest-rtos/lib/format-float.c), in images built with
 * floating point (RT_FLOAT). Integer arithmetic only, round-half-to-even on the exact binary value. */
#ifndef RT_DTOA_H
#define RT_DTOA_H

/* Largest precision honoured; a larger one is cut to this (glibc would print more exact digits). */
#define RT_DTOA_MAX_PREC 100
/* Size of the buffer rt_dtoa writes: 309 integer digits, the point and RT_DTOA_MAX_PREC fraction
 * digits, or up to 617 digits of a 2048-bit integer while converting. */
#define RT_DTOA_BUF 660

/* Writes the body of `v` under conversion conv (f F e E g G) into out, without sign: returns its length,
 * negated for inf/nan (which take no zero padding); *negative is the sign bit. prec < 0 means 6. */
int rt_dtoa(char *out, double v, char conv, int prec, int alt, int *negative);

#endif
