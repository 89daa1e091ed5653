/* A bytecode interpreter: a two-pass assembler turns stack-machine assembly text into bytecode, and two
 * dispatchers (a switch and computed goto) run it; both must give the same outputs and step counts. */
#include "prog.h"

enum op { OP_HALT, OP_PUSH, OP_LOAD, OP_STORE, OP_ADD, OP_SUB, OP_MUL, OP_DIVU, OP_MODU, OP_LT, OP_EQ,
          OP_JMP, OP_JZ, OP_CALL, OP_RET, OP_DUP, OP_DROP, OP_OUT, OP_COUNT };

static const char *const op_names[OP_COUNT] = { "halt", "push", "load", "store", "add", "sub", "mul", "divu", "modu",
                                                "lt", "eq", "jmp", "jz", "call", "ret", "dup", "drop", "out" };
/* operands per opcode: call takes a target and an argument count */
static const uint8_t op_args[OP_COUNT] = { 0, 1, 1, 1, 0, 0, 0, 0, 0, 0, 0, 1, 1, 2, 0, 0, 0, 0 };

#define CODE_MAX 512
#define LABEL_MAX 32
#define STACK_MAX 256
#define FRAME_MAX 64
#define LOCALS 8
#define OUT_MAX 64

struct label { char name[16]; int32_t addr; };

struct program {
    int32_t code[CODE_MAX];
    int len;
    struct label labels[LABEL_MAX];
    int nlabels;
};

struct result {
    uint32_t out[OUT_MAX];
    int nout;
    uint32_t steps;
    int error;
};

static int is_space(char c) { return c == ' ' || c == '\t' || c == '\n' || c == ';'; }

/* Copies the next token of *src into tok (skipping blanks and ';' comments); returns its length or 0 at end. */
static int next_token(const char **src, char tok[16])
{
    const char *s = *src;
    for (;;) {
        while (*s != '\0' && is_space(*s) && *s != ';') s++;
        if (*s == ';') {
            while (*s != '\0' && *s != '\n') s++;
            continue;
        }
        break;
    }
    int n = 0;
    while (*s != '\0' && !is_space(*s) && n < 15) tok[n++] = *s++;
    tok[n] = '\0';
    *src = s;
    return n;
}

static int find_label(const struct program *p, const char *name)
{
    for (int i = 0; i < p->nlabels; i++)
        if (strcmp(p->labels[i].name, name) == 0) return p->labels[i].addr;
    return -1;
}

static int parse_number(const char *t, int32_t *v)
{
    int neg = *t == '-';
    if (neg) t++;
    if (*t < '0' || *t > '9') return 0;
    int32_t x = 0;
    while (*t >= '0' && *t <= '9') x = x * 10 + (*t++ - '0');
    *v = neg ? -x : x;
    return *t == '\0';
}

/* Two passes: the first records label addresses, the second emits code. Returns 0 or an error line. */
static int assemble(const char *text, struct program *p)
{
    memset(p, 0, sizeof *p);
    for (int pass = 0; pass < 2; pass++) {
        const char *s = text;
        char tok[16];
        int pc = 0;
        while (next_token(&s, tok) > 0) {
            size_t n = strlen(tok);
            if (tok[n - 1] == ':') {
                if (pass == 0) {
                    if (p->nlabels == LABEL_MAX) return -1;
                    tok[n - 1] = '\0';
                    strcpy(p->labels[p->nlabels].name, tok);
                    p->labels[p->nlabels++].addr = pc;
                }
                continue;
            }
            int op = 0;
            while (op < OP_COUNT && strcmp(op_names[op], tok) != 0) op++;
            if (op == OP_COUNT) return -2;
            if (pc >= CODE_MAX - 3) return -3;
            p->code[pc++] = op;
            for (int a = 0; a < op_args[op]; a++) {
                int32_t v = 0;
                if (next_token(&s, tok) == 0) return -4;
                if (!parse_number(tok, &v)) {
                    v = pass == 0 ? 0 : find_label(p, tok);
                    if (v < 0) return -5;
                }
                p->code[pc++] = v;
            }
        }
        p->len = pc;
    }
    return 0;
}

struct machine {
    uint32_t stack[STACK_MAX];
    int sp;
    uint32_t locals[FRAME_MAX][LOCALS];
    int32_t ret_pc[FRAME_MAX];
    int fp;
};

static struct machine m;

