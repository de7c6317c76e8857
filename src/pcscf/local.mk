# src/pcscf: pcscfd (the P-CSCF) and its parts.
noinst_LIBRARIES += src/pcscf/libpcscf.a
src_pcscf_libpcscf_a_SOURCES = src/pcscf/privsep.h src/pcscf/privsep.c \
	src/pcscf/config.h src/pcscf/config.c
src_pcscf_libpcscf_a_CPPFLAGS = $(AM_CPPFLAGS) $(LIBNL_CFLAGS)

check_PROGRAMS += src/pcscf/test_privsep
TESTS += src/pcscf/test_privsep
src_pcscf_test_privsep_SOURCES = src/pcscf/test_privsep.c
src_pcscf_test_privsep_CPPFLAGS = $(AM_CPPFLAGS) $(LIBNL_CFLAGS) $(CMOCKA_CFLAGS)
src_pcscf_test_privsep_LDADD = src/pcscf/libpcscf.a $(PCSCF_XFRM_LIBS) $(CMOCKA_LIBS)

check_PROGRAMS += src/pcscf/test_config
TESTS += src/pcscf/test_config
src_pcscf_test_config_SOURCES = src/pcscf/test_config.c
src_pcscf_test_config_CPPFLAGS = $(AM_CPPFLAGS) $(LIBNL_CFLAGS) $(CMOCKA_CFLAGS)
src_pcscf_test_config_LDADD = src/pcscf/libpcscf.a $(PCSCF_XFRM_LIBS) $(CMOCKA_LIBS)

dist_sysconf_DATA += etc/pcscf.conf
dist_man_MANS += doc/pcscf.conf.5
