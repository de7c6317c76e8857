# src/pcscf: pcscfd (the P-CSCF) and its parts.
noinst_LIBRARIES += src/pcscf/libpcscf.a
src_pcscf_libpcscf_a_SOURCES = src/pcscf/privsep.h src/pcscf/privsep.c \
	src/pcscf/config.h src/pcscf/config.c src/pcscf/seal.h src/pcscf/seal.c \
	src/pcscf/ctl_proto.h src/pcscf/ctl_proto.c
src_pcscf_libpcscf_a_CPPFLAGS = $(AM_CPPFLAGS) $(LIBNL_CFLAGS) $(CRYPTO_CFLAGS)
# libpcscf.a and what it needs (config.c parses the signing settings): link this, not the
# archive alone.
PCSCF_BASE_LIBS = src/pcscf/libpcscf.a $(SIGN_LIBS) $(PCSCF_XFRM_LIBS)

check_PROGRAMS += src/pcscf/test_privsep
TESTS += src/pcscf/test_privsep
src_pcscf_test_privsep_SOURCES = src/pcscf/test_privsep.c
src_pcscf_test_privsep_CPPFLAGS = $(AM_CPPFLAGS) $(LIBNL_CFLAGS) $(CMOCKA_CFLAGS)
src_pcscf_test_privsep_LDADD = $(PCSCF_BASE_LIBS) $(CMOCKA_LIBS)

check_PROGRAMS += src/pcscf/test_config
TESTS += src/pcscf/test_config
src_pcscf_test_config_SOURCES = src/pcscf/test_config.c
src_pcscf_test_config_CPPFLAGS = $(AM_CPPFLAGS) $(LIBNL_CFLAGS) $(CMOCKA_CFLAGS)
src_pcscf_test_config_LDADD = $(PCSCF_BASE_LIBS) $(CMOCKA_LIBS)

dist_sysconf_DATA += etc/pcscf.conf
dist_man_MANS += doc/pcscf.conf.5

# The SIP logic without sockets (libpcscf-logic.a): sec-agree choices, registrations,
# transactions, REGISTER, proxying. pcscfd binds it to the transport and privsep.
noinst_LIBRARIES += src/pcscf/libpcscf-logic.a
src_pcscf_libpcscf_logic_a_SOURCES = \
	src/pcscf/pcscf.h src/pcscf/pcscf_int.h src/pcscf/pcscf.c \
	src/pcscf/agree.h src/pcscf/agree.c \
	src/pcscf/reg.h src/pcscf/reg.c \
	src/pcscf/txn.h src/pcscf/txn.c \
	src/pcscf/fwd.c src/pcscf/register.c src/pcscf/proxy.c src/pcscf/proxy_sign.c \
	src/pcscf/dereg.c \
	src/pcscf/store.h src/pcscf/store.c
src_pcscf_libpcscf_logic_a_CPPFLAGS = $(AM_CPPFLAGS) $(LIBNL_CFLAGS) $(SQLITE_CFLAGS)
PCSCF_LOGIC_LIBS = src/pcscf/libpcscf-logic.a src/pcscf/libpcscf.a src/sign/libpcscf-sign.a \
	src/sip/libpcscf-sip.a src/common/libcommon.a $(PCSCF_XFRM_LIBS) $(SQLITE_LIBS)

sbin_PROGRAMS += src/pcscf/pcscfd
src_pcscf_pcscfd_SOURCES = src/pcscf/pcscfd.c src/pcscf/pcscfd.h src/pcscf/pcscfd_state.c \
	src/pcscf/pcscfd_ctl.c
src_pcscf_pcscfd_CPPFLAGS = $(AM_CPPFLAGS) $(LIBNL_CFLAGS) -DPCSCF_CONF='"$(sysconfdir)/pcscf.conf"' \
	-DPCSCF_VERSION='"$(PACKAGE_VERSION)"'