static void run_switch(const struct program *p, struct result *r)
{
    memset(&m, 0, sizeof m);
    memset(r, 0, sizeof *r);
    int32_t pc = 0;
    for (;;) {
        r->steps++;
        int32_t op = p->code[pc++];
        switch (op) {
        case OP_HALT: return;
        case OP_PUSH: m.stack[m.sp++] = (uint32_t)p->code[pc++]; break;
        case OP_LOAD: m.stack[m.sp++] = m.locals[m.fp][p->code[pc++]]; break;
        case OP_STORE: m.locals[m.fp][p->code[pc++]] = m.stack[--m.sp]; break;
        case OP_ADD: m.sp--; m.stack[m.sp - 1] += m.stack[m.sp]; break;
        case OP_SUB: m.sp--; m.stack[m.sp - 1] -= m.stack[m.sp]; break;
        case OP_MUL: m.sp--; m.stack[m.sp - 1] *= m.stack[m.sp]; break;
        case OP_DIVU: m.sp--; m.stack[m.sp - 1] /= m.stack[m.sp]; break;
        case OP_MODU: m.sp--; m.stack[m.sp - 1] %= m.stack[m.sp]; break;
        case OP_LT: m.sp--; m.stack[m.sp - 1] = (int32_t)m.stack[m.sp - 1] < (int32_t)m.stack[m.sp]; break;
        case OP_EQ: m.sp--; m.stack[m.sp - 1] = m.stack[m.sp - 1] == m.stack[m.sp]; break;
        case OP_JMP: pc = p->code[pc]; break;
        case OP_JZ: pc = m.stack[--m.sp] == 0 ? p->code[pc] : pc + 1; break;
        case OP_CALL: {
            int32_t target = p->code[pc], nargs = p->code[pc + 1];
            if (m.fp + 1 == FRAME_MAX) { r->error = 1; return; }
            m.ret_pc[++m.fp] = pc + 2;
            for (int i = nargs - 1; i >= 0; i--) m.locals[m.fp][i] = m.stack[--m.sp];
            pc = target;
            break;
        }
        case OP_RET: pc = m.ret_pc[m.fp--]; break;
        case OP_DUP: m.stack[m.sp] = m.stack[m.sp - 1]; m.sp++; break;
        case OP_DROP: m.sp--; break;
        case OP_OUT: if (r->nout < OUT_MAX) r->out[r->nout++] = m.stack[--m.sp]; break;
        default: r->error = 2; return;
        }
    }
}

static void run_threaded(const struct program *p, struct result *r)
{
    static void *const table[OP_COUNT] = { &&halt, &&push, &&load, &&store, &&add, &&sub, &&mul, &&divu, &&modu,
                                           &&lt, &&eq, &&jmp, &&jz, &&call, &&ret, &&dup, &&drop, &&out };
    memset(&m, 0, sizeof m);
    memset(r, 0, sizeof *r);
    const int32_t *code = p->code;
    int32_t pc = 0;
#define NEXT                                                       \
    do {                                                           \
        r->steps++;                                                \
        int32_t op_ = code[pc++];                                  \
        if (op_ < 0 || op_ >= OP_COUNT) { r->error = 2; return; }  \
        goto *table[op_];                                          \
    } while (0)
    NEXT;
halt: return;
push: m.stack[m.sp++] = (uint32_t)code[pc++]; NEXT;
load: m.stack[m.sp++] = m.locals[m.fp][code[pc++]]; NEXT;
store: m.locals[m.fp][code[pc++]] = m.stack[--m.sp]; NEXT;
add: m.sp--; m.stack[m.sp - 1] += m.stack[m.sp]; NEXT;
sub: m.sp--; m.stack[m.sp - 1] -= m.stack[m.sp]; NEXT;
mul: m.sp--; m.stack[m.sp - 1] *= m.stack[m.sp]; NEXT;
divu: m.sp--; m.stack[m.sp - 1] /= m.stack[m.sp]; NEXT;
modu: m.sp--; m.stack[m.sp - 1] %= m.stack[m.sp]; NEXT;
lt: m.sp--; m.stack[m.sp - 1] = (int32_t)m.stack[m.sp - 1] < (int32_t)m.stack[m.sp]; NEXT;
eq: m.sp--; m.stack[m.sp - 1] = m.stack[m.sp - 1] == m.stack[m.sp]; NEXT;
jmp: pc = code[pc]; NEXT;
jz: pc = m.stack[--m.sp] == 0 ? code[pc] : pc + 1; NEXT;
call: {
    int32_t target = code[pc], nargs = code[pc + 1];
    if (m.fp + 1 == FRAME_MAX) { r->error = 1; return; }
    m.ret_pc[++m.fp] = pc + 2;
    for (int i = nargs - 1; i >= 0; i--) m.locals[m.fp][i] = m.stack[--m.sp];
    pc = target;
    NEXT;
}
ret: pc = m.ret_pc[m.fp--]; NEXT;
dup: m.stack[m.sp] = m.stack[m.sp - 1]; m.sp++; NEXT;
drop: m.sp--; NEXT;
out: if (r->nout < OUT_MAX) r->out[r->nout++] = m.stack[--m.sp]; NEXT;
#undef NEXT
}

