/* System-level CPU test guest. Entered flat at CPL 0 with the scenario number in EAX:
   1 = ring 3 <-> ring 0 through interrupt gates (TSS stack switch), #GP handled and resumed;
   2 = paging: #PF on a not-present page and on a write to a read-only page (CR0.WP), fixed up, retried;
   3 = triple fault (exception with an empty IDT).
   Results are stored as dwords at RESULTS; every scenario ends with HLT at CPL 0. */
	.set	RESULTS, 0x8000
	.set	PD, 0x200000
	.set	PT, 0x201000
	.set	TESTPAGE, 0x00400000	/* linear 4 MiB: mapped by PT */

	.section .text.start, "ax"
	.globl	_start
_start:
	movl	$0x180000, %esp
	lgdt	gdt_desc
	ljmp	$0x08, $1f
1:	movw	$0x10, %cx
	movw	%cx, %ds
	movw	%cx, %es
	movw	%cx, %ss
	movw	%cx, %fs
	movw	%cx, %gs
	lidt	idt_desc
	/* gates: vector, handler, type/DPL byte */
	movl	$13, %ecx;  movl $gp_handler, %edx;  movb $0x8e, %bl; call set_gate
	movl	$14, %ecx;  movl $pf_handler, %edx;  movb $0x8e, %bl; call set_gate
	movl	$0x80, %ecx; movl $sys_handler, %edx; movb $0xee, %bl; call set_gate
	movl	$0x81, %ecx; movl $done_handler, %edx; movb $0xef, %bl; call set_gate
	cmpl	$1, %eax
	je	ring3_test
	cmpl	$2, %eax
	je	paging_test
	cmpl	$3, %eax
	je	triple_test
	hlt

/* ecx = vector, edx = handler, bl = type byte */
set_gate:
	leal	idt(,%ecx,8), %edi
	movw	%dx, (%edi)
	movw	$0x08, 2(%edi)
	movb	$0, 4(%edi)
	movb	%bl, 5(%edi)
	shrl	$16, %edx
	movw	%dx, 6(%edi)
	ret

ring3_test:
	movl	$tss, %eax		/* TSS descriptor base */
	movw	%ax, tss_desc+2
	shrl	$16, %eax
	movb	%al, tss_desc+4
	movb	%ah, tss_desc+7
	movw	$0x23, %ax		/* ring 3 data for DS/ES (still usable in ring 0) */
	movw	%ax, %ds
	movw	%ax, %es
	movl	$kstack_top, tss+4	/* esp0 */
	movl	$0x10, tss+8		/* ss0 */
	movw	$0x28, %ax
	ltr	%ax
	pushl	$0x23			/* ss (ring 3 data) */
	pushl	$ustack_top		/* esp */
	pushl	$0x202			/* eflags: IF */
	pushl	$0x1b			/* cs (ring 3 code) */
	pushl	$user_code
	iret

user_code:
	movl	$5, %eax
	int	$0x80			/* eax += 1, records the frame */
	int	$0x80
	movl	%eax, RESULTS+20
	hlt				/* #GP(0) at CPL 3: the handler skips it */
	movw	%ss, %bx
	movl	%ebx, RESULTS+28
	int	$0x81
1:	jmp	1b

sys_handler:
	movl	%esp, RESULTS+0		/* on the TSS stack */
	movl	4(%esp), %ecx		/* saved cs */
	movl	%ecx, RESULTS+4
	movl	16(%esp), %ecx		/* saved ss */
	movl	%ecx, RESULTS+8
	movw	%ss, %cx
	movl	%ecx, RESULTS+12
	incl	%eax
	iret

gp_handler:
	popl	%ecx			/* error code */
	movl	%ecx, RESULTS+24
	incl	RESULTS+32		/* count */
	addl	$1, (%esp)		/* skip the 1-byte instruction */
	iret

done_handler:
	movl	%esp, RESULTS+36
	hlt

paging_test:
	/* PD[0]: 4 MiB identity page (PSE), PD[1] -> PT; PT[0] not present, PT[1] read-only, others identity */
	movl	%cr4, %eax
	orl	$0x10, %eax
	movl	%eax, %cr4
	movl	$0x00000083, PD		/* 4 MiB, RW, present, supervisor */
	movl	$PT+0x03, PD+4
	xorl	%ecx, %ecx
1:	movl	%ecx, %eax
	shll	$12, %eax
	addl	$TESTPAGE+3, %eax
	movl	%eax, PT(,%ecx,4)
	incl	%ecx
	cmpl	$1024, %ecx
	jne	1b
	andl	$~1, PT			/* page 0x400000 not present */
	andl	$~2, PT+4		/* page 0x401000 read-only */
	movl	$PD, %eax
	movl	%eax, %cr3
	movl	%cr0, %eax
	orl	$0x80010000, %eax	/* PG | WP */
	movl	%eax, %cr0
	movl	$0x1234, TESTPAGE+0x10	/* #PF not present, write */
	movl	TESTPAGE+0x10, %eax
	movl	%eax, RESULTS+40
	movl	$0x5678, TESTPAGE+0x1008	/* #PF protection, write */
	movl	TESTPAGE+0x1008, %eax
	movl	%eax, RESULTS+44
	movl	PT+4, %eax		/* accessed + dirty set by the CPU */
	movl	%eax, RESULTS+48
	hlt

pf_handler:
	popl	%ecx
	incl	RESULTS+52
	movl	RESULTS+52, %edx
	movl	%ecx, RESULTS+56(,%edx,8)	/* error code */
	movl	%cr2, %eax
	movl	%eax, RESULTS+60(,%edx,8)	/* cr2 */
	/* fix: make the page present and writable, flush it */
	shrl	$12, %eax
	andl	$0x3ff, %eax
	orl	$3, PT(,%eax,4)
	movl	%cr2, %eax
	invlpg	(%eax)
	iret

triple_test:
	lidt	empty_idt
	int3
	hlt

	.section .data
	.balign	8
gdt:
	.quad	0
	.quad	0x00cf9a000000ffff	/* 0x08 code, DPL 0 */
	.quad	0x00cf92000000ffff	/* 0x10 data, DPL 0 */
	.quad	0x00cffa000000ffff	/* 0x18 code, DPL 3 */
	.quad	0x00cff2000000ffff	/* 0x20 data, DPL 3 */
tss_desc:
	.word	103, 0			/* 0x28 TSS: limit, base patched below */
	.byte	0, 0x89, 0, 0
gdt_end:
gdt_desc:
	.word	gdt_end - gdt - 1
	.long	gdt
idt_desc:
	.word	256 * 8 - 1
	.long	idt
empty_idt:
	.word	0
	.long	0
	.balign	16
tss:
	.fill	104, 1, 0

	.section .bss
	.balign	16
idt:
	.fill	256 * 8, 1, 0
	.fill	4096, 1, 0
kstack_top:
	.fill	4096, 1, 0
ustack_top:
