/* Data structures over a static pool: a chained hash table with insert/lookup/delete, an open-addressing
 * table with linear probing and tombstones, a doubly linked LRU list, and a binary search tree; every
 * structure is checked against a plain array model. */
#include "prog.h"

#define POOL 1024
#define BUCKETS 64

struct node { uint32_t key, value; struct node *next; };
static struct node pool[POOL];
static struct node *free_list;
static struct node *buckets[BUCKETS];

static void pool_init(void)
{
    free_list = NULL;
    for (int i = POOL - 1; i >= 0; i--) {
        pool[i].next = free_list;
        free_list = &pool[i];
    }
}

static uint32_t hash32(uint32_t x)
{
    x ^= x >> 16;
    x *= 0x7FEB352Du;
    x ^= x >> 15;
    x *= 0x846CA68Bu;
    x ^= x >> 16;
    return x;
}

static int chain_put(uint32_t key, uint32_t value)
{
    struct node **slot = &buckets[hash32(key) % BUCKETS];
    for (struct node *n = *slot; n != NULL; n = n->next)
        if (n->key == key) return n->value = value, 0;
    struct node *n = free_list;
    if (n == NULL) return -1;
    free_list = n->next;
    *n = (struct node){ key, value, *slot };
    *slot = n;
    return 1;
}

static struct node *chain_get(uint32_t key)
{
    for (struct node *n = buckets[hash32(key) % BUCKETS]; n != NULL; n = n->next)
        if (n->key == key) return n;
    return NULL;
}

static int chain_del(uint32_t key)
{
    for (struct node **p = &buckets[hash32(key) % BUCKETS]; *p != NULL; p = &(*p)->next)
        if ((*p)->key == key) {
            struct node *n = *p;
            *p = n->next;
            n->next = free_list;
            free_list = n;
            return 1;
        }
    return 0;
}

#define OPEN 512
enum { EMPTY, USED, TOMB };
static struct { uint8_t state; uint32_t key, value; } open_table[OPEN];

static int open_find(uint32_t key)
{
    for (uint32_t i = 0, h = hash32(key) % OPEN; i < OPEN; i++, h = (h + 1) % OPEN) {
        if (open_table[h].state == EMPTY) return -1;
        if (open_table[h].state == USED && open_table[h].key == key) return (int)h;
    }
    return -1;
}

static int open_put(uint32_t key, uint32_t value)
{
    int at = open_find(key);
    if (at >= 0) return open_table[at].value = value, 0;
    for (uint32_t i = 0, h = hash32(key) % OPEN; i < OPEN; i++, h = (h + 1) % OPEN)
        if (open_table[h].state != USED) {
            open_table[h].state = USED, open_table[h].key = key, open_table[h].value = value;
            return 1;
        }
    return -1;
}

static int open_del(uint32_t key)
{
    int at = open_find(key);
    if (at < 0) return 0;
    open_table[at].state = TOMB;
    return 1;
}

/* the model: a flat array of present keys */
#define KEYS 300
static uint32_t model_key[KEYS], model_val[KEYS];
static uint8_t model_present[KEYS];

/* LRU cache of 8 entries: doubly linked list, most recent at the head */
struct lru { uint32_t key; int prev, next; };
static struct lru lru[8];
static int lru_head = -1, lru_tail = -1, lru_used;
static uint32_t lru_hits, lru_misses;

static void lru_unlink(int i)
{
    if (lru[i].prev >= 0) lru[lru[i].prev].next = lru[i].next; else lru_head = lru[i].next;
    if (lru[i].next >= 0) lru[lru[i].next].prev = lru[i].prev; else lru_tail = lru[i].prev;
}

static void lru_push_front(int i)
{
    lru[i].prev = -1;
    lru[i].next = lru_head;
    if (lru_head >= 0) lru[lru_head].prev = i;
    lru_head = i;
    if (lru_tail < 0) lru_tail = i;
}

static void lru_access(uint32_t key)
{
    for (int i = lru_head; i >= 0; i = lru[i].next)
        if (lru[i].key == key) {
            lru_hits++;
            lru_unlink(i);
            lru_push_front(i);
            return;
        }
    lru_misses++;
    int slot;
    if (lru_used < 8) {
        slot = lru_used++;
    } else {
        slot = lru_tail; /* evict the least recently used */
        lru_unlink(slot);
    }
    lru[slot].key = key;
    lru_push_front(slot);
}

/* unbalanced binary search tree over a static node pool */
struct tnode { uint32_t key; struct tnode *left, *right; };
static struct tnode tpool[POOL];
static int tused;

