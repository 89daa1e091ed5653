/* pc_hm.c: the bare-PC BSP's glue between apexvisor's HM and the RTOS (kernel/devices/apx-services.md, "HM
 * upcall"). A CPU exception is reported through the device's FAULT doorbell, and the kernel's HM tables decide;
 * when they give it to the error handler or a PartitionCallback, the record arrives on the device's interrupt
 * line and pc_hm_irq hands it to the RTOS as the PV BSPs' HM virq does (pv_bsp.c). */
#include <bsp.h>
#include <apex/process.h>
#include "pc-io.h"
#include "pc_apx.h"
#include "pc_cpu.h"
#include "pc_hm.h"

#define APX_BASE 0x660u
#define APX_REG_IRQ 0x2u
#define APX_REG_SELECT 0x3u
#define APX_REG_FAULT 0x8u
#define APX_REG_DATA 0xCu
#define APX_NO_IRQ 0xFFu
#define FAULT_WAITS 2u /* FAULT result: the action waits for the ModuleCallback in another partition */

/* Record fields (SELECT values) and kinds (kernel/devices/apx-services-upcall.ts). */
#define F_KIND 0u
#define F_CODE 1u
#define F_ERROR_ID 5u
#define F_SYSTEM_STATE 6u
#define F_PARTITION 7u
#define F_ENTRY 8u
#define KIND_NONE 0u
#define KIND_ERROR_HANDLER 1u
#define KIND_PARTITION_CALLBACK 2u
#define KIND_MODULE_CALLBACK 3u

/* The fault block (guest-physical; the BSP identity-maps its RAM, so a stack address is one). */
struct apx_fault_block {
    uint32_t vector;
    uint32_t error_code;
    uint32_t eip;
    uint32_t cr2;
    uint32_t process;
    uint32_t result;
};

static uint32_t line = APX_NO_IRQ;
/* The PIC masks from before an exception handler waited for its upcall with only the upcall line open (so no
 * tick switches tasks before the record is taken), restored when it is taken; NO_SAVED_MASK: none saved. */
#define NO_SAVED_MASK 0xFFFFFFFFu
static uint32_t saved_mask = NO_SAVED_MASK;
/* Set by pc_hm_irq once a callback returned: the exception handler waiting for it stops waiting. */
static volatile uint32_t callback_done;

void pc_irq_apx_entry(void);

static uint32_t field(uint32_t index)
{
    uint32_t v;
    outb(APX_BASE + APX_REG_SELECT, (uint8_t)index);
    __asm__ volatile("inl %w1, %0" : "=a"(v) : "Nd"((uint16_t)(APX_BASE + APX_REG_DATA)));
    return v;
}

static void ack(uint32_t kind) { outl(APX_BASE + APX_REG_DATA, kind); }

void pc_hm_init(void)
{
    if (!pc_apx_present()) return;
    uint32_t irq = inb(APX_BASE + APX_REG_IRQ);
    if (irq > 15u || irq == 2u || irq == 0u) return; /* no line (0xFF), or one the BSP cannot give up */
    line = irq;
    pc_irq_route(irq, pc_irq_apx_entry);
}

void pc_hm_irq(void)
{
    pc_irq_eoi(line);
    if (saved_mask != NO_SAVED_MASK) {
        pc_irq_set_mask(saved_mask);
        saved_mask = NO_SAVED_MASK;
    }
    uint32_t kind = field(F_KIND);
    switch (kind) {
    case KIND_ERROR_HANDLER:
        /* The interrupted task is the one that faulted (the exception handler waits for this with interrupts
         * on): the RTOS stops it and gives the kernel's queued records to its error handler. */
        ack(kind);
        rtos_isr_hm();
        return;
    case KIND_PARTITION_CALLBACK: {
        void (*cb)(uint32_t, uint32_t, uint32_t) = (void (*)(uint32_t, uint32_t, uint32_t))(uintptr_t)field(F_ENTRY);
        cb(field(F_CODE), field(F_ERROR_ID), field(F_SYSTEM_STATE));
        callback_done = 1;
        ack(kind); /* the return: the kernel applies the action that waited (a restart never comes back) */
        return;
    }
    case KIND_MODULE_CALLBACK: {
        void (*cb)(uint32_t, uint32_t, uint32_t, uint32_t) = (void (*)(uint32_t, uint32_t, uint32_t, uint32_t))(uintptr_t)field(F_ENTRY);
        cb(field(F_CODE), field(F_ERROR_ID), field(F_SYSTEM_STATE), field(F_PARTITION));
        callback_done = 1;
        ack(kind);
        return;
    }
    default:
        return; /* no record (withdrawn before the interrupt was taken): nothing to do */
    }
}

/* A CPU exception goes to the kernel's HM tables as a fault the kernel classifies (as for a PV partition), with
 * the faulting EIP (FAILED_ADDRESS, as the kernel gives it for a PV fault), CR2 and the running process. When they give it to the error handler or a PartitionCallback, the
 * record comes on the upcall line: interrupts go on and the handler waits for it here, in the faulting task (the
 * error handler's upcall stops this task and never returns; a restart never returns either). Anything else
 * returns, and pc_exception stops the machine: the faulting instruction cannot be resumed; when a module action
 * waits for the ModuleCallback in another partition, the PC idles until the module acts. */
void pc_fault_hook(uint32_t vector, uint32_t error, uint32_t eip, uint32_t address)
{
    if (!pc_apx_present()) return;
    PROCESS_ID_TYPE me = 0;
    RETURN_CODE_TYPE rc;
    GET_MY_ID(&me, &rc);
    volatile struct apx_fault_block b = { vector, error, eip, vector == 14u ? address : 0u, rc == NO_ERROR ? (uint32_t)me : 0u, 0xFFFFFFFFu };
    callback_done = 0;
    __asm__ volatile("outl %0, %w1" : : "a"((uint32_t)(uintptr_t)&b), "Nd"((uint16_t)(APX_BASE + APX_REG_FAULT)) : "memory");
    if (b.result == FAULT_WAITS) { /* the module's action comes once the ModuleCallback ran elsewhere: nothing runs here */
        (void)pc_irq_mask_only(APX_NO_IRQ);
        for (;;) __asm__ volatile("sti; hlt" : : : "memory");
    }
    if (line == APX_NO_IRQ || field(F_KIND) == KIND_NONE) return;
    saved_mask = pc_irq_mask_only(line);
    while (!callback_done) __asm__ volatile("sti; hlt; cli" : : : "memory");
}
