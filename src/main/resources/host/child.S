# mmsim host backend: the fork stub (x86-64 Linux, position-independent, no libc, no data section).
#
#   long mmsim_fork(const int fds[8])
#
# fds: [0] command pipe, read end     [4] command pipe, write end     (child reads commands)
#      [1] data-in pipe, read end     [5] data-in pipe, write end     (bytes for FILL)
#      [2] reply pipe, write end      [6] reply pipe, read end        (one 8-byte word per command)
#      [3] data-out pipe, write end   [7] data-out pipe, read end     (bytes of DUMP)
#
# Calls fork(2) itself. The parent (or a failed fork) returns the syscall's result: the child's pid or -errno.
# The child never returns: it blocks every signal (a fault then kills it instead of running the JVM's handlers),
# closes the parent's ends, and serves 64-byte commands of eight little-endian words until the command pipe
# reaches EOF (the JVM closed it or died), then exits:
#   op 0 SYSCALL nr a1 a2 a3 a4 a5 a6  -> the raw result (-errno on failure)
#   op 1 MEMSET  addr byte len         -> 0, after `rep stosb` (plain user stores)
#   op 2 FILL    addr len              -> bytes read: exactly len bytes from data-in stored at addr, or -errno
#   op 3 DUMP    addr len              -> bytes written: exactly len bytes from addr sent on data-out, or -errno
# Each reply is one word on the reply pipe. Rebuild child.bin with: as child.S -o c.o && objcopy -O binary -j .text c.o child.bin

        .text
        .globl  mmsim_fork
mmsim_fork:
        push    %rbx
        push    %r12
        push    %r13
        push    %r14
        push    %r15
        mov     %rdi, %rbx              # fds
        mov     $57, %eax               # fork
        syscall
        test    %rax, %rax
        jne     .Lreturn                # parent: pid, or -errno
        # ---- child ----
        sub     $64, %rsp               # the command buffer
        movq    $-1, (%rsp)             # sigset: every signal
        mov     $14, %eax               # rt_sigprocmask(SIG_SETMASK, &all, NULL, 8)
        mov     $2, %edi
        mov     %rsp, %rsi
        xor     %edx, %edx
        mov     $8, %r10d
        syscall
        mov     $4, %r12d
.Lclose:
        mov     $3, %eax                # close(fds[r12])
        movslq  (%rbx,%r12,4), %rdi
        syscall
        inc     %r12
        cmp     $8, %r12
        jb      .Lclose
.Lloop:
        xor     %r12d, %r12d            # command bytes read so far
.Lread:
        xor     %eax, %eax              # read(fds[0], buf + got, 64 - got)
        movslq  (%rbx), %rdi
        lea     (%rsp,%r12), %rsi
        mov     $64, %edx
        sub     %r12, %rdx
        syscall
        cmp     $-4, %rax               # EINTR
        je      .Lread
        test    %rax, %rax
        jle     .Ldie                   # EOF or error: the JVM is gone
        add     %rax, %r12
        cmp     $64, %r12
        jb      .Lread
        mov     (%rsp), %rax
        cmp     $0, %rax
        je      .Lsyscall
        cmp     $1, %rax
        je      .Lmemset
        cmp     $2, %rax
        je      .Lfill
        cmp     $3, %rax
        je      .Ldump
        jmp     .Ldie
.Lsyscall:
        mov     8(%rsp), %rax
        mov     16(%rsp), %rdi
        mov     24(%rsp), %rsi
        mov     32(%rsp), %rdx
        mov     40(%rsp), %r10
        mov     48(%rsp), %r8
        mov     56(%rsp), %r9
        syscall
        jmp     .Lreply
.Lmemset:
        mov     8(%rsp), %rdi
        mov     16(%rsp), %rax
        mov     24(%rsp), %rcx
        cld
        rep stosb
        xor     %eax, %eax
        jmp     .Lreply
.Lfill:
        mov     8(%rsp), %r13           # addr
        mov     16(%rsp), %r14          # len
        xor     %r15d, %r15d            # done
.Lfillmore:
        cmp     %r14, %r15
        jae     .Lmoved
        xor     %eax, %eax              # read(fds[1], addr + done, len - done)
        movslq  4(%rbx), %rdi
        lea     (%r13,%r15), %rsi
        mov     %r14, %rdx
        sub     %r15, %rdx
        syscall
        cmp     $-4, %rax
        je      .Lfillmore
        test    %rax, %rax
        jle     .Lreply                 # 0 (EOF) or -errno
        add     %rax, %r15
        jmp     .Lfillmore
.Ldump:
        mov     8(%rsp), %r13
        mov     16(%rsp), %r14
        xor     %r15d, %r15d
.Ldumpmore:
        cmp     %r14, %r15
        jae     .Lmoved
        mov     $1, %eax                # write(fds[3], addr + done, len - done)
        movslq  12(%rbx), %rdi
        lea     (%r13,%r15), %rsi
        mov     %r14, %rdx
        sub     %r15, %rdx
        syscall
        cmp     $-4, %rax
        je      .Ldumpmore
        test    %rax, %rax
        jle     .Lreply
        add     %rax, %r15
        jmp     .Ldumpmore
.Lmoved:
        mov     %r15, %rax
.Lreply:
        mov     %rax, (%rsp)
.Lwrite:
        mov     $1, %eax                # write(fds[2], &result, 8)
        movslq  8(%rbx), %rdi
        mov     %rsp, %rsi
        mov     $8, %edx
        syscall
        cmp     $-4, %rax
        je      .Lwrite
        cmp     $8, %rax
        jne     .Ldie
        jmp     .Lloop
.Ldie:
        mov     $231, %eax              # exit_group(0)
        xor     %edi, %edi
        syscall
        hlt
.Lreturn:
        pop     %r15
        pop     %r14
        pop     %r13
        pop     %r12
        pop     %rbx
        ret
