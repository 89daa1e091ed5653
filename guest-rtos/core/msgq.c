/* msgq.c: bounded message queues of variable-length messages up to msg_size (ARINC buffers). A sender
 * finding a waiting receiver copies straight into its buffer; a receiver freeing a slot takes the first
 * waiting sender's message into the queue. */
#include <rt/string.h>
#include <rtos/sync.h>

int msgq_init(struct msgq *q, uint32_t msg_size, uint32_t depth, int by_priority)
{
    q->storage = rtos_alloc(msg_size * depth);
    q->lens = rtos_alloc(4u * depth);
    if (q->storage == 0 || q->lens == 0) return -1;
    q->msg_size = msg_size;
    q->depth = depth;
    q->count = q->head = 0;
    q->senders.head = q->receivers.head = 0;
    q->senders.by_priority = q->receivers.by_priority = (uint8_t)(by_priority != 0);
    return 0;
}

static void push(struct msgq *q, const void *msg, uint32_t len)
{
    uint32_t slot = (q->head + q->count) % q->depth;
    memcpy(q->storage + slot * q->msg_size, msg, len);
    q->lens[slot] = len;
    q->count++;
}

enum wake_reason msgq_send(struct msgq *q, const void *msg, uint32_t len, uint64_t until_ns, int may_block)
{
    uint32_t st = rtos_enter();
    enum wake_reason r = WAKE_SIGNALED;
    struct task *rx = q->receivers.head;
    if (rx != 0) {
        memcpy(rx->wait_buf, msg, len);
        rx->wait_len = len;
        (void)waitq_wake_one(&q->receivers, WAKE_SIGNALED);
        sched_reschedule();
    } else if (q->count < q->depth) {
        push(q, msg, len);
    } else if (!may_block) {
        r = WAKE_TIMEOUT;
    } else {
        struct task *me = task_current();
        me->wait_buf = (void *)msg;
        me->wait_len = len;
        r = task_wait(&q->senders, until_ns); /* the receiver copied our message in */
    }
    rtos_leave(st);
    return r;
}

enum wake_reason msgq_receive(struct msgq *q, void *buf, uint32_t *len, uint64_t until_ns, int may_block)
{
    uint32_t st = rtos_enter();
    enum wake_reason r = WAKE_SIGNALED;
    if (q->count > 0) {
        *len = q->lens[q->head];
        memcpy(buf, q->storage + q->head * q->msg_size, *len);
        q->head = (q->head + 1) % q->depth;
        q->count--;
        struct task *tx = q->senders.head;
        if (tx != 0) {
            push(q, tx->wait_buf, tx->wait_len);
            (void)waitq_wake_one(&q->senders, WAKE_SIGNALED);
            sched_reschedule();
        }
    } else if (!may_block) {
        r = WAKE_TIMEOUT;
    } else {
        struct task *me = task_current();
        me->wait_buf = buf;
        r = task_wait(&q->receivers, until_ns);
        if (r == WAKE_SIGNALED) *len = me->wait_len;
    }
    rtos_leave(st);
    return r;
}
