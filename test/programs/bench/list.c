/* Benchmark kernel: linked lists in a node pool. Each round builds a list from pseudo-random keys,
 * reverses it, searches it, merge-sorts it and folds it into the checksum (pointer chasing, branches). */
#include <stddef.h>
#include "bench.h"

#define NODES 256

struct node { struct node *next; uint32_t key; uint32_t data; };

static struct node pool[NODES];

const char bench_name[] = "list";
const uint32_t bench_default_iterations = 1200;

void bench_setup(void)
{
    for (uint32_t i = 0; i < NODES; i++) pool[i].data = i * 2654435761u;
}

static struct node *reverse(struct node *h)
{
    struct node *r = NULL;
    while (h != NULL) {
        struct node *n = h->next;
        h->next = r;
        r = h;
        h = n;
    }
    return r;
}

static struct node *merge(struct node *a, struct node *b)
{
    struct node head, *t = &head;
    while (a != NULL && b != NULL) {
        if (a->key <= b->key) t->next = a, a = a->next;
        else t->next = b, b = b->next;
        t = t->next;
    }
    t->next = a != NULL ? a : b;
    return head.next;
}

static struct node *sort(struct node *h)
{
    if (h == NULL || h->next == NULL) return h;
    struct node *slow = h, *fast = h->next;
    while (fast != NULL && fast->next != NULL) slow = slow->next, fast = fast->next->next;
    struct node *second = slow->next;
    slow->next = NULL;
    return merge(sort(h), sort(second));
}

uint32_t bench_run(uint32_t iterations)
{
    uint32_t sum = 0, seed = 0x1234567u;
    for (uint32_t it = 0; it < iterations; it++) {
        struct node *head = NULL;
        for (uint32_t i = 0; i < NODES; i++) {
            seed = seed * 1103515245u + 12345u;
            pool[i].key = (seed >> 8) & 0xFFFF;
            pool[i].next = head;
            head = &pool[i];
        }
        head = reverse(head);
        uint32_t target = pool[(it * 7) % NODES].key, pos = 0;
        for (struct node *n = head; n != NULL && n->key != target; n = n->next) pos++;
        head = sort(head);
        uint32_t prev = 0, ordered = 1;
        for (struct node *n = head; n != NULL; n = n->next) {
            ordered &= n->key >= prev;
            prev = n->key;
            sum = (sum << 1 | sum >> 31) ^ (n->key + n->data);
        }
        sum += pos + ordered;
    }
    return sum;
}
