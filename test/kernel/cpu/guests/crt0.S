/* Entry of the CPU test guests: sets the stack, calls main(), leaves its result in EAX and halts. */
	.section .text.start, "ax"
	.globl _start
_start:
	movl	$stack_top, %esp
	call	main
	hlt
1:	jmp	1b
