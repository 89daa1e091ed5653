/* pc_bsp.c: bsp.h console, time, tick, interrupt mask and idle on a bare PC in ring 0, and the boot
 * from Multiboot (rt_start, called by lib/multiboot/entry.S). Partition, schedule, HM and port
 * services go to the kernel through apx_services when present (pc_apx_bsp.c), else to the linked host
 * library (pc_host.c); so does the time base (the module clock, else the tick count). Ends the machine once the test suite's SUITE line
 * is out and the RTOS goes idle, since no kernel watches this console. */
#include <bsp.h>
#include <rt/string.h>
#include "multiboot.h"
#include "pc_cpu.h"
#include "pc_apx.h"
#include "pc_hm.h"
#include "pc_host.h"
#include "pc_shm.h"

#define TICK_PERIOD_NS 1000000ull  /* 1 ms, as the PV BSPs use when the kernel says nothing */
#define DEFAULT_RAM_TOP 0x00400000u /* 4 MiB when the loader gave no memory size */
#define PAGE 4096u

void rt_start(uint32_t magic, uint32_t info);
void pc_tick(void);
extern char __image_end[];

static struct bsp_boot_info boot;
/* The RTOS time base is the tick: each PIT period counts as exactly the nominal period asked for (the
 * PIT's 1.193182 MHz cannot make 1 ms exactly; the drift, 153 ppm at 1 ms, is the clock's, as on any
 * crystal), so periodic releases land on whole periods. */
static uint64_t period_ns;
static volatile uint64_t ticks;

/* console line state: the first bytes of the current line, to spot "SUITE " */
static char line_head[6];
static uint32_t line_pos;
static int suite_line, suite_done;

void rt_start(uint32_t magic, uint32_t info)
{
    pc_uart_init();
    pc_cpu_init();
    pc_hm_init();
    const struct multiboot_info *mb = magic == MULTIBOOT_BOOT_MAGIC ? (const struct multiboot_info *)(uintptr_t)info : 0;
    uint32_t top = DEFAULT_RAM_TOP;
    if (mb != 0 && (mb->flags & MULTIBOOT_INFO_MEMORY) != 0) top = 0x00100000u + mb->mem_upper * 1024u;
    uint32_t base = ((uint32_t)(uintptr_t)__image_end + PAGE - 1) & ~(PAGE - 1);
    if (pc_apx_present() && top >= base + 3 * PAGE) {
        /* On apexvisor the PC pages (page 0 unmapped: a null store faults and reaches the HM tables); the
         * tables take the last two pages of RAM, away from the boot loader's info past the image. */
        uint32_t ram = top & ~(PAGE - 1);
        top = ram - 2 * PAGE;
        pc_paging_enable((uint32_t *)(uintptr_t)top, ram);
        if (pc_shm_map) pc_shm_map((uint32_t *)(uintptr_t)top); /* the apx:Shared window (pc_shm.c) */
    }
    struct bsp_partition_status st;
    /* With the apexvisor service device the kernel says who this partition is and how it started. */
    int apx = pc_apx_present() && bsp_partition_status(&st) == BSP_RC_OK;
    boot.partition_id = apx ? st.identifier : PC_PARTITION_ID;
    boot.start_condition = apx ? st.start_condition : PC_START_CONDITION;
    boot.free_base = base;
    boot.free_size = top > base ? top - base : 0;
    boot.tick_period_ns = TICK_PERIOD_NS;
    /* With the device the kernel also gives its XML name and SystemPartition flag; a bare PC names itself. */
    int system = 0;
    if (!pc_apx_identity(boot.name, &system)) strncpy(boot.name, PC_PARTITION_NAME, sizeof boot.name - 1);
    boot.system_partition = (uint32_t)system;
    if (mb != 0 && (mb->flags & MULTIBOOT_INFO_CMDLINE) != 0 && mb->cmdline != 0) {
        boot.cmdline = (const char *)(uintptr_t)mb->cmdline;
        boot.cmdline_len = (uint32_t)strlen(boot.cmdline);
    } else {
        boot.cmdline = "";
        boot.cmdline_len = 0;
    }
    pc_host_configure(boot.cmdline, boot.cmdline_len);
    rtos_boot(&boot);
}

void pc_tick(void)
{
    ticks++;
    rtos_isr_tick(1);
}

static void put_locked(char c)
{
    pc_uart_put((uint8_t)c);
    if (c == '\n') {
        if (suite_line) suite_done = 1;
        line_pos = 0;
        suite_line = 0;
        return;
    }
    if (line_pos < sizeof line_head) {
        line_head[line_pos++] = c;
        if (line_pos == sizeof line_head && memcmp(line_head, "SUITE ", 6) == 0) suite_line = 1;
    }
}

void bsp_console_write(const char *s, uint32_t len)
{
    uint32_t m = bsp_irq_save();
    for (uint32_t i = 0; i < len; i++) put_locked(s[i]);
    bsp_irq_restore(m);
}

void bsp_console_flush(void) {} /* polled UART: every byte is already out */

/* The runtime's printf goes to COM1 through the same line tracking. */
int putchar(int c)
{
    char ch = (char)c;
    bsp_console_write(&ch, 1);
    return (unsigned char)c;
}

/* Time is the tick count: interpolating with the PIT counter would put a release observed late (an IRQ0
 * held pending while interrupts were masked) after the next on-time one, so periods would look short. */
uint64_t bsp_time_ns(void)
{
    if (pc_apx_present()) return pc_apx_time_ns(); /* the module's clock, as port time stamps and the PV BSPs use */
    uint32_t m = bsp_irq_save(); /* a 64-bit read is two loads on i386 */
    uint64_t t = ticks * period_ns;
    bsp_irq_restore(m);
    return t;
}

uint64_t bsp_tick_start(uint64_t period)
{
    uint32_t m = bsp_irq_save();
    (void)pc_pit_start(period);
    period_ns = period;
    bsp_irq_restore(m);
    return period_ns;
}

/* State = 1 when interrupts were masked (IF clear), 0 when enabled, as bsp_irq_restore(0) means "enabled". */
uint32_t bsp_irq_save(void)
{
    uint32_t flags;
    __asm__ volatile("pushfl; popl %0; cli" : "=r"(flags) : : "memory");
    return (flags & (1u << 9)) != 0 ? 0u : 1u;
}

void bsp_irq_restore(uint32_t state)
{
    if (state == 0) __asm__ volatile("sti" : : : "memory");
    else __asm__ volatile("cli" : : : "memory");
}

void bsp_idle(void)
{
    if (suite_done) pc_host_halt("test suite done", 0);
    __asm__ volatile("pushfl; sti; hlt; popfl" : : : "memory");
}
