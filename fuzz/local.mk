# fuzz: fuzz harnesses; replayed over their seed corpus by make check.
# fuzz/run NAME [SECONDS] builds fuzz/fuzz_NAME.c with libFuzzer; see doc/fuzzing.md.
EXTRA_DIST += fuzz/run fuzz/fuzz.h fuzz/corpus fuzz/secagree.dict doc/fuzzing.md

check_PROGRAMS += fuzz/replay_secagree
fuzz_replay_secagree_SOURCES = fuzz/replay.c fuzz/fuzz.h fuzz/fuzz_secagree.c
fuzz_replay_secagree_LDADD = src/sip/libpcscf-sip.a
EXTRA_DIST += fuzz/replay-secagree.sh
TESTS += fuzz/replay-secagree.sh
