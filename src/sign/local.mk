# src/sign: Via / Record-Route / route-set signing and its key ring (doc/signing.md).
noinst_LIBRARIES += src/sign/libpcscf-sign.a
src_sign_libpcscf_sign_a_SOURCES = \
	src/sign/sign.h src/sign/sign_key.h src/sign/sign_int.h src/sign/sign_canon.h \
	src/sign/sign_ring.c src/sign/sign_wrap.c src/sign/sign_token.c \
	src/sign/sign_canon.c src/sign/sign_sip.c src/sign/sign_route.c src/sign/sign_keyfile.c
src_sign_libpcscf_sign_a_CPPFLAGS = $(AM_CPPFLAGS) $(CRYPTO_CFLAGS)
SIGN_LIBS = src/sign/libpcscf-sign.a src/sip/libpcscf-sip.a src/common/libcommon.a \
	$(CRYPTO_LIBS)

SIGN_TEST_CPPFLAGS = $(AM_CPPFLAGS) $(CRYPTO_CFLAGS) $(CMOCKA_CFLAGS)
check_PROGRAMS += src/sign/test_sign_ring src/sign/test_sign_sip
TESTS += src/sign/test_sign_ring src/sign/test_sign_sip
src_sign_test_sign_ring_SOURCES = src/sign/test_sign_ring.c
src_sign_test_sign_ring_CPPFLAGS = $(SIGN_TEST_CPPFLAGS)
src_sign_test_sign_ring_LDADD = $(SIGN_LIBS) $(CMOCKA_LIBS)
src_sign_test_sign_sip_SOURCES = src/sign/test_sign_sip.c
src_sign_test_sign_sip_CPPFLAGS = $(SIGN_TEST_CPPFLAGS)
src_sign_test_sign_sip_LDADD = $(SIGN_LIBS) $(CMOCKA_LIBS)
EXTRA_DIST += doc/signing.md
