/* Reference-vector runner: executes given x86 instruction bytes on the host CPU (64-bit process, no REX
 * prefixes in the bytes, so 32/16/8-bit operand size as in i386) from a given register and EFLAGS state,
 * and prints the state afterwards. It knows nothing about instructions: scripts/vectors/record.ts chooses
 * the bytes and the inputs and turns the results into the test/vectors JSON files.
 *
 * stdin, one case per line (numbers in hex):
 *   CODE PTRMASK EAX ECX EDX EBX EBP ESI EDI EFLAGS DATA
 * CODE is the host bytes; PTRMASK bit n (n = 0 eax .. 6 edi, in the order above) marks a register that holds
 * an offset into DATA and is relocated to the data buffer (mapped below 4 GiB) before the run and back after;
 * DATA is the buffer's initial bytes or "-". stdout, one line per case:
 *   EXC EAX ECX EDX EBX EBP ESI EDI EFLAGS DATA
 * EXC is "-" or the exception vector (0 = #DE from SIGFPE; then the registers are the ones at the fault).
 * Any other signal (e.g. SIGSEGV from a bad case) is printed as "E<signal>" so the driver stops. */
#define _GNU_SOURCE
#include <setjmp.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <ucontext.h>

enum { NREGS = 7, MAX_CODE = 64, DATA_CAP = 0x10000, STUB_CAP = 512 };

/* State block the stub reads and writes: 7 registers then EFLAGS, each 32 bits, at fixed offsets. */
struct state {
  uint32_t r[NREGS]; /* eax ecx edx ebx ebp esi edi */
  uint32_t eflags;
};

static struct state *st;
static uint8_t *stub;
static uint8_t *data;
static sigjmp_buf jb;
static volatile int caught_sig;
static struct state fault_state;

static void on_signal(int sig, siginfo_t *si, void *ctx) {
  (void)si;
  const ucontext_t *uc = ctx;
  const greg_t *g = uc->uc_mcontext.gregs;
  fault_state.r[0] = (uint32_t)g[REG_RAX];
  fault_state.r[1] = (uint32_t)g[REG_RCX];
  fault_state.r[2] = (uint32_t)g[REG_RDX];
  fault_state.r[3] = (uint32_t)g[REG_RBX];
  fault_state.r[4] = (uint32_t)g[REG_RBP];
  fault_state.r[5] = (uint32_t)g[REG_RSI];
  fault_state.r[6] = (uint32_t)g[REG_RDI];
  fault_state.eflags = (uint32_t)g[REG_EFL];
  caught_sig = sig;
  siglongjmp(jb, 1);
}

static size_t emit(size_t at, const uint8_t *bytes, size_t n) {
  memcpy(stub + at, bytes, n);
  return at + n;
}

/* Builds: save callee-saved regs; r15 = &state; EFLAGS and the 7 registers from the state (32-bit loads,
 * which zero the upper halves, so [reg] addressing and string ops see the same 32-bit address); the case's
 * bytes; pushfq; store the registers and EFLAGS; cld (the C ABI needs DF = 0); restore; ret. */
static void build_stub(const uint8_t *code, size_t n) {
  static const uint8_t modrm[NREGS] = {0x47, 0x4f, 0x57, 0x5f, 0x6f, 0x77, 0x7f}; /* [r15+d8] with eax..edi */
  size_t at = 0;
  const uint8_t pro[] = {0x53, 0x55, 0x41, 0x54, 0x41, 0x55, 0x41, 0x56, 0x41, 0x57, 0x49, 0xbf};
  at = emit(at, pro, sizeof pro);
  uint64_t sa = (uint64_t)(uintptr_t)st;
  at = emit(at, (const uint8_t *)&sa, 8);
  const uint8_t fl[] = {0x41, 0x8b, 0x47, 4 * NREGS, 0x50, 0x9d}; /* mov eax,[r15+28]; push rax; popfq */
  at = emit(at, fl, sizeof fl);
  for (int i = 0; i < NREGS; i++) {
    const uint8_t ld[] = {0x41, 0x8b, modrm[i], (uint8_t)(4 * i)};
    at = emit(at, ld, sizeof ld);
  }
  at = emit(at, code, n);
  stub[at++] = 0x9c; /* pushfq */
  for (int i = 0; i < NREGS; i++) {
    const uint8_t sv[] = {0x41, 0x89, modrm[i], (uint8_t)(4 * i)};
    at = emit(at, sv, sizeof sv);
  }
  const uint8_t epi[] = {0x58, 0x41, 0x89, 0x47, 4 * NREGS, /* pop rax; mov [r15+28],eax */
                         0xfc, 0x41, 0x5f, 0x41, 0x5e, 0x41, 0x5d, 0x41, 0x5c, 0x5d, 0x5b, 0xc3};
  emit(at, epi, sizeof epi);
}

