/* Sorting: insertion, shell, heap, merge and quick sort of the same pseudo-random data; every result is
 * checked sorted and identical, and the transcript carries checksums of each stage. */
#include "prog.h"

#define N 400

static uint32_t input[N], work[N], scratch[N], reference[N];

static int is_sorted(const uint32_t *a, int n)
{
    for (int i = 1; i < n; i++)
        if (a[i - 1] > a[i]) return 0;
    return 1;
}

static void insertion_sort(uint32_t *a, int n)
{
    for (int i = 1; i < n; i++) {
        uint32_t v = a[i];
        int j = i - 1;
        while (j >= 0 && a[j] > v) {
            a[j + 1] = a[j];
            j--;
        }
        a[j + 1] = v;
    }
}

static void shell_sort(uint32_t *a, int n)
{
    static const int gaps[] = { 701, 301, 132, 57, 23, 10, 4, 1 };
    for (unsigned g = 0; g < sizeof gaps / sizeof gaps[0]; g++) {
        int gap = gaps[g];
        for (int i = gap; i < n; i++) {
            uint32_t v = a[i];
            int j = i;
            for (; j >= gap && a[j - gap] > v; j -= gap) a[j] = a[j - gap];
            a[j] = v;
        }
    }
}

static void sift_down(uint32_t *a, int root, int end)
{
    for (;;) {
        int child = 2 * root + 1;
        if (child > end) return;
        if (child + 1 <= end && a[child] < a[child + 1]) child++;
        if (a[root] >= a[child]) return;
        uint32_t t = a[root];
        a[root] = a[child];
        a[child] = t;
        root = child;
    }
}

static void heap_sort(uint32_t *a, int n)
{
    for (int start = (n - 2) / 2; start >= 0; start--) sift_down(a, start, n - 1);
    for (int end = n - 1; end > 0; end--) {
        uint32_t t = a[0];
        a[0] = a[end];
        a[end] = t;
        sift_down(a, 0, end - 1);
    }
}

static void merge_sort(uint32_t *a, uint32_t *tmp, int lo, int hi)
{
    if (hi - lo < 2) return;
    int mid = lo + (hi - lo) / 2;
    merge_sort(a, tmp, lo, mid);
    merge_sort(a, tmp, mid, hi);
    int i = lo, j = mid, k = lo;
    while (i < mid && j < hi) tmp[k++] = a[i] <= a[j] ? a[i++] : a[j++];
    while (i < mid) tmp[k++] = a[i++];
    while (j < hi) tmp[k++] = a[j++];
    memcpy(a + lo, tmp + lo, (size_t)(hi - lo) * sizeof a[0]);
}

static int quick_depth;

static void quick_sort(uint32_t *a, int lo, int hi, int depth)
{
    if (depth > quick_depth) quick_depth = depth;
    while (lo < hi) {
        uint32_t pivot = a[lo + (hi - lo) / 2];
        int i = lo, j = hi;
        while (i <= j) {
            while (a[i] < pivot) i++;
            while (a[j] > pivot) j--;
            if (i <= j) {
                uint32_t t = a[i];
                a[i] = a[j];
                a[j] = t;
                i++;
                j--;
            }
        }
        /* recurse into the smaller side, loop on the larger: bounded stack */
        if (j - lo < hi - i) {
            quick_sort(a, lo, j, depth + 1);
            lo = i;
        } else {
            quick_sort(a, i, hi, depth + 1);
            hi = j;
        }
    }
}

static uint32_t digest(const uint32_t *a, int n)
{
    uint32_t h = FNV_OFFSET;
    for (int i = 0; i < n; i++) h = fnv_u32(h, a[i]);
    return h;
}

static void run(const char *name, int which)
{
    memcpy(work, input, sizeof work);
    switch (which) {
    case 0: insertion_sort(work, N); break;
    case 1: shell_sort(work, N); break;
    case 2: heap_sort(work, N); break;
    case 3: merge_sort(work, scratch, 0, N); break;
    default: quick_sort(work, 0, N - 1, 0); break;
    }
    CHECK(is_sorted(work, N));
    CHECK(memcmp(work, reference, sizeof work) == 0);
    printf("sort: %-9s digest=%08x first=%u last=%u\n", name, digest(work, N), work[0], work[N - 1]);
}

int main(uint32_t magic, uint32_t info)
{
    (void)magic, (void)info;
    uint32_t seed = 0x12345678u;
    for (int i = 0; i < N; i++) input[i] = rng_next(&seed) % 100000u;
    printf("sort: n=%d input digest=%08x\n", N, digest(input, N));

    memcpy(reference, input, sizeof reference);
    insertion_sort(reference, N);
    run("insertion", 0);
    run("shell", 1);
    run("heap", 2);
    run("merge", 3);
    run("quick", 4);
    printf("sort: quick max depth=%d\n", quick_depth);
    CHECK(quick_depth < 40);

    /* already sorted, reversed and all-equal inputs */
    for (int i = 0; i < N; i++) input[i] = (uint32_t)(N - i);
    memcpy(reference, input, sizeof reference);
    heap_sort(reference, N);
    run("rev-quick", 4);
    run("rev-merge", 3);
    for (int i = 0; i < N; i++) input[i] = 7;
    memcpy(reference, input, sizeof reference);
    run("eq-quick", 4);
    run("eq-heap", 2);

    uint32_t median = reference[N / 2];
    printf("sort: median=%u\n", median);
    return prog_finish("sort");
}
