# src/hss-stub: S-CSCF/registrar with an embedded HSS.
# libhss.a holds what the registrar (SIP side) shares with the CLI: the subscriber store
# and the subscriber file parser.
noinst_LIBRARIES += src/hss-stub/libhss.a
src_hss_stub_libhss_a_SOURCES = \
	src/hss-stub/hss_db.c src/hss-stub/hss_db.h \
	src/hss-stub/hss_import.c src/hss-stub/hss_import.h
src_hss_stub_libhss_a_CPPFLAGS = $(AM_CPPFLAGS) $(SQLITE_CFLAGS) $(CRYPTO_CFLAGS)

# libhss-sip.a: the SIP side (registrar, AKA challenges, bindings, stateless proxy), without
# sockets, so that the tests drive it with crafted messages.
noinst_LIBRARIES += src/hss-stub/libhss-sip.a
src_hss_stub_libhss_sip_a_SOURCES = \
	src/hss-stub/hss_map.c src/hss-stub/hss_map.h \
	src/hss-stub/hss_auth.c src/hss-stub/hss_auth.h \
	src/hss-stub/hss_bind.c src/hss-stub/hss_bind.h \
	src/hss-stub/hss_sip.c src/hss-stub/hss_sip.h src/hss-stub/hss_sip_int.h \
	src/hss-stub/hss_reg.c \
	src/hss-stub/hss_proxy.c
src_hss_stub_libhss_sip_a_CPPFLAGS = $(AM_CPPFLAGS) $(SQLITE_CFLAGS) $(CRYPTO_CFLAGS)

HSS_STUB_LIBS = src/hss-stub/libhss.a src/common/libcommon.a $(SQLITE_LIBS) $(CRYPTO_LIBS)
HSS_SIP_LIBS = src/hss-stub/libhss-sip.a src/hss-stub/libhss.a src/sip/libpcscf-sip.a \
	src/common/libcommon.a $(SQLITE_LIBS) $(CRYPTO_LIBS)

bin_PROGRAMS += src/hss-stub/hss-stub
src_hss_stub_hss_stub_SOURCES = \
	src/hss-stub/hss-stub.c \
	src/hss-stub/hss_cli.c src/hss-stub/hss_cli.h \
	src/hss-stub/hss_vector.c \
	src/hss-stub/hss_subscriber.c \
	src/hss-stub/hss_run.c
src_hss_stub_hss_stub_CPPFLAGS = $(AM_CPPFLAGS) $(SQLITE_CFLAGS) $(CRYPTO_CFLAGS)
src_hss_stub_hss_stub_LDADD = $(HSS_SIP_LIBS)

check_PROGRAMS += src/hss-stub/test_hss_db
TESTS += src/hss-stub/test_hss_db
src_hss_stub_test_hss_db_SOURCES = src/hss-stub/test_hss_db.c
src_hss_stub_test_hss_db_CPPFLAGS = $(AM_CPPFLAGS) $(SQLITE_CFLAGS) $(CRYPTO_CFLAGS) \
	$(CMOCKA_CFLAGS)
src_hss_stub_test_hss_db_LDADD = $(HSS_STUB_LIBS) $(CMOCKA_LIBS)

HSS_SIP_TEST_CPPFLAGS = $(AM_CPPFLAGS) $(SQLITE_CFLAGS) $(CRYPTO_CFLAGS) $(CMOCKA_CFLAGS)
HSS_SIP_TEST_LDADD = $(HSS_SIP_LIBS) $(CMOCKA_LIBS)

check_PROGRAMS += src/hss-stub/test_hss_map src/hss-stub/test_hss_reg \
	src/hss-stub/test_hss_proxy
TESTS += src/hss-stub/test_hss_map src/hss-stub/test_hss_reg src/hss-stub/test_hss_proxy
src_hss_stub_test_hss_map_SOURCES = src/hss-stub/test_hss_map.c
src_hss_stub_test_hss_map_CPPFLAGS = $(HSS_SIP_TEST_CPPFLAGS)
src_hss_stub_test_hss_map_LDADD = $(HSS_SIP_TEST_LDADD)
src_hss_stub_test_hss_reg_SOURCES = src/hss-stub/test_hss_reg.c \
	src/hss-stub/test_hss_sip.c src/hss-stub/test_hss_sip.h
src_hss_stub_test_hss_reg_CPPFLAGS = $(HSS_SIP_TEST_CPPFLAGS)
src_hss_stub_test_hss_reg_LDADD = $(HSS_SIP_TEST_LDADD)
src_hss_stub_test_hss_proxy_SOURCES = src/hss-stub/test_hss_proxy.c \
	src/hss-stub/test_hss_sip.c src/hss-stub/test_hss_sip.h
src_hss_stub_test_hss_proxy_CPPFLAGS = $(HSS_SIP_TEST_CPPFLAGS)
src_hss_stub_test_hss_proxy_LDADD = $(HSS_SIP_TEST_LDADD)

# The command-line test runs the built hss-stub (from the build directory, or $HSS_STUB).
TESTS += src/hss-stub/test_hss_cli.sh
EXTRA_DIST += src/hss-stub/test_hss_cli.sh etc/subscribers.example

dist_man_MANS += doc/hss-stub.8