static int hexval(int c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

static size_t parse_hex_bytes(const char *s, uint8_t *out, size_t cap) {
  if (strcmp(s, "-") == 0) return 0;
  size_t n = strlen(s);
  if (n % 2 != 0 || n / 2 > cap) {
    fprintf(stderr, "runner: bad byte string '%s'\n", s);
    exit(2);
  }
  for (size_t i = 0; i < n / 2; i++) {
    int hi = hexval(s[2 * i]), lo = hexval(s[2 * i + 1]);
    if (hi < 0 || lo < 0) {
      fprintf(stderr, "runner: bad hex '%s'\n", s);
      exit(2);
    }
    out[i] = (uint8_t)(hi * 16 + lo);
  }
  return n / 2;
}

static void print_hex(const uint8_t *b, size_t n) {
  if (n == 0) {
    fputs("-", stdout);
    return;
  }
  for (size_t i = 0; i < n; i++) printf("%02x", b[i]);
}

int main(void) {
  st = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_32BIT, -1, 0);
  data = mmap(NULL, DATA_CAP, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_32BIT, -1, 0);
  stub = mmap(NULL, 4096, PROT_READ | PROT_WRITE | PROT_EXEC, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  if (st == MAP_FAILED || data == MAP_FAILED || stub == MAP_FAILED) {
    perror("runner: mmap");
    return 2;
  }
  if ((uintptr_t)data + DATA_CAP > 0x100000000ull) {
    fprintf(stderr, "runner: data buffer not below 4 GiB\n");
    return 2;
  }
  struct sigaction sa;
  memset(&sa, 0, sizeof sa);
  sa.sa_sigaction = on_signal;
  sa.sa_flags = SA_SIGINFO | SA_NODEFER;
  sigaction(SIGFPE, &sa, NULL);
  sigaction(SIGSEGV, &sa, NULL);
  sigaction(SIGILL, &sa, NULL);
  sigaction(SIGBUS, &sa, NULL);
  sigaction(SIGTRAP, &sa, NULL);

  static char line[1 << 18];
  static char codehex[256], datahex[2 * DATA_CAP + 2];
  uint8_t code[MAX_CODE];
  const uint32_t base = (uint32_t)(uintptr_t)data;
  while (fgets(line, sizeof line, stdin)) {
    unsigned ptrmask;
    uint32_t in[NREGS + 1];
    if (sscanf(line, "%255s %x %x %x %x %x %x %x %x %x %131073s", codehex, &ptrmask, &in[0], &in[1], &in[2],
               &in[3], &in[4], &in[5], &in[6], &in[7], datahex) != 11) {
      fprintf(stderr, "runner: bad line: %s", line);
      return 2;
    }
    size_t n = parse_hex_bytes(codehex, code, MAX_CODE);
    memset(data, 0, DATA_CAP);
    size_t dn = parse_hex_bytes(datahex, data, DATA_CAP);
    build_stub(code, n);
    for (int i = 0; i < NREGS; i++) st->r[i] = in[i] + ((ptrmask >> i) & 1 ? base : 0);
    st->eflags = in[NREGS];
    caught_sig = 0;
    struct state out;
    if (sigsetjmp(jb, 1) == 0) {
      ((void (*)(void))stub)();
      out = *st;
    } else {
      out = fault_state;
    }
    if (caught_sig == SIGFPE) printf("0");
    else if (caught_sig != 0) printf("E%d", caught_sig);
    else printf("-");
    for (int i = 0; i < NREGS; i++) printf(" %x", out.r[i] - ((ptrmask >> i) & 1 ? base : 0));
    printf(" %x ", out.eflags);
    print_hex(data, dn);
    putchar('\n');
  }
  return 0;
}
