/*
 * uml-xstate.so — lets Debian 12's user-mode-linux (6.1) run on hosts whose CPUs
 * have large XSAVE areas (AVX-512, AMX).
 *
 * UML saves and restores its processes' FPU state with PTRACE_GETREGSET/SETREGSET
 * (NT_X86_XSTATE) through a buffer sized for its own build. Since Linux 5.x the host
 * refuses a SETREGSET shorter than its whole XSAVE area with EFAULT, and UML dies at
 * boot with "ptrace set fp regs failed, errno = 14". This preload turns such a short
 * SETREGSET into a whole one: it reads the process's current state, overlays the
 * bytes UML gave (legacy area, header, the components UML knows) and writes it
 * back. The components UML does not know (the AVX-512 and AMX registers) keep the
 * host process's own values, which is what the guest process left there.
 * It changes nothing on hosts where UML's buffer is already large enough.
 */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <elf.h>
#include <stdarg.h>
#include <string.h>
#include <sys/ptrace.h>
#include <sys/types.h>
#include <sys/uio.h>

typedef long (*uml_xstate_ptrace_fn)(enum __ptrace_request, pid_t, void *, void *);

long ptrace(enum __ptrace_request request, ...)
{
	static uml_xstate_ptrace_fn real_ptrace;
	/* Larger than any XSAVE area (AMX makes it ~11 KiB); UML is single-threaded. */
	static unsigned char whole[65536];
	struct iovec *given, whole_iov = { whole, sizeof(whole) };
	va_list ap;
	pid_t pid;
	void *addr, *data;

	va_start(ap, request);
	pid = va_arg(ap, pid_t);
	addr = va_arg(ap, void *);
	data = va_arg(ap, void *);
	va_end(ap);
	if (!real_ptrace)
		real_ptrace = (uml_xstate_ptrace_fn)dlsym(RTLD_NEXT, "ptrace");
	if (request != PTRACE_SETREGSET || (long)addr != NT_X86_XSTATE)
		return real_ptrace(request, pid, addr, data);
	given = data;
	if (real_ptrace(PTRACE_GETREGSET, pid, addr, &whole_iov) != 0 ||
	    whole_iov.iov_len <= given->iov_len)
		return real_ptrace(request, pid, addr, data);
	memcpy(whole, given->iov_base, given->iov_len);
	return real_ptrace(PTRACE_SETREGSET, pid, addr, &whole_iov);
}
