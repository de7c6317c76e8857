# fuzz: fuzz harnesses; replayed over their seed corpus by make check.
# fuzz/run NAME [SECONDS] builds fuzz/fuzz_NAME.c with libFuzzer; see doc/fuzzing.md.
EXTRA_DIST += fuzz/run fuzz/fuzz.h fuzz/corpus fuzz/secagree.dict doc/fuzzing.md

check_PROGRAMS += fuzz/replay_secagree
fuzz_replay_secagree_SOURCES = fuzz/replay.c fuzz/fuzz.h fuzz/fuzz_secagree.c
fuzz_replay_secagree_LDADD = src/sip/libpcscf-sip.a
EXTRA_DIST += fuzz/replay-secagree.sh
TESTS += fuzz/replay-secagree.sh

# SIP core: the message parser (with value parsers, edits, responses) and the TCP framer.
check_PROGRAMS += fuzz/replay_sip_msg fuzz/replay_sip_stream
fuzz_replay_sip_msg_SOURCES = fuzz/replay.c fuzz/fuzz.h fuzz/fuzz_sip_msg.c
fuzz_replay_sip_msg_LDADD = src/sip/libpcscf-sip.a
fuzz_replay_sip_stream_SOURCES = fuzz/replay.c fuzz/fuzz.h fuzz/fuzz_sip_stream.c
fuzz_replay_sip_stream_LDADD = src/sip/libpcscf-sip.a
EXTRA_DIST += fuzz/replay-sip_msg.sh fuzz/replay-sip_stream.sh fuzz/sip_msg.dict \
	fuzz/sip_stream.dict
TESTS += fuzz/replay-sip_msg.sh fuzz/replay-sip_stream.sh

# hss-stub's SIP side: registrar and stateless proxy on every received message.
check_PROGRAMS += fuzz/replay_hss_sip
fuzz_replay_hss_sip_SOURCES = fuzz/replay.c fuzz/fuzz.h fuzz/fuzz_hss_sip.c
fuzz_replay_hss_sip_CPPFLAGS = $(AM_CPPFLAGS) $(SQLITE_CFLAGS) $(CRYPTO_CFLAGS)
fuzz_replay_hss_sip_LDADD = $(HSS_SIP_LIBS)
EXTRA_DIST += fuzz/replay-hss_sip.sh
TESTS += fuzz/replay-hss_sip.sh

# ue-sim: AKA challenges, the Security-Server choice, dialogs (what it reads beyond src/sip).
check_PROGRAMS += fuzz/replay_ue_rx
fuzz_replay_ue_rx_SOURCES = fuzz/replay.c fuzz/fuzz.h fuzz/fuzz_ue_rx.c
fuzz_replay_ue_rx_CPPFLAGS = $(AM_CPPFLAGS) $(LIBNL_CFLAGS) $(CRYPTO_CFLAGS)
fuzz_replay_ue_rx_LDADD = $(UE_SIM_LIBS)
EXTRA_DIST += fuzz/replay-ue_rx.sh
TESTS += fuzz/replay-ue_rx.sh

# ue-sim's hostile edits: forged Vias over arbitrary messages, captured frames.
check_PROGRAMS += fuzz/replay_ue_forge
fuzz_replay_ue_forge_SOURCES = fuzz/replay.c fuzz/fuzz.h fuzz/fuzz_ue_forge.c
fuzz_replay_ue_forge_CPPFLAGS = $(AM_CPPFLAGS) $(LIBNL_CFLAGS) $(CRYPTO_CFLAGS)
fuzz_replay_ue_forge_LDADD = $(UE_SIM_LIBS)
EXTRA_DIST += fuzz/replay-ue_forge.sh
TESTS += fuzz/replay-ue_forge.sh

# Via / Record-Route / route-set signatures: tokens, wrapped keys, every check and signer.
check_PROGRAMS += fuzz/replay_sign
fuzz_replay_sign_SOURCES = fuzz/replay.c fuzz/fuzz.h fuzz/fuzz_sign.c
fuzz_replay_sign_CPPFLAGS = $(AM_CPPFLAGS) $(CRYPTO_CFLAGS)
fuzz_replay_sign_LDADD = $(SIGN_LIBS)
EXTRA_DIST += fuzz/replay-sign.sh fuzz/sign.dict
TESTS += fuzz/replay-sign.sh

# pcscfd's control protocol (pcscfctl's requests).
check_PROGRAMS += fuzz/replay_ctl
fuzz_replay_ctl_SOURCES = fuzz/replay.c fuzz/fuzz.h fuzz/fuzz_ctl.c
fuzz_replay_ctl_LDADD = src/pcscf/libpcscf.a
EXTRA_DIST += fuzz/replay-ctl.sh
TESTS += fuzz/replay-ctl.sh
