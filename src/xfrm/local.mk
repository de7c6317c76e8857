# src/xfrm: the kernel IPsec manager (libpcscfxfrm.a); see xfrm_mgr.h.
noinst_LIBRARIES += src/xfrm/libpcscfxfrm.a
src_xfrm_libpcscfxfrm_a_SOURCES = \
	src/xfrm/xfrm_mgr.h src/xfrm/xfrm_internal.h \
	src/xfrm/xfrm_nl.h src/xfrm/xfrm_nl.c \
	src/xfrm/xfrm_msg.c src/xfrm/xfrm_addr.c src/xfrm/xfrm_spi.c \
	src/xfrm/xfrm_set.c src/xfrm/xfrm_mgr.c src/xfrm/xfrm_kernel.c src/xfrm/xfrm_events.c
src_xfrm_libpcscfxfrm_a_CPPFLAGS = $(AM_CPPFLAGS) $(LIBNL_CFLAGS)
# What a program that links the manager needs.
PCSCF_XFRM_LIBS = src/xfrm/libpcscfxfrm.a src/xfrm/libipseckeys.a $(LIBNL_LIBS) $(CRYPTO_LIBS)

check_PROGRAMS += src/xfrm/test_xfrm_msg
TESTS += src/xfrm/test_xfrm_msg
src_xfrm_test_xfrm_msg_SOURCES = src/xfrm/test_xfrm_msg.c
src_xfrm_test_xfrm_msg_CPPFLAGS = $(AM_CPPFLAGS) $(LIBNL_CFLAGS) $(CMOCKA_CFLAGS)
src_xfrm_test_xfrm_msg_LDADD = $(PCSCF_XFRM_LIBS) $(CMOCKA_LIBS)
