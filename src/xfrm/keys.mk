# src/xfrm/keys.mk: TS 33.203 Annex I key derivation (ipsec_keys).
noinst_LIBRARIES += src/xfrm/libipseckeys.a
src_xfrm_libipseckeys_a_SOURCES = src/xfrm/ipsec_keys.c src/xfrm/ipsec_keys.h
src_xfrm_libipseckeys_a_CPPFLAGS = $(AM_CPPFLAGS) $(CRYPTO_CFLAGS)

check_PROGRAMS += src/xfrm/test_ipsec_keys
TESTS += src/xfrm/test_ipsec_keys
src_xfrm_test_ipsec_keys_SOURCES = src/xfrm/test_ipsec_keys.c
src_xfrm_test_ipsec_keys_CPPFLAGS = $(AM_CPPFLAGS) $(CMOCKA_CFLAGS)
src_xfrm_test_ipsec_keys_LDADD = src/xfrm/libipseckeys.a $(CRYPTO_LIBS) $(CMOCKA_LIBS)