src_pcscf_pcscfd_LDADD = $(PCSCF_LOGIC_LIBS)
dist_man_MANS += doc/pcscfd.8

sbin_PROGRAMS += src/pcscf/pcscfctl
src_pcscf_pcscfctl_SOURCES = src/pcscf/pcscfctl.c
src_pcscf_pcscfctl_CPPFLAGS = $(AM_CPPFLAGS) $(LIBNL_CFLAGS) -DPCSCF_CONF='"$(sysconfdir)/pcscf.conf"'
src_pcscf_pcscfctl_LDADD = $(PCSCF_BASE_LIBS)
dist_man_MANS += doc/pcscfctl.8

# The state database and the sealing of keys in it.
check_PROGRAMS += src/pcscf/test_store
TESTS += src/pcscf/test_store
src_pcscf_test_store_SOURCES = src/pcscf/test_store.c
src_pcscf_test_store_CPPFLAGS = $(PCSCF_TEST_CPPFLAGS) $(SQLITE_CFLAGS)
src_pcscf_test_store_LDADD = $(PCSCF_LOGIC_LIBS) $(CMOCKA_LIBS)

PCSCF_TEST_CPPFLAGS = $(AM_CPPFLAGS) $(LIBNL_CFLAGS) $(CMOCKA_CFLAGS)
check_PROGRAMS += src/pcscf/test_agree
TESTS += src/pcscf/test_agree
src_pcscf_test_agree_SOURCES = src/pcscf/test_agree.c
src_pcscf_test_agree_CPPFLAGS = $(PCSCF_TEST_CPPFLAGS)
src_pcscf_test_agree_LDADD = $(PCSCF_LOGIC_LIBS) $(CMOCKA_LIBS)

check_PROGRAMS += src/pcscf/test_register src/pcscf/test_proxy
TESTS += src/pcscf/test_register src/pcscf/test_proxy
src_pcscf_test_register_SOURCES = src/pcscf/test_register.c src/pcscf/test_harness.c \
	src/pcscf/test_harness.h
src_pcscf_test_register_CPPFLAGS = $(PCSCF_TEST_CPPFLAGS)
src_pcscf_test_register_LDADD = $(PCSCF_LOGIC_LIBS) $(CMOCKA_LIBS)
src_pcscf_test_proxy_SOURCES = src/pcscf/test_proxy.c src/pcscf/test_harness.c \
	src/pcscf/test_harness.h
src_pcscf_test_proxy_CPPFLAGS = $(PCSCF_TEST_CPPFLAGS)
src_pcscf_test_proxy_LDADD = $(PCSCF_LOGIC_LIBS) $(CMOCKA_LIBS)

# pcscfctl deregister: the de-REGISTER pcscfd sends to the S-CSCF.
check_PROGRAMS += src/pcscf/test_dereg
TESTS += src/pcscf/test_dereg
src_pcscf_test_dereg_SOURCES = src/pcscf/test_dereg.c src/pcscf/test_harness.c \
	src/pcscf/test_harness.h
src_pcscf_test_dereg_CPPFLAGS = $(PCSCF_TEST_CPPFLAGS)
src_pcscf_test_dereg_LDADD = $(PCSCF_LOGIC_LIBS) $(CMOCKA_LIBS)

# With "signing" on (doc/signing.md): the proxy's signing steps.
check_PROGRAMS += src/pcscf/test_sign_proxy
TESTS += src/pcscf/test_sign_proxy
src_pcscf_test_sign_proxy_SOURCES = src/pcscf/test_sign_proxy.c src/pcscf/test_harness.c \
	src/pcscf/test_harness.h
src_pcscf_test_sign_proxy_CPPFLAGS = $(PCSCF_TEST_CPPFLAGS)
src_pcscf_test_sign_proxy_LDADD = $(PCSCF_LOGIC_LIBS) $(CMOCKA_LIBS)
src_pcscf_test_sign_proxy_LDFLAGS = -Wl,--wrap=time
