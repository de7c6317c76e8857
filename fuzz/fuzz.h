/*
 * fuzz.h — the one entry point every harness in fuzz/ defines.
 *
 * A harness is built twice: by fuzz/run with clang -fsanitize=fuzzer (libFuzzer supplies
 * main()), and by `make check` with fuzz/replay.c as main(), which replays the seed corpus.
 */
#ifndef PCSCF_FUZZ_FUZZ_H
#define PCSCF_FUZZ_FUZZ_H

#include <stddef.h>
#include <stdint.h>

/**
 * LLVMFuzzerTestOneInput() - run one input through the code under test.
 * @data: the input; exactly @size bytes, not NUL-terminated.
 * @size: its length.
 * @return 0 (libFuzzer reserves other values); a bug is reported by abort() or a sanitizer.
 */
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#endif /* PCSCF_FUZZ_FUZZ_H */
