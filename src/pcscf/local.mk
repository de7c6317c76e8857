# src/pcscf: pcscfd (the P-CSCF) and its parts.
noinst_LIBRARIES += src/pcscf/libpcscf.a
src_pcscf_libpcscf_a_SOURCES = src/pcscf/privsep.h src/pcscf/privsep.c
src_pcscf_libpcscf_a_CPPFLAGS = $(AM_CPPFLAGS) $(LIBNL_CFLAGS)

check_PROGRAMS += src/pcscf/test_privsep
TESTS += src/pcscf/test_privsep
src_pcscf_test_privsep_SOURCES = src/pcscf/test_privsep.c
src_pcscf_test_privsep_CPPFLAGS = $(AM_CPPFLAGS) $(LIBNL_CFLAGS) $(CMOCKA_CFLAGS)
src_pcscf_test_privsep_LDADD = src/pcscf/libpcscf.a $(PCSCF_XFRM_LIBS) $(CMOCKA_LIBS)
