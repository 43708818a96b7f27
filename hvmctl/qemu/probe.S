/* hvmctl accelerator probe: real mode -> long mode with identity-mapped 2 MiB pages,
   then write one byte in every 4 KiB page of 64 MiB, 64 times over, then exit through
   isa-debug-exit (port 0xf4). Broken nested KVM crawls on exactly this. */
    .code16
    .globl _start
_start:
    cli
    xorw %ax, %ax
    movw %ax, %ds
    movw %ax, %es
    movw %ax, %ss
    movw $0x7c00, %sp
    /* page tables at 0x70000: PML4, PDPT, PD (1 GiB of 2 MiB pages) */
    movw $0x7000, %ax
    movw %ax, %es
    xorw %di, %di
    xorl %eax, %eax
    movw $0x3000/4, %cx
    rep stosl
    movl $0x71003, %es:0x0000      /* PML4[0] -> PDPT */
    movl $0x72003, %es:0x1000      /* PDPT[0] -> PD */
    movw $0x2000, %di
    movl $0x83, %eax               /* present|rw|2MiB */
    movw $512, %cx
1:  movl %eax, %es:(%di)
    movl $0, %es:4(%di)
    addl $0x200000, %eax
    addw $8, %di
    loop 1b
    movl $0x70000, %eax
    movl %eax, %cr3
    movl %cr4, %eax
    orl $0x20, %eax                /* PAE */
    movl %eax, %cr4
    movl $0xC0000080, %ecx         /* EFER.LME */
    rdmsr
    orl $0x100, %eax
    wrmsr
    lgdtl gdtr
    movl %cr0, %eax
    orl $0x80000001, %eax          /* PG|PE */
    movl %eax, %cr0
    ljmpl $0x08, $long64
    .code64
long64:
    movw $0x10, %ax
    movw %ax, %ds
    movw %ax, %es
    movw %ax, %ss
    movl $64, %edx                  /* passes */
2:  movq $0x1000000, %rdi          /* from 16 MiB */
    movq $0x5000000, %rsi          /* to 80 MiB */
3:  incb (%rdi)
    addq $4096, %rdi
    cmpq %rsi, %rdi
    jb 3b
    decl %edx
    jnz 2b
    movb $0x41, %al
    outb %al, $0xf4
4:  hlt
    jmp 4b
    .align 8
gdt:
    .quad 0
    .quad 0x00af9a000000ffff       /* 64-bit code */
    .quad 0x00cf92000000ffff       /* data */
gdtr:
    .word gdtr - gdt - 1
    .long gdt
    .org 510
    .byte 0x55, 0xaa
