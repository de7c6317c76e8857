# src/sip: SIP helpers without sockets (sec-agree headers).
noinst_LIBRARIES += src/sip/libpcscf-sip.a
src_sip_libpcscf_sip_a_SOURCES = src/sip/secagree.c src/sip/secagree.h

check_PROGRAMS += src/sip/test_secagree
TESTS += src/sip/test_secagree
src_sip_test_secagree_SOURCES = src/sip/test_secagree.c
src_sip_test_secagree_CPPFLAGS = $(AM_CPPFLAGS) $(CMOCKA_CFLAGS)
src_sip_test_secagree_LDADD = src/sip/libpcscf-sip.a $(CMOCKA_LIBS)