static struct tnode *tree_insert(struct tnode *root, uint32_t key)
{
    if (root == NULL) {
        struct tnode *n = &tpool[tused++];
        *n = (struct tnode){ key, NULL, NULL };
        return n;
    }
    if (key < root->key) root->left = tree_insert(root->left, key);
    else if (key > root->key) root->right = tree_insert(root->right, key);
    return root;
}

static uint32_t walk_digest;
static int walk_prev_ok;
static uint32_t walk_prev;

static void tree_walk(const struct tnode *t, int *count)
{
    if (t == NULL) return;
    tree_walk(t->left, count);
    if (*count > 0 && t->key <= walk_prev) walk_prev_ok = 0;
    walk_prev = t->key;
    walk_digest = fnv_u32(walk_digest, t->key);
    (*count)++;
    tree_walk(t->right, count);
}

static int tree_height(const struct tnode *t)
{
    if (t == NULL) return 0;
    int l = tree_height(t->left), r = tree_height(t->right);
    return 1 + (l > r ? l : r);
}

int main(uint32_t magic, uint32_t info)
{
    (void)magic, (void)info;
    pool_init();
    uint32_t seed = 0xDA7A5EEDu;
    for (int i = 0; i < KEYS; i++) model_key[i] = rng_next(&seed) % 100000u;
    int inserts = 0, updates = 0, deletes = 0, errors = 0;
    for (int step = 0; step < 3000; step++) {
        uint32_t r = rng_next(&seed);
        int k = (int)(r % KEYS);
        uint32_t key = model_key[k];
        /* duplicates in model_key share one entry: find its first index */
        for (int j = 0; j < k; j++)
            if (model_key[j] == key) { k = j; break; }
        if ((r >> 16) % 4 != 0) {
            uint32_t v = r >> 8;
            int a = chain_put(key, v), b = open_put(key, v);
            if (a != b || a != (model_present[k] ? 0 : 1)) errors++;
            if (a == 1) inserts++; else updates++;
            model_present[k] = 1;
            model_val[k] = v;
        } else {
            int a = chain_del(key), b = open_del(key);
            if (a != b || a != model_present[k]) errors++;
            deletes += a;
            model_present[k] = 0;
        }
    }
    int present = 0;
    uint32_t sum = 0;
    for (int k = 0; k < KEYS; k++) {
        int first = 1;
        for (int j = 0; j < k; j++)
            if (model_key[j] == model_key[k]) first = 0;
        if (!first) continue;
        struct node *n = chain_get(model_key[k]);
        int o = open_find(model_key[k]);
        if ((n != NULL) != model_present[k] || (o >= 0) != model_present[k]) errors++;
        if (n != NULL && (n->value != model_val[k] || o < 0 || open_table[o].value != n->value)) errors++;
        if (n != NULL) present++, sum += n->value;
    }
    int longest = 0, used_buckets = 0;
    for (int b = 0; b < BUCKETS; b++) {
        int len = 0;
        for (struct node *n = buckets[b]; n != NULL; n = n->next) len++;
        if (len > longest) longest = len;
        used_buckets += len > 0;
    }
    printf("hashmap: inserts=%d updates=%d deletes=%d present=%d value-sum=%u errors=%d\n", inserts, updates, deletes,
           present, sum, errors);
    printf("hashmap: chains: %d of %d buckets used, longest %d\n", used_buckets, BUCKETS, longest);
    CHECK(errors == 0);
    int free_count = 0;
    for (struct node *n = free_list; n != NULL; n = n->next) free_count++;
    CHECK(free_count + present == POOL);

    for (int i = 0; i < 2000; i++) {
        uint32_t r = rng_next(&seed);
        lru_access((r & 3) != 0 ? r % 10 : r % 40); /* a hot set of 10 keys and a cold tail */
    }
    int len = 0;
    for (int i = lru_head; i >= 0; i = lru[i].next) len++;
    printf("hashmap: lru hits=%u misses=%u length=%d\n", lru_hits, lru_misses, len);
    CHECK(lru_hits + lru_misses == 2000 && len == 8);

    struct tnode *root = NULL;
    for (int i = 0; i < 700; i++) root = tree_insert(root, rng_next(&seed) % 5000u);
    int count = 0;
    walk_digest = FNV_OFFSET;
    walk_prev_ok = 1;
    tree_walk(root, &count);
    printf("hashmap: tree nodes=%d height=%d inorder digest=%08x\n", count, tree_height(root), walk_digest);
    CHECK(walk_prev_ok && count == tused);
    return prog_finish("hashmap");
}