static const char fib_src[] =
    "  push 40 store 0  push 0 store 1  push 1 store 2\n"
    "loop: load 0 jz done\n"
    "  load 1 load 2 add store 3  load 2 store 1  load 3 store 2\n"
    "  load 0 push 1 sub store 0  jmp loop\n"
    "done: load 1 out halt\n";

static const char fact_src[] =
    "  push 12 call fact 1 out  push 10 call fact 1 out  halt\n"
    "fact: load 0 push 2 lt jz rec  push 1 ret\n"
    "rec:  load 0  load 0 push 1 sub call fact 1  mul ret\n";

static const char primes_src[] =
    "; count and sum the primes below 600 by trial division\n"
    "  push 2 store 0  push 0 store 1  push 0 store 2\n"
    "next: load 0 push 600 lt jz end\n"
    "  push 2 store 3\n"
    "try: load 3 load 3 mul load 0 push 1 add lt jz prime   ; d*d <= n ?\n"
    "  load 0 load 3 modu jz composite\n"
    "  load 3 push 1 add store 3 jmp try\n"
    "prime: load 1 push 1 add store 1  load 2 load 0 add store 2\n"
    "composite: load 0 push 1 add store 0 jmp next\n"
    "end: load 1 out load 2 out halt\n";

static const char collatz_src[] =
    "; longest Collatz chain for a start below 100\n"
    "  push 1 store 0  push 0 store 1  push 0 store 2\n"
    "outer: load 0 push 100 lt jz end\n"
    "  load 0 call steps 1  dup load 1 lt jz better drop jmp step\n"
    "better: store 1 load 0 store 2\n"
    "step: load 0 push 1 add store 0 jmp outer\n"
    "end: load 2 out load 1 out halt\n"
    "steps: push 0 store 1\n"
    "s_loop: load 0 push 1 eq jz s_body load 1 ret\n"
    "s_body: load 1 push 1 add store 1  load 0 push 2 modu jz even\n"
    "  load 0 push 3 mul push 1 add store 0 jmp s_loop\n"
    "even: load 0 push 2 divu store 0 jmp s_loop\n";

static const char gcd_src[] =
    "  push 1071 push 462 call gcd 2 out  push 832040 push 514229 call gcd 2 out\n"
    "  push 360 push 84 call gcd 2 out halt\n"
    "gcd: load 1 jz g_done  load 1  load 0 load 1 modu  call gcd 2 ret\n"
    "g_done: load 0 ret\n";

struct case_ {
    const char *name;
    const char *src;
    int nexpect;
    uint32_t expect[2];
};

static const struct case_ cases[] = {
    { "fib", fib_src, 1, { 102334155u, 0 } },
    { "fact", fact_src, 2, { 479001600u, 3628800u } },
    { "primes", primes_src, 2, { 109u, 29296u } },
    { "collatz", collatz_src, 2, { 97u, 118u } },
    { "gcd", gcd_src, 2, { 21u, 1u } },
};

static struct program prog;

int main(uint32_t magic, uint32_t info)
{
    (void)magic, (void)info;
    for (unsigned c = 0; c < sizeof cases / sizeof cases[0]; c++) {
        const struct case_ *k = &cases[c];
        int err = assemble(k->src, &prog);
        CHECK(err == 0);
        if (err != 0) {
            printf("vm: %s: assembly error %d\n", k->name, err);
            continue;
        }
        uint32_t h = fnv1a(FNV_OFFSET, prog.code, (size_t)prog.len * sizeof prog.code[0]);
        printf("vm: %s: %d words, %d labels, code digest %08x\n", k->name, prog.len, prog.nlabels, h);
        struct result a, b;
        run_switch(&prog, &a);
        run_threaded(&prog, &b);
        CHECK(a.error == 0 && b.error == 0);
        CHECK(a.steps == b.steps && a.nout == b.nout);
        CHECK(memcmp(a.out, b.out, sizeof a.out) == 0);
        printf("vm: %s: steps=%u out=", k->name, a.steps);
        for (int i = 0; i < a.nout; i++) printf("%s%u", i ? "," : "", a.out[i]);
        printf("\n");
        CHECK(a.nout >= k->nexpect);
        for (int i = 0; i < k->nexpect && i < a.nout; i++) CHECK(a.out[i] == k->expect[i]);
    }
    CHECK(assemble("push 1 bogus", &prog) == -2);
    CHECK(assemble("jmp nowhere", &prog) == -5);
    return prog_finish("vm");
}
